// Reads request fields with protobuf-JSON coercion, the same way for a GET's query string and a POST's body:
// int64 as number or decimal string, doubles as number or "NaN"/"Infinity"/"-Infinity", enums by name or
// number, booleans true/false, and a single query occurrence still counts as a list.
import { invalidParameter } from '../errors';

type Raw = Record<string, unknown>;

function bad(name: string, value: unknown, expected: string): never {
  throw invalidParameter(`Invalid value ${JSON.stringify(value)} for parameter '${name}' supplied: expected ${expected}.`);
}

export class Fields {
  constructor(
    readonly raw: Raw,
    /** Query-string fields arrive as lists of strings. */
    private readonly fromQuery: boolean,
  ) {}

  /** These fields with `extra` (a route's path parameters) set over them. */
  with(extra: Record<string, string>): Fields {
    if (Object.keys(extra).length === 0) return this;
    const raw: Raw = { ...this.raw };
    for (const [k, v] of Object.entries(extra)) raw[k] = this.fromQuery ? [v] : v;
    return new Fields(raw, this.fromQuery);
  }

  private scalar(name: string): unknown {
    const v = this.raw[name];
    if (this.fromQuery && Array.isArray(v)) return v[0];
    return v;
  }

  has(name: string): boolean {
    const v = this.scalar(name);
    return v !== undefined && v !== null;
  }

  str(name: string): string | undefined {
    const v = this.scalar(name);
    if (v === undefined || v === null) return undefined;
    if (typeof v === 'string') return v;
    if (typeof v === 'number' || typeof v === 'boolean') return String(v);
    return bad(name, v, 'a string');
  }

  /** A required string: absent or empty is MLflow's "missing value" error. */
  required(name: string): string {
    const v = this.str(name);
    if (v === undefined || v === '') throw invalidParameter(`Missing value for required parameter '${name}'. See the API docs for more information about request parameters.`);
    return v;
  }

  int(name: string): number | undefined {
    return toInt(name, this.scalar(name));
  }

  double(name: string): number | undefined {
    return toDouble(name, this.scalar(name));
  }

  bool(name: string): boolean | undefined {
    const v = this.scalar(name);
    if (v === undefined || v === null) return undefined;
    if (typeof v === 'boolean') return v;
    if (typeof v === 'string' && /^(true|false)$/i.test(v)) return v.toLowerCase() === 'true';
    return bad(name, v, 'true or false');
  }

  enumValue<T extends string>(name: string, names: readonly T[], firstNumber = 1): T | undefined {
    const v = this.scalar(name);
    if (v === undefined || v === null || v === '') return undefined;
    if (typeof v === 'string' && (names as readonly string[]).includes(v)) return v as T;
    const n = typeof v === 'number' ? v : typeof v === 'string' && /^\d+$/.test(v) ? Number(v) : NaN;
    if (Number.isInteger(n) && n >= firstNumber && n < firstNumber + names.length) return names[n - firstNumber];
    return bad(name, v, `one of ${names.join(', ')}`);
  }

  strList(name: string): string[] {
    const v = this.raw[name];
    if (v === undefined || v === null) return [];
    const list = Array.isArray(v) ? v : [v];
    return list.map((item) => (typeof item === 'string' ? item : typeof item === 'number' ? String(item) : bad(name, item, 'a list of strings')));
  }

  list<T>(name: string): T[] | undefined {
    const v = this.raw[name];
    if (v === undefined || v === null) return undefined;
    if (!Array.isArray(v)) return bad(name, v, 'a list');
    return v as T[];
  }
}

export function toInt(name: string, v: unknown): number | undefined {
  if (v === undefined || v === null) return undefined;
  if (typeof v === 'number' && Number.isInteger(v)) return v;
  if (typeof v === 'string' && /^-?\d+$/.test(v.trim())) return Number(v.trim());
  return bad(name, v, 'an integer');
}

export function toDouble(name: string, v: unknown): number | undefined {
  if (v === undefined || v === null) return undefined;
  if (typeof v === 'number') return v;
  if (typeof v === 'string') {
    if (v === 'NaN') return NaN;
    if (v === 'Infinity') return Infinity;
    if (v === '-Infinity') return -Infinity;
    const n = Number(v);
    if (v.trim() !== '' && !Number.isNaN(n)) return n;
  }
  return bad(name, v, 'a number');
}

/** Parses a URL query string into lists per key (repeated keys are lists). */
export function parseQuery(search: URLSearchParams): Raw {
  const out: Record<string, string[]> = {};
  for (const [k, v] of search) (out[k] ??= []).push(v);
  return out;
}
