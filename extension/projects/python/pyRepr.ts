// Python's repr() and ascii() of str (and of the lists/dicts MLflow hashes), needed where MLflow puts a Python
// representation into something we must reproduce byte for byte: `{p!r}` in commands and the virtualenv name,
// which is the SHA-1 of `str(python_env)`, i.e. the repr of a dict.

/** Py_UNICODE_ISPRINTABLE: everything but the Unicode categories Other (C*) and Separator (Z*), space excepted. */
const NON_PRINTABLE = /[\p{C}\p{Z}]/u;

function hex(cp: number, width: number): string {
  return cp.toString(16).padStart(width, '0');
}

function escapeCodePoint(cp: number): string {
  if (cp <= 0xff) return `\\x${hex(cp, 2)}`;
  if (cp <= 0xffff) return `\\u${hex(cp, 4)}`;
  return `\\U${hex(cp, 8)}`;
}

function quoteLike(s: string, asciiOnly: boolean): string {
  // CPython picks single quotes unless the text has a ' and no ".
  const quote = s.includes("'") && !s.includes('"') ? '"' : "'";
  let out = quote;
  for (const ch of s) {
    const cp = ch.codePointAt(0)!;
    if (ch === quote || ch === '\\') out += `\\${ch}`;
    else if (ch === '\t') out += '\\t';
    else if (ch === '\n') out += '\\n';
    else if (ch === '\r') out += '\\r';
    else if (cp < 0x20 || cp === 0x7f) out += escapeCodePoint(cp);
    else if (cp < 0x7f) out += ch;
    else if (asciiOnly || (ch !== ' ' && NON_PRINTABLE.test(ch))) out += escapeCodePoint(cp);
    else out += ch;
  }
  return out + quote;
}

/** repr(s) for a str. */
export function pyRepr(s: string): string {
  return quoteLike(s, false);
}

/** ascii(s) for a str. */
export function pyAscii(s: string): string {
  return quoteLike(s, true);
}

/** A value built from str, list and dict, as Python's repr shows it. */
export type PyValue = string | PyValue[] | PyDict;
export interface PyDict {
  dict: Array<[string, PyValue]>;
}

/** repr of str / list / dict (dicts in insertion order, as Python 3.7+ keeps them). */
export function pyReprValue(v: PyValue): string {
  if (typeof v === 'string') return pyRepr(v);
  if (!Array.isArray(v)) return `{${v.dict.map(([k, val]) => `${pyRepr(k)}: ${pyReprValue(val)}`).join(', ')}}`;
  return `[${v.map(pyReprValue).join(', ')}]`;
}

/** Python's default str ordering: by code point (JS compares UTF-16 units, which differs above U+FFFF). */
export function compareCodePoints(a: string, b: string): number {
  const ia = a[Symbol.iterator]();
  const ib = b[Symbol.iterator]();
  while (true) {
    const x = ia.next();
    const y = ib.next();
    if (x.done || y.done) return x.done && y.done ? 0 : x.done ? -1 : 1;
    const d = x.value.codePointAt(0)! - y.value.codePointAt(0)!;
    if (d !== 0) return d;
  }
}
