// Python's `str.format(**kwargs)` for str values, which is how MLflow substitutes the (already shell-quoted)
// parameters into an entry point's command. Follows CPython's Objects/stringlib/unicode_format.h and
// Python/formatter_unicode.c (3.11): the same fields, escapes, conversions, nested specs and string format
// specs, and the same error for everything str.format rejects. Works on code points, as Python's str does.
import { pyAscii, pyRepr } from './pyRepr';

/** What Python raises; `pythonType` is the exception class (ValueError, KeyError, IndexError, …). */
export class PyFormatError extends Error {
  constructor(
    readonly pythonType: 'ValueError' | 'KeyError' | 'IndexError' | 'TypeError' | 'AttributeError',
    message: string,
  ) {
    super(message);
    this.name = 'PyFormatError';
  }

  /** As Python prints it: `KeyError: 'alpha'`. */
  override toString(): string {
    return `${this.pythonType}: ${this.message}`;
  }
}

/** PY_SSIZE_T_MAX on 64-bit builds: get_integer refuses anything that could overflow it. */
const SSIZE_MAX = 2n ** 63n - 1n;
/** Beyond this a width would make CPython allocate gigabytes; refuse instead of hanging the editor. */
const MAX_WIDTH = 10_000_000;

const DECIMAL = /^\p{Nd}$/u;

/**
 * Py_UNICODE_TODECIMAL: any Unicode decimal digit counts, not just 0-9. Unicode encodes every set of decimal
 * digits as a run of code points starting at its zero, and runs may be back to back (the mathematical digits),
 * so a digit's value is its distance from the start of its run, modulo 10.
 */
function decimalValue(ch: string): number {
  const cp = ch.codePointAt(0)!;
  if (cp >= 0x30 && cp <= 0x39) return cp - 0x30;
  if (!DECIMAL.test(ch)) return -1;
  let start = cp;
  while (start > 0 && DECIMAL.test(String.fromCodePoint(start - 1))) start--;
  return (cp - start) % 10;
}

/** get_integer: all-decimal text → its value; -1 when any char is not a digit (or the text is empty). */
function getInteger(cps: string[]): number {
  if (cps.length === 0) return -1;
  let acc = 0n;
  for (const ch of cps) {
    const d = decimalValue(ch);
    if (d < 0) return -1;
    if (acc > (SSIZE_MAX - BigInt(d)) / 10n) throw new PyFormatError('ValueError', 'Too many decimal digits in format string');
    acc = acc * 10n + BigInt(d);
  }
  return Number(acc);
}

interface Field {
  name: string[];
  conversion: string | undefined;
  spec: string[];
  specNeedsExpanding: boolean;
}

/** `template.format(**kwargs)` with str values. */
export function pyFormat(template: string, kwargs: ReadonlyMap<string, string>): string {
  return buildString(Array.from(template), kwargs, 2);
}

function buildString(s: string[], kwargs: ReadonlyMap<string, string>, depth: number): string {
  if (depth <= 0) throw new PyFormatError('ValueError', 'Max string recursion exceeded');
  let out = '';
  let i = 0;
  while (i < s.length) {
    // Literal text up to the first brace (MarkupIterator_next).
    const start = i;
    let c = '';
    let markup = false;
    while (i < s.length) {
      c = s[i++];
      if (c === '{' || c === '}') {
        markup = true;
        break;
      }
    }
    const atEnd = i >= s.length;
    let len = i - start;
    if (markup && c === '}' && (atEnd || s[i] !== '}')) throw new PyFormatError('ValueError', "Single '}' encountered in format string");
    if (markup && atEnd && c === '{') throw new PyFormatError('ValueError', "Single '{' encountered in format string");
    if (markup && !atEnd) {
      if (s[i] === c) {
        i++; // an escaped brace: the literal keeps one of the pair
        markup = false;
      } else len--;
    }
    out += s.slice(start, start + len).join('');
    if (!markup) continue;
    const parsed = parseField(s, i);
    i = parsed.next;
    out += renderField(parsed.field, kwargs, depth);
  }
  return out;
}

