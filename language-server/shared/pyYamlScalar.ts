// The Python value PyYAML's safe_load builds from one scalar node, so that what MLflow does with it (str() of a
// parameter default) can be reproduced exactly. The yaml library reads YAML 1.1 a little differently from
// PyYAML (`1e-05` and `y` are a float and a bool to it, `0o17` an int), so plain scalars are resolved again
// here from their text with PyYAML's own implicit resolvers and constructed as SafeConstructor does:
// ints of any size, floats, only PyYAML's booleans, dates and timestamps (datetime.date / datetime.datetime).
import type { PyValue } from '../../extension/projects/python/pyRepr';
import { isScalar, type Node } from 'yaml';

/** PyYAML fails loading the document on this node (so MLflow cannot load the MLproject). */
export class PyYamlError extends Error {}

/** A construct this port does not model (sets, ordered maps, binary, …): callers fall back. */
export class PyYamlUnsupported extends Error {}

export const TAG = 'tag:yaml.org,2002:';

// Resolver.add_implicit_resolver's patterns (resolver.py), in their order of precedence.
const IMPLICIT: Array<[string, RegExp]> = [
  ['bool', /^(?:yes|Yes|YES|no|No|NO|true|True|TRUE|false|False|FALSE|on|On|ON|off|Off|OFF)$/],
  ['float', /^(?:[-+]?(?:[0-9][0-9_]*)\.[0-9_]*(?:[eE][-+][0-9]+)?|\.[0-9][0-9_]*(?:[eE][-+][0-9]+)?|[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+\.[0-9_]*|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$/],
  ['int', /^(?:[-+]?0b[0-1_]+|[-+]?0[0-7_]+|[-+]?(?:0|[1-9][0-9_]*)|[-+]?0x[0-9a-fA-F_]+|[-+]?[1-9][0-9_]*(?::[0-5]?[0-9])+)$/],
  ['merge', /^(?:<<)$/],
  ['null', /^(?:~|null|Null|NULL|)$/],
  ['timestamp', /^(?:[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]|[0-9][0-9][0-9][0-9]-[0-9][0-9]?-[0-9][0-9]?(?:[Tt]|[ \t]+)[0-9][0-9]?:[0-9][0-9]:[0-9][0-9](?:\.[0-9]*)?(?:[ \t]*(?:Z|[-+][0-9][0-9]?(?::[0-9][0-9])?))?)$/],
  ['value', /^(?:=)$/],
];

/** The tag PyYAML's resolver gives a plain scalar's text (`str` when no implicit resolver matches). */
export function pyYamlImplicitTag(text: string): string {
  for (const [tag, re] of IMPLICIT) if (re.test(text)) return tag;
  return 'str';
}

const BOOLS: Record<string, boolean> = { yes: true, no: false, true: true, false: false, on: true, off: false };

/** CPython 3.11's int ↔ decimal str limit (sys.int_info.default_max_str_digits). */
const MAX_STR_DIGITS = 4300;

function pyInt(digits: string, base: number, what: string): bigint {
  const valid = { 2: /^[01]+$/, 8: /^[0-7]+$/, 10: /^[0-9]+$/, 16: /^[0-9a-fA-F]+$/ }[base as 2 | 8 | 10 | 16];
  if (!valid.test(digits)) throw new PyYamlError(`invalid literal for int() with base ${base}: ${JSON.stringify(what)}`);
  if (base === 10 && digits.length > MAX_STR_DIGITS) throw new PyYamlError(`Exceeds the limit (${MAX_STR_DIGITS} digits) for integer string conversion`);
  const prefix = base === 2 ? '0b' : base === 8 ? '0o' : base === 16 ? '0x' : '';
  return BigInt(prefix + digits);
}

/** SafeConstructor.construct_yaml_int. */
function constructInt(text: string): bigint {
  let value = text.replace(/_/g, '');
  if (value === '') throw new PyYamlError('string index out of range');
  const sign = value[0] === '-' ? -1n : 1n;
  if (value[0] === '+' || value[0] === '-') value = value.slice(1);
  if (value === '0') return 0n;
  if (value.startsWith('0b')) return sign * pyInt(value.slice(2), 2, value.slice(2));
  if (value.startsWith('0x')) return sign * pyInt(value.slice(2), 16, value.slice(2));
  if (value[0] === '0') return sign * pyInt(value, 8, value);
  if (value.includes(':')) {
    let result = 0n;
    let base = 1n;
    for (const part of value.split(':').reverse()) {
      result += pyInt(part, 10, part) * base;
      base *= 60n;
    }
    return sign * result;
  }
  return sign * pyInt(value, 10, value);
}

/** Python's float() of text (ASCII forms; PyYAML's regex only lets those through implicitly). */
function pyFloat(text: string): number {
  const t = text.trim();
  if (/^[+-]?(?:inf|infinity)$/i.test(t)) return t.startsWith('-') ? -Infinity : Infinity;
  if (/^[+-]?nan$/i.test(t)) return NaN;
  if (!/^[+-]?(?:\d+\.?\d*|\.\d+)(?:e[+-]?\d+)?$/i.test(t)) throw new PyYamlError(`could not convert string to float: ${JSON.stringify(text)}`);
  return Number(t);
}

/** SafeConstructor.construct_yaml_float (sexagesimal parts summed in the same order, in doubles). */
function constructFloat(text: string): number {
  let value = text.replace(/_/g, '').toLowerCase();
  if (value === '') throw new PyYamlError('string index out of range');
  const sign = value[0] === '-' ? -1 : 1;
  if (value[0] === '+' || value[0] === '-') value = value.slice(1);
  if (value === '.inf') return sign * Infinity;
  if (value === '.nan') return NaN;
  if (value.includes(':')) {
    let result = 0.0;
    let base = 1;
    for (const part of value.split(':').reverse()) {
      result += pyFloat(part) * base;
      base *= 60;
    }
    return sign * result;
  }
  return sign * pyFloat(value);
}

const TIMESTAMP = /^([0-9][0-9][0-9][0-9])-([0-9][0-9]?)-([0-9][0-9]?)(?:(?:[Tt]|[ \t]+)([0-9][0-9]?):([0-9][0-9]):([0-9][0-9])(?:\.([0-9]*))?(?:[ \t]*(Z|([-+])([0-9][0-9]?)(?::([0-9][0-9]))?))?)?$/;

function daysInMonth(year: number, month: number): number {
  if (month === 2) return year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0) ? 29 : 28;
  return [4, 6, 9, 11].includes(month) ? 30 : 31;
}

/** SafeConstructor.construct_yaml_timestamp, with datetime's range checks (they fail the load). */
function constructTimestamp(text: string): PyValue {
  const m = TIMESTAMP.exec(text);
  if (!m) throw new PyYamlError(`not a timestamp: ${JSON.stringify(text)}`);
  const [year, month, day] = [Number(m[1]), Number(m[2]), Number(m[3])];
  if (year < 1) throw new PyYamlError(`year ${year} is out of range`);
  if (month < 1 || month > 12) throw new PyYamlError('month must be in 1..12');
  if (day < 1 || day > daysInMonth(year, month)) throw new PyYamlError('day is out of range for month');
  if (m[4] === undefined) return { date: { year, month, day } };
  const [hour, minute, second] = [Number(m[4]), Number(m[5]), Number(m[6])];
  if (hour > 23) throw new PyYamlError('hour must be in 0..23');
  if (minute > 59) throw new PyYamlError('minute must be in 0..59');
  if (second > 59) throw new PyYamlError('second must be in 0..59');
  const microsecond = m[7] ? Number(m[7].slice(0, 6).padEnd(6, '0')) : 0;
  let tz: number | null = null;
  if (m[9]) {
    const seconds = (Number(m[10]) * 60 + Number(m[11] ?? 0)) * 60;
    if (seconds >= 86400) throw new PyYamlError('offset must be a timedelta strictly between -timedelta(hours=24) and timedelta(hours=24)');
    tz = m[9] === '-' ? -seconds : seconds;
  } else if (m[8]) tz = 0;
  return { datetime: { year, month, day, hour, minute, second, microsecond }, tz };
}

export function constructScalarAs(tag: string, text: string): PyValue {
  switch (tag) {
    case 'str':
      return text;
    case 'null':
      return null;
    case 'bool': {
      const b = BOOLS[text.toLowerCase()];
      if (b === undefined) throw new PyYamlError(`KeyError: ${JSON.stringify(text.toLowerCase())}`);
      return b;
    }
    case 'int':
      return constructInt(text);
    case 'float':
      return { float: constructFloat(text) };
    case 'timestamp':
      return constructTimestamp(text);
    case 'merge':
    case 'value':
      throw new PyYamlError(`could not determine a constructor for the tag '${TAG}${tag}'`);
    default:
      throw new PyYamlUnsupported(`tag ${tag}`);
  }
}

/**
 * What safe_load makes of a scalar node (`asKey`: a mapping key, where `=` is a str). Throws PyYamlError where
 * PyYAML fails loading, PyYamlUnsupported for a tag outside the scalar ones.
 */
export function constructScalar(n: Node, asKey = false): PyValue {
  if (!isScalar(n)) throw new PyYamlUnsupported('not a scalar');
  const tag = n.tag;
  const text = n.source ?? (n.value === null || n.value === undefined ? '' : String(n.value));
  if (tag === '!') return text;
  if (tag !== undefined) {
    if (!tag.startsWith(TAG)) throw new PyYamlUnsupported(`tag ${tag}`);
    return constructScalarAs(tag.slice(TAG.length), text);
  }
  const implicit = n.type === 'PLAIN' || n.type === undefined ? pyYamlImplicitTag(text) : 'str';
  // flatten_mapping retags a `=` key as str; elsewhere it has no constructor.
  return constructScalarAs(asKey && implicit === 'value' ? 'str' : implicit, text);
}
