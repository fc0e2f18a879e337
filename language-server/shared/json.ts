// A small JSON parser that keeps offsets, so schema errors inside MLmodel signature strings point
// at the offending property. Accepts what Python's json.loads accepts (NaN and Infinity included).

export type JsonNode =
  | { kind: 'object'; start: number; end: number; properties: JsonProperty[] }
  | { kind: 'array'; start: number; end: number; items: JsonNode[] }
  | { kind: 'string'; start: number; end: number; value: string }
  | { kind: 'number'; start: number; end: number; value: number; integer: boolean }
  | { kind: 'boolean'; start: number; end: number; value: boolean }
  | { kind: 'null'; start: number; end: number; value: null };

export interface JsonProperty {
  key: string;
  keyStart: number;
  keyEnd: number;
  value: JsonNode;
}

export interface JsonParseResult {
  node?: JsonNode;
  error?: { offset: number; message: string };
}

const MAX_DEPTH = 500;

class JsonSyntaxError extends Error {
  constructor(message: string, readonly offset: number) {
    super(message);
  }
}

export function parseJson(text: string): JsonParseResult {
  const parser = new Parser(text);
  try {
    parser.skipWs();
    const node = parser.value(0);
    parser.skipWs();
    if (parser.pos < text.length) throw new JsonSyntaxError('Extra data after the JSON value', parser.pos);
    return { node };
  } catch (e) {
    if (e instanceof JsonSyntaxError) return { error: { offset: e.offset, message: e.message } };
    throw e;
  }
}

class Parser {
  pos = 0;
  constructor(private readonly s: string) {}

  skipWs(): void {
    while (this.pos < this.s.length && ' \t\n\r'.includes(this.s[this.pos])) this.pos++;
  }

  value(depth: number): JsonNode {
    if (depth > MAX_DEPTH) throw new JsonSyntaxError('JSON nested too deeply', this.pos);
    const c = this.s[this.pos];
    if (c === '{') return this.object(depth);
    if (c === '[') return this.array(depth);
    if (c === '"') {
      const start = this.pos;
      const value = this.string();
      return { kind: 'string', start, end: this.pos, value };
    }
    for (const [word, node] of KEYWORDS) {
      if (this.s.startsWith(word, this.pos)) {
        const start = this.pos;
        this.pos += word.length;
        return { ...node, start, end: this.pos } as JsonNode;
      }
    }
    const m = /^-?(?:0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?/.exec(this.s.slice(this.pos, this.pos + 400));
    if (m) {
      const start = this.pos;
      this.pos += m[0].length;
      return { kind: 'number', start, end: this.pos, value: Number(m[0]), integer: !m[1] && !m[2] };
    }
    throw new JsonSyntaxError(c === undefined ? 'Expecting value, found the end of the text' : `Expecting value, found '${c}'`, this.pos);
  }

  object(depth: number): JsonNode {
    const start = this.pos++;
    const properties: JsonProperty[] = [];
    this.skipWs();
    if (this.s[this.pos] === '}') {
      this.pos++;
      return { kind: 'object', start, end: this.pos, properties };
    }
    for (;;) {
      this.skipWs();
      if (this.s[this.pos] !== '"') throw new JsonSyntaxError('Expecting property name enclosed in double quotes', this.pos);
      const keyStart = this.pos;
      const key = this.string();
      const keyEnd = this.pos;
      this.skipWs();
      if (this.s[this.pos] !== ':') throw new JsonSyntaxError("Expecting ':' delimiter", this.pos);
      this.pos++;
      this.skipWs();
      properties.push({ key, keyStart, keyEnd, value: this.value(depth + 1) });
      this.skipWs();
      const c = this.s[this.pos];
      if (c === ',') {
        this.pos++;
        continue;
      }
      if (c === '}') {
        this.pos++;
        return { kind: 'object', start, end: this.pos, properties };
      }
      throw new JsonSyntaxError("Expecting ',' delimiter or '}'", this.pos);
    }
  }

  array(depth: number): JsonNode {
    const start = this.pos++;
    const items: JsonNode[] = [];
    this.skipWs();
    if (this.s[this.pos] === ']') {
      this.pos++;
      return { kind: 'array', start, end: this.pos, items };
    }
    for (;;) {
      this.skipWs();
      items.push(this.value(depth + 1));
      this.skipWs();
      const c = this.s[this.pos];
      if (c === ',') {
        this.pos++;
        continue;
      }
      if (c === ']') {
        this.pos++;
        return { kind: 'array', start, end: this.pos, items };
      }
      throw new JsonSyntaxError("Expecting ',' delimiter or ']'", this.pos);
    }
  }

  string(): string {
    const start = this.pos++;
    let out = '';
    while (this.pos < this.s.length) {
      const c = this.s[this.pos];
      if (c === '"') {
        this.pos++;
        return out;
      }
      if (c === '\\') {
        const e = this.s[this.pos + 1];
        if (e === 'u') {
          const hex = this.s.slice(this.pos + 2, this.pos + 6);
          if (!/^[0-9a-fA-F]{4}$/.test(hex)) throw new JsonSyntaxError('Invalid \\uXXXX escape', this.pos);
          out += String.fromCharCode(parseInt(hex, 16));
          this.pos += 6;
          continue;
        }
        const simple = ESCAPES[e];
        if (simple === undefined) throw new JsonSyntaxError('Invalid \\escape', this.pos);
        out += simple;
        this.pos += 2;
        continue;
      }
      if (c < ' ') throw new JsonSyntaxError('Invalid control character in string', this.pos);
      out += c;
      this.pos++;
    }
    throw new JsonSyntaxError('Unterminated string', start);
  }
}

const ESCAPES: Record<string, string> = { '"': '"', '\\': '\\', '/': '/', b: '\b', f: '\f', n: '\n', r: '\r', t: '\t' };

type Keyword = { kind: 'boolean'; value: boolean } | { kind: 'null'; value: null } | { kind: 'number'; value: number; integer: false };

const KEYWORDS: Array<[string, Keyword]> = [
  ['true', { kind: 'boolean', value: true }],
  ['false', { kind: 'boolean', value: false }],
  ['null', { kind: 'null', value: null }],
  ['NaN', { kind: 'number', value: NaN, integer: false }],
  ['Infinity', { kind: 'number', value: Infinity, integer: false }],
  ['-Infinity', { kind: 'number', value: -Infinity, integer: false }],
];

export function jsonKindName(node: JsonNode): string {
  switch (node.kind) {
    case 'object':
      return 'an object';
    case 'array':
      return 'an array';
    case 'string':
      return 'a string';
    case 'number':
      return 'a number';
    case 'boolean':
      return 'a boolean';
    case 'null':
      return 'null';
  }
}