/** parse_field: name up to `}`, `:` or `!` (brackets skipped), then `!c`, then a spec with balanced braces. */
function parseField(s: string[], from: number): { field: Field; next: number } {
  let i = from;
  let c = '';
  while (i < s.length) {
    c = s[i++];
    if (c === '{') throw new PyFormatError('ValueError', "unexpected '{' in field name");
    if (c === '[') {
      while (i < s.length && s[i] !== ']') i++;
      continue;
    }
    if (c === '}' || c === ':' || c === '!') break;
  }
  const field: Field = { name: s.slice(from, i - 1), conversion: undefined, spec: [], specNeedsExpanding: false };
  if (c === '!' || c === ':') {
    if (c === '!') {
      if (i >= s.length) throw new PyFormatError('ValueError', 'end of string while looking for conversion specifier');
      field.conversion = s[i++];
      if (i < s.length) {
        const d = s[i++];
        if (d === '}') return { field, next: i };
        if (d !== ':') throw new PyFormatError('ValueError', "expected ':' after conversion specifier");
      }
    }
    const specStart = i;
    let count = 1;
    while (i < s.length) {
      const d = s[i++];
      if (d === '{') {
        field.specNeedsExpanding = true;
        count++;
      } else if (d === '}' && --count === 0) {
        field.spec = s.slice(specStart, i - 1);
        return { field, next: i };
      }
    }
    throw new PyFormatError('ValueError', "unmatched '{' in format spec");
  }
  if (c !== '}') throw new PyFormatError('ValueError', "expected '}' before end of string");
  return { field, next: i };
}

function renderField(field: Field, kwargs: ReadonlyMap<string, string>, depth: number): string {
  let value = fieldObject(field.name, kwargs);
  if (field.conversion !== undefined) value = convert(value, field.conversion);
  const spec = field.specNeedsExpanding ? Array.from(buildString(field.spec, kwargs, depth - 1)) : field.spec;
  return formatStr(value, spec);
}

/** get_field_object: the first part names a keyword (or a positional index, which never exists here). */
function fieldObject(name: string[], kwargs: ReadonlyMap<string, string>): string {
  let i = 0;
  while (i < name.length && name[i] !== '.' && name[i] !== '[') i++;
  const first = name.slice(0, i);
  const index = getInteger(first);
  let value: string;
  if (index !== -1 || first.length === 0) {
    // `{}` and `{0}`: MLflow passes keywords only, so every positional field is out of range.
    throw new PyFormatError('IndexError', `Replacement index ${index === -1 ? 0 : index} out of range for positional args tuple`);
  }
  const key = first.join('');
  const found = kwargs.get(key);
  if (found === undefined) throw new PyFormatError('KeyError', pyRepr(key));
  value = found;
  // FieldNameIterator: `.attr` or `[item]`, in order, each applied before the next is parsed.
  while (i < name.length) {
    const c = name[i++];
    if (c === '.') {
      const s = i;
      while (i < name.length && name[i] !== '.' && name[i] !== '[') i++;
      if (i === s) throw new PyFormatError('ValueError', 'Empty attribute in format string');
      // A str attribute is a bound method or similar: its str() holds a memory address, so no command
      // could use it meaningfully. Refuse it rather than build a command that changes on every run.
      throw new PyFormatError('AttributeError', `'{${name.join('')}}' reads attribute '${name.slice(s, i).join('')}' of a parameter string; MLflow Workbench does not support attribute access in commands`);
    } else if (c === '[') {
      const s = i;
      while (i < name.length && name[i] !== ']') i++;
      if (i >= name.length) throw new PyFormatError('ValueError', "Missing ']' in format string");
      const item = name.slice(s, i);
      i++;
      if (item.length === 0) throw new PyFormatError('ValueError', 'Empty attribute in format string');
      const n = getInteger(item);
      if (n === -1) throw new PyFormatError('TypeError', "string indices must be integers, not 'str'");
      const chars = Array.from(value);
      if (n >= chars.length) throw new PyFormatError('IndexError', 'string index out of range');
      value = chars[n];
    } else {
      throw new PyFormatError('ValueError', "Only '.' or '[' may follow ']' in format field specifier");
    }
  }
  return value;
}

