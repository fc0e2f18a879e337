// Small text helpers for building edits and for mimicking Python's str() of YAML values.

export function lineStartOf(text: string, offset: number): number {
  return text.lastIndexOf('\n', offset - 1) + 1;
}

/** Leading spaces of the line that contains `offset`. */
export function indentOf(text: string, offset: number): number {
  const start = lineStartOf(text, offset);
  let i = start;
  while (text[i] === ' ') i++;
  return i - start;
}

/** Offset just past the line break that ends the line containing `offset` (or the end of text). */
export function lineEndAfter(text: string, offset: number): number {
  if (offset > 0 && text[offset - 1] === '\n') return offset;
  const newline = text.indexOf('\n', offset);
  return newline === -1 ? text.length : newline + 1;
}

/**
 * What Python's str() gives for a value PyYAML loaded, which is what MLflow substitutes into the
 * command: `True` for true, `0.1` for 0.10, `1.0` for 1.0.
 */
export function pythonStr(value: unknown, source?: string): string {
  if (value === null || value === undefined) return 'None';
  if (typeof value === 'boolean') return value ? 'True' : 'False';
  if (typeof value === 'string') return value;
  if (typeof value === 'bigint') return value.toString();
  if (typeof value === 'number') {
    const src = source?.trim() ?? '';
    // PyYAML's YAML 1.1 floats need a dot; `1e3` stays a string.
    if (/^[-+]?\d[\d_]*[eE][-+]?\d+$/.test(src)) return src;
    if (Number.isNaN(value)) return 'nan';
    if (!Number.isFinite(value)) return value > 0 ? 'inf' : '-inf';
    if (src.includes('.') && Number.isInteger(value)) return `${value}.0`;
    return String(value);
  }
  if (value instanceof Date) return source ?? value.toISOString();
  return source ?? String(value);
}
