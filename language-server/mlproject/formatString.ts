// MLflow builds the command with Python's `command.format(**params)`, so the command is a Python
// format string: `{name}` substitutes, `{{`/`}}` are literal braces, and anything str.format
// rejects fails the run. This mirrors CPython's parser closely enough to report those failures.

export interface FormatField {
  /** Indices into the command value: the whole `{...}` field. */
  start: number;
  end: number;
  /** The argument name (before any `.attr`, `[index]`, `!conv` or `:spec`). */
  name: string;
  nameStart: number;
  nameEnd: number;
  /** `.attr` or `[key]` after the name. */
  hasAccessor: boolean;
  conversion?: string;
  formatSpec?: string;
  formatSpecStart?: number;
  /** Fields nested inside the format spec (`{x:{width}}`). */
  nested: boolean;
}

export interface FormatProblem {
  start: number;
  end: number;
  kind: 'single-close-brace' | 'unclosed-brace' | 'bad-conversion' | 'bad-format-spec';
  message: string;
}

export interface ParsedFormat {
  fields: FormatField[];
  problems: FormatProblem[];
  /** Spans of `{{` and `}}` escapes. */
  escapes: Array<{ start: number; end: number }>;
}

const MAX_NESTING = 2;

export function parseFormatString(s: string): ParsedFormat {
  const out: ParsedFormat = { fields: [], problems: [], escapes: [] };
  parseInto(s, 0, s.length, out, 0);
  return out;
}

function parseInto(s: string, from: number, to: number, out: ParsedFormat, nesting: number): void {
  let i = from;
  while (i < to) {
    const c = s[i];
    if (c !== '{' && c !== '}') {
      i++;
      continue;
    }
    if (c === '}') {
      if (s[i + 1] === '}' && i + 1 < to) {
        out.escapes.push({ start: i, end: i + 2 });
        i += 2;
        continue;
      }
      out.problems.push({ start: i, end: i + 1, kind: 'single-close-brace', message: "Single '}' encountered in format string" });
      i++;
      continue;
    }
    if (s[i + 1] === '{' && i + 1 < to) {
      out.escapes.push({ start: i, end: i + 2 });
      i += 2;
      continue;
    }
    // A replacement field: find its matching close brace, counting nested braces like CPython.
    let depth = 1;
    let j = i + 1;
    let bracket = false;
    for (; j < to; j++) {
      const d = s[j];
      if (d === '[' && !bracket) bracket = true;
      else if (d === ']' && bracket) bracket = false;
      else if (d === '{') depth++;
      else if (d === '}' && --depth === 0) break;
    }
    if (j >= to) {
      out.problems.push({ start: i, end: to, kind: 'unclosed-brace', message: "expected '}' before end of string" });
      return;
    }
    parseField(s, i, j + 1, out, nesting);
    i = j + 1;
  }
}

function parseField(s: string, start: number, end: number, out: ParsedFormat, nesting: number): void {
  const inner = start + 1;
  const close = end - 1;
  // The name ends at the first '.', '[', '!' or ':' outside brackets.
  let k = inner;
  while (k < close && !'.[!:'.includes(s[k])) k++;
  const nameEnd = k;
  let hasAccessor = false;
  while (k < close && (s[k] === '.' || s[k] === '[')) {
    hasAccessor = true;
    if (s[k] === '[') {
      const rb = s.indexOf(']', k);
      k = rb === -1 || rb >= close ? close : rb + 1;
    } else {
      k++;
      while (k < close && !'.[!:'.includes(s[k])) k++;
    }
  }
  const field: FormatField = { start, end, name: s.slice(inner, nameEnd), nameStart: inner, nameEnd, hasAccessor, nested: nesting > 0 };
  if (k < close && s[k] === '!') {
    const conv = s[k + 1];
    field.conversion = conv;
    if (conv === undefined || k + 1 >= close) {
      out.problems.push({ start, end, kind: 'bad-conversion', message: 'end of string while looking for conversion specifier' });
    } else if (k + 2 < close && s[k + 2] !== ':') {
      out.problems.push({ start: k, end: close, kind: 'bad-conversion', message: "expected ':' after conversion specifier" });
    } else if (!'rsa'.includes(conv)) {
      out.problems.push({ start: k, end: k + 2, kind: 'bad-conversion', message: `Unknown conversion specifier ${conv}` });
    }
    k += 2;
  }
  if (k < close && s[k] === ':') {
    field.formatSpec = s.slice(k + 1, close);
    field.formatSpecStart = k + 1;
    if (nesting < MAX_NESTING) parseInto(s, k + 1, close, out, nesting + 1);
    const problem = stringFormatSpecProblem(field.formatSpec);
    if (problem && !field.formatSpec.includes('{')) out.problems.push({ start: k + 1, end: close, kind: 'bad-format-spec', message: problem });
  }
  out.fields.push(field);
}

/**
 * MLflow substitutes shell-quoted *strings*, so a format spec is applied to a str: numeric
 * presentation types, signs, `#`, `,`/`_` and `=` alignment raise ValueError.
 */
function stringFormatSpecProblem(spec: string): string | undefined {
  const m = /^(?:(.)?([<>=^]))?([+\- ])?(z)?(#)?(0)?(\d+)?([_,])?(?:\.(\d+))?(.)?$/su.exec(spec);
  if (!m) return `Invalid format specifier '${spec}' for a string value`;
  const [, , align, sign, , alt, , , grouping, , type] = m;
  if (type !== undefined && type !== 's') return `Unknown format code '${type}' for object of type 'str' (parameters are substituted as quoted strings)`;
  if (sign !== undefined) return 'Sign not allowed in string format specifier';
  if (alt !== undefined) return 'Alternate form (#) not allowed in string format specifier';
  if (grouping !== undefined) return `Cannot specify '${grouping}' with 's'.`;
  if (align === '=') return "'=' alignment not allowed in string format specifier";
  return undefined;
}
