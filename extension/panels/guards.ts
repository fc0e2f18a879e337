// Small checks for messages arriving from a webview. A webview runs our script, but it renders strings runs
// logged; the host treats what it posts as untrusted input and accepts only well-formed messages. Pure.

export type Fields = Record<string, unknown>;

export function isRecord(v: unknown): v is Fields {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

export const isString = (v: unknown, max = 100_000): v is string => typeof v === 'string' && v.length <= max;
export const isFiniteNumber = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);
export const isBoolean = (v: unknown): v is boolean => typeof v === 'boolean';
export const isInteger = (v: unknown, min = 0, max = Number.MAX_SAFE_INTEGER): v is number =>
  typeof v === 'number' && Number.isInteger(v) && v >= min && v <= max;

export function isStringArray(v: unknown, maxItems = 100_000, maxLength = 10_000): v is string[] {
  return Array.isArray(v) && v.length <= maxItems && v.every((x) => isString(x, maxLength));
}

export function isOneOf<T extends string>(v: unknown, options: readonly T[]): v is T {
  return typeof v === 'string' && (options as readonly string[]).includes(v);
}

/** The message's `type` when it is one of `types`, else undefined. */
export function messageType<T extends string>(m: unknown, types: readonly T[]): T | undefined {
  return isRecord(m) && isOneOf(m.type, types) ? m.type : undefined;
}
