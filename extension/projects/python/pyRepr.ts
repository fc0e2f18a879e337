// Python's repr() and ascii() of str (and of the lists/dicts MLflow hashes), needed where MLflow puts a Python
// representation into something we must reproduce byte for byte: `{p!r}` in commands and the virtualenv name,
// which is the SHA-1 of `str(python_env)`, i.e. the repr of a dict; and str() of the values PyYAML loads, which
// MLflow substitutes for parameter defaults.

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

/**
 * A value as Python holds it: str, list and dict (insertion order, as Python 3.7+ keeps it), and the scalars
 * PyYAML's safe_load builds — None, bool, int (any size), float, datetime.date and datetime.datetime.
 */
export type PyValue = string | null | boolean | bigint | PyFloat | PyDate | PyDateTime | PyValue[] | PyDict;
export interface PyDict {
  dict: Array<[PyValue, PyValue]>;
}
export interface PyFloat {
  float: number;
}
export interface PyDate {
  date: { year: number; month: number; day: number };
}
export interface PyDateTime {
  datetime: { year: number; month: number; day: number; hour: number; minute: number; second: number; microsecond: number };
  /** datetime.timezone's UTC offset in seconds (0 is datetime.timezone.utc); null for a naive datetime. */
  tz: number | null;
}

/** repr(float) (and str, the same since Python 3.2): the shortest round-tripping digits, exponent outside 1e-4..1e16. */
export function pyFloatRepr(x: number): string {
  if (Number.isNaN(x)) return 'nan';
  if (!Number.isFinite(x)) return x > 0 ? 'inf' : '-inf';
  if (x === 0) return Object.is(x, -0) ? '-0.0' : '0.0';
  const sign = x < 0 ? '-' : '';
  // toExponential() without digits gives the shortest round-tripping ones, as CPython's repr does.
  const [mantissa, e] = Math.abs(x).toExponential().split('e');
  const digits = mantissa.replace('.', '');
  const exp = Number(e);
  if (exp < -4 || exp >= 16) {
    const abs = Math.abs(exp);
    return `${sign}${digits[0]}${digits.length > 1 ? `.${digits.slice(1)}` : ''}e${exp < 0 ? '-' : '+'}${abs < 10 ? `0${abs}` : abs}`;
  }
  if (exp < 0) return `${sign}0.${'0'.repeat(-exp - 1)}${digits}`;
  const whole = digits.padEnd(exp + 1, '0');
  return `${sign}${whole.slice(0, exp + 1)}.${whole.slice(exp + 1) || '0'}`;
}

function pad(n: number, width: number): string {
  return String(n).padStart(width, '0');
}

/** str() of a UTC offset as datetime prints it: +HH:MM, with :SS when there are seconds. */
function offsetStr(seconds: number): string {
  const sign = seconds < 0 ? '-' : '+';
  const s = Math.abs(seconds);
  const hms = `${pad(Math.floor(s / 3600), 2)}:${pad(Math.floor(s / 60) % 60, 2)}`;
  return `${sign}${hms}${s % 60 ? `:${pad(s % 60, 2)}` : ''}`;
}

/** repr(datetime.timezone(timedelta(seconds=…))): utc by name; a timedelta normalised to days ≥ -1 and 0 ≤ seconds < 86400. */
function timezoneRepr(seconds: number): string {
  if (seconds === 0) return 'datetime.timezone.utc';
  const days = Math.floor(seconds / 86400);
  const rest = seconds - days * 86400;
  const parts = [...(days ? [`days=${days}`] : []), ...(rest ? [`seconds=${rest}`] : [])];
  return `datetime.timezone(datetime.timedelta(${parts.join(', ')}))`;
}

function isDict(v: object): v is PyDict {
  return 'dict' in v;
}

/** repr() of a PyValue (dicts in insertion order). */
export function pyReprValue(v: PyValue): string {
  if (typeof v === 'string') return pyRepr(v);
  if (v === null) return 'None';
  if (typeof v === 'boolean') return v ? 'True' : 'False';
  if (typeof v === 'bigint') return v.toString();
  if (Array.isArray(v)) return `[${v.map(pyReprValue).join(', ')}]`;
  if (isDict(v)) return `{${v.dict.map(([k, val]) => `${pyReprValue(k)}: ${pyReprValue(val)}`).join(', ')}}`;
  if ('float' in v) return pyFloatRepr(v.float);
  if ('date' in v) return `datetime.date(${v.date.year}, ${v.date.month}, ${v.date.day})`;
  const d = v.datetime;
  // datetime's repr drops a zero microsecond, then a zero second.
  const fields = [d.year, d.month, d.day, d.hour, d.minute, ...(d.second || d.microsecond ? [d.second] : []), ...(d.microsecond ? [d.microsecond] : [])];
  return `datetime.datetime(${fields.join(', ')}${v.tz === null ? '' : `, tzinfo=${timezoneRepr(v.tz)}`})`;
}

/** str() of a PyValue: a str as itself, dates in ISO form; containers show their items' repr. */
export function pyStrValue(v: PyValue): string {
  if (typeof v === 'string') return v;
  if (v === null || typeof v !== 'object' || Array.isArray(v) || isDict(v) || 'float' in v) return pyReprValue(v);
  if ('date' in v) return `${pad(v.date.year, 4)}-${pad(v.date.month, 2)}-${pad(v.date.day, 2)}`;
  const d = v.datetime;
  const time = `${pad(d.hour, 2)}:${pad(d.minute, 2)}:${pad(d.second, 2)}${d.microsecond ? `.${pad(d.microsecond, 6)}` : ''}`;
  return `${pad(d.year, 4)}-${pad(d.month, 2)}-${pad(d.day, 2)} ${time}${v.tz === null ? '' : offsetStr(v.tz)}`;
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