function convert(value: string, conversion: string): string {
  switch (conversion) {
    case 's':
      return value;
    case 'r':
      return pyRepr(value);
    case 'a':
      return pyAscii(value);
    default: {
      const cp = conversion.codePointAt(0)!;
      const shown = cp > 32 && cp < 127 ? conversion : `\\x${cp.toString(16)}`;
      throw new PyFormatError('ValueError', `Unknown conversion specifier ${shown}`);
    }
  }
}

/** format(value, spec) for a str: [[fill]align][sign][z][#][0][width][,|_][.precision][s]. */
export function formatStr(value: string, spec: string[]): string {
  if (spec.length === 0) return value;
  const isAlign = (ch: string | undefined): boolean => ch === '<' || ch === '>' || ch === '=' || ch === '^';
  let pos = 0;
  let fill = ' ';
  let align = '<';
  let fillSpecified = false;
  let sign = '';
  let noNegZero = false;
  let alternate = false;
  if (spec.length >= 2 && isAlign(spec[1])) {
    fill = spec[0];
    align = spec[1];
    fillSpecified = true;
    pos = 2;
  } else if (isAlign(spec[0])) {
    align = spec[0];
    pos = 1;
  }
  if (spec[pos] === ' ' || spec[pos] === '+' || spec[pos] === '-') sign = spec[pos++];
  if (spec[pos] === 'z') {
    noNegZero = true;
    pos++;
  }
  if (spec[pos] === '#') {
    alternate = true;
    pos++;
  }
  // '0' only sets the fill for strings (its '=' alignment applies to numbers, whose default align is '>').
  if (!fillSpecified && spec[pos] === '0') {
    fill = '0';
    pos++;
  }
  const readInteger = (): number => {
    const s = pos;
    while (pos < spec.length && decimalValue(spec[pos]) >= 0) pos++;
    return pos === s ? -1 : getInteger(spec.slice(s, pos));
  };
  const width = readInteger();
  let grouping = '';
  if (spec[pos] === ',') {
    grouping = ',';
    pos++;
  }
  if (spec[pos] === '_') {
    if (grouping) throw new PyFormatError('ValueError', "Cannot specify both ',' and '_'.");
    grouping = '_';
    pos++;
  }
  if (spec[pos] === ',' && grouping === '_') throw new PyFormatError('ValueError', "Cannot specify both ',' and '_'.");
  let precision = -1;
  if (spec[pos] === '.') {
    pos++;
    precision = readInteger();
    if (precision === -1) throw new PyFormatError('ValueError', 'Format specifier missing precision');
  }
  if (spec.length - pos > 1) throw new PyFormatError('ValueError', `Invalid format specifier '${spec.join('')}' for object of type 'str'`);
  const type = spec.length - pos === 1 ? spec[pos] : 's';
  if (grouping) throw new PyFormatError('ValueError', `Cannot specify '${grouping}' with '${type}'.`);
  if (type !== 's') {
    const cp = type.codePointAt(0)!;
    const shown = cp > 32 && cp < 128 ? `'${type}'` : `'\\x${cp.toString(16)}'`;
    throw new PyFormatError('ValueError', `Unknown format code ${shown} for object of type 'str'`);
  }
  if (sign) throw new PyFormatError('ValueError', `${sign === ' ' ? 'Space' : 'Sign'} not allowed in string format specifier`);
  if (noNegZero) throw new PyFormatError('ValueError', 'Negative zero coercion (z) not allowed in string format specifier');
  if (alternate) throw new PyFormatError('ValueError', 'Alternate form (#) not allowed in string format specifier');
  if (align === '=') throw new PyFormatError('ValueError', "'=' alignment not allowed in string format specifier");
  if (width > MAX_WIDTH) throw new PyFormatError('ValueError', `Width ${width} is too large for a command`);

  let chars = Array.from(value);
  if (precision >= 0 && chars.length >= precision) chars = chars.slice(0, precision);
  const total = width > chars.length ? width : chars.length;
  const padding = total - chars.length;
  const left = align === '>' ? padding : align === '^' ? Math.floor(padding / 2) : 0;
  return fill.repeat(left) + chars.join('') + fill.repeat(padding - left);
}
