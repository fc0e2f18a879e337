// A fast reader for the plain YAML that MLflow files are nearly always written in, building the very
// nodes the `yaml` library would (same classes, values, scalar styles and [start, end) ranges).
// The library's parser costs about 1 µs per token (nested generators), ~40 ms for a 2,000-line
// MLproject; this reader walks the text once and lets the library resolve scalar values and types
// (CST.resolveAsScalar and the YAML 1.1 schema's tags), so values cannot drift from it.
//
// It gives up — returns undefined, and the caller parses with the library — on anything outside
// its subset: tabs, a CR outside CRLF, byte order marks, directives and document markers, anchors, aliases, tags,
// explicit keys, merge keys, block scalars, flow collections spanning lines, anything the library
// would call an error or a warning, and whatever else it does not recognise. So errors, warnings
// and every rare construct still come from the library alone. test/language-server/fastYaml.test.ts
// compares both on many thousands of documents.
import { CST, Document, Pair, parseDocument, Scalar, YAMLMap, YAMLSeq } from 'yaml';
import type { DocumentOptions, ParseOptions, SchemaOptions } from 'yaml';

export const YAML_OPTIONS: ParseOptions & DocumentOptions & SchemaOptions = { version: '1.1', uniqueKeys: false, prettyErrors: false, keepSourceTokens: false };

type Node = Scalar | YAMLMap | YAMLSeq;
type Range = [number, number, number];

interface ScalarTag {
  default?: boolean | 'key';
  test?: RegExp;
  format?: string;
  resolve: (value: string, onError: (message: string) => void, options: unknown) => unknown;
}

/** The YAML 1.1 schema's implicit scalar tags, in the library's order of precedence. */
let implicitTags: ScalarTag[] | undefined;
let schemaOptions: unknown;

function tags(): ScalarTag[] {
  if (!implicitTags) {
    const doc = parseDocument('', YAML_OPTIONS);
    implicitTags = (doc.schema.tags as unknown as ScalarTag[]).filter((t) => t.default === true && t.test && !(t as { collection?: unknown }).collection);
    schemaOptions = doc.options;
  }
  return implicitTags;
}

/** Which implicit tag a plain scalar resolves to; memoised, as the same words recur (type, default, float…). */
const tagOf = new Map<string, ScalarTag | null>();

function implicitTag(value: string): ScalarTag | undefined {
  let tag = tagOf.get(value);
  if (tag === undefined) {
    tag = tags().find((t) => t.test!.test(value)) ?? null;
    if (tagOf.size > 20_000) tagOf.clear();
    if (value.length <= 64) tagOf.set(value, tag);
  }
  return tag ?? undefined;
}

class GiveUp extends Error {}
const giveUp = (): never => {
  throw new GiveUp();
};

/** Characters that cannot start a plain scalar (some can when followed by a non-space). */
const INDICATORS = new Set([...'-?:,[]{}#&*!|>\'"%@`']);
const FLOW_INDICATORS = new Set([...',[]{}']);
const MAX_DEPTH = 100;

/** The document the library would build, or undefined when the text is outside this reader's subset. */
export function parseYamlFast(text: string): Document.Parsed | undefined {
  if (text.length === 0 || /[\t\uFEFF]|\r(?!\n)/.test(text)) return undefined;
  // CRLF text is read as LF text (the library reads both the same), then its ranges are moved back.
  const crlf = text.includes('\r');
  const source = crlf ? text.replace(/\r\n/g, '\n') : text;
  try {
    const reader = new Reader(source);
    const contents = reader.document();
    if (!contents) return undefined;
    if (crlf) moveRanges(contents, crlfShift(text));
    const doc = new Document(undefined, YAML_OPTIONS) as unknown as Document.Parsed;
    doc.contents = contents as never;
    doc.range = [0, text.length, text.length];
    return doc;
  } catch (e) {
    if (e instanceof GiveUp) return undefined;
    throw e;
  }
}

/** Maps an offset in the text with its CRLFs made LF to the offset in the text itself. */
function crlfShift(text: string): (offset: number) => number {
  const crs: number[] = []; // offsets, in the LF text, of the line breaks that were CRLF
  for (let i = text.indexOf('\r'), removed = 0; i !== -1; i = text.indexOf('\r', i + 1)) crs.push(i - removed++);
  return (offset) => {
    let lo = 0;
    let hi = crs.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (crs[mid] < offset) lo = mid + 1;
      else hi = mid;
    }
    return offset + lo; // one more character for each CR before the offset
  };
}

function moveRanges(node: unknown, map: (offset: number) => number): void {
  if (node instanceof Pair) {
    moveRanges(node.key, map);
    moveRanges(node.value, map);
    return;
  }
  const n = node as Node;
  if (n?.range) n.range = [map(n.range[0]), map(n.range[1]), map(n.range[2])];
  if (n instanceof YAMLMap || n instanceof YAMLSeq) for (const item of n.items as unknown[]) moveRanges(item, map);
}

class Reader {
  private pos = 0;

  constructor(private readonly text: string) {
    tags();
  }

  document(): Node | undefined {
    this.skipBlankAndCommentLines();
    if (this.pos >= this.text.length) return undefined; // empty documents are the library's
    // A piece of a file (an entry point) starts indented; its mapping is then in that column.
    const col = this.indentAt(this.pos);
    this.pos += col;
    const c = this.text[this.pos];
    if (c === '%' || this.text.startsWith('---', this.pos) || this.text.startsWith('...', this.pos)) return undefined;
    const node = this.isSeqItem(this.pos) ? this.blockSeq(col, 0) : this.looksLikeKey(this.pos) ? this.blockMap(col, 0) : undefined;
    this.skipBlankAndCommentLines();
    return this.pos >= this.text.length ? node : undefined;
  }

  // ---- lines ---------------------------------------------------------------------------------

  private lineEnd(from: number): number {
    const nl = this.text.indexOf('\n', from);
    return nl === -1 ? this.text.length : nl;
  }

  /** Column of the first non-space character of the line starting at `lineStart`. */
  private indentAt(lineStart: number): number {
    let i = lineStart;
    while (this.text.charCodeAt(i) === 32) i++;
    return i - lineStart;
  }

  /** Moves `pos` (at a line start) over blank and comment-only lines, to the next content line's start. */
  private skipBlankAndCommentLines(): void {
    const text = this.text;
    while (this.pos < text.length) {
      let i = this.pos;
      while (text.charCodeAt(i) === 32) i++;
      if (i < text.length && text[i] !== '\n' && text[i] !== '#') return;
      this.pos = Math.min(this.lineEnd(i) + 1, text.length);
    }
  }

  /** After a node on a line: spaces, an optional comment (after a space), the line break. Returns the end of it. */
  private lineRest(from: number): number {
    const text = this.text;
    let i = from;
    while (text.charCodeAt(i) === 32) i++;
    if (i < text.length && text[i] === '#') {
      if (text[i - 1] !== ' ') giveUp(); // a comment must be separated by a space
      i = this.lineEnd(i);
    }
    if (i < text.length && text[i] !== '\n') giveUp();
    return i < text.length ? i + 1 : i;
  }

  private isSeqItem(at: number): boolean {
    return this.text[at] === '-' && (at + 1 >= this.text.length || this.text[at + 1] === ' ' || this.text[at + 1] === '\n');
  }

  // ---- block collections ---------------------------------------------------------------------

  /** A block mapping whose first key starts at `pos`, in column `col`. */
  private blockMap(col: number, depth: number): YAMLMap {
    if (depth > MAX_DEPTH) giveUp();
    const map = new YAMLMap();
    const start = this.pos;
    let end: number;
    for (;;) {
      const key = this.key();
      const colon = this.pos; // at ':'
      this.pos++;
      const value = this.blockValue(col, colon + 1, depth, true);
      map.items.push(new Pair(key, value));
      end = (value as Node).range![2];
      // Next entry: same column, and not a sequence item.
      this.skipBlankAndCommentLines();
      if (this.pos >= this.text.length) break;
      const indent = this.indentAt(this.pos);
      if (indent < col) break;
      if (indent > col) giveUp();
      this.pos += indent;
      if (this.isSeqItem(this.pos)) giveUp();
    }
    map.range = [start, end, this.commentsAfter(end, col, true)];
    return map;
  }

  /** A block sequence whose first `-` is at `pos`, in column `col`. */
  private blockSeq(col: number, depth: number): YAMLSeq {
    if (depth > MAX_DEPTH) giveUp();
    const seq = new YAMLSeq();
    const start = this.pos;
    let end: number;
    for (;;) {
      this.pos++; // the '-'
      let value: Node;
      const afterDash = this.pos;
      while (this.text.charCodeAt(this.pos) === 32) this.pos++;
      if (this.pos > afterDash && this.pos < this.text.length && this.text[this.pos] !== '\n' && this.text[this.pos] !== '#' && this.looksLikeKey(this.pos)) {
        // `- key: value`: a mapping whose column is that of its first key.
        value = this.blockMap(this.pos - this.lineStartOf(this.pos), depth + 1);
      } else {
        this.pos = afterDash;
        value = this.blockValue(col, afterDash, depth, false);
      }
      seq.items.push(value);
      end = value.range![2];
      this.skipBlankAndCommentLines();
      if (this.pos >= this.text.length) break;
      const indent = this.indentAt(this.pos);
      if (indent < col) break;
      if (indent > col) giveUp();
      if (!this.isSeqItem(this.pos + indent)) break; // a key of the mapping around a compact sequence
      this.pos += indent;
    }
    // A sequence in the first column does not stretch its end over the comments after it.
    seq.range = [start, end, col === 0 ? end : this.commentsAfter(end, col, true)];
    return seq;
  }

  private lineStartOf(at: number): number {
    return this.text.lastIndexOf('\n', at - 1) + 1;
  }

  /**
   * The value after `key:` or `-`, starting at `pos` (right after the indicator). `col` is the
   * column of the collection the value belongs to. A mapping value may be a sequence in that same column.
   */
  private blockValue(col: number, afterIndicator: number, depth: number, inMap: boolean): Node {
    const text = this.text;
    let i = this.pos;
    while (text.charCodeAt(i) === 32) i++;
    if (i >= text.length || text[i] === '\n' || text[i] === '#') {
      if (text[i] === '#' && i === afterIndicator) giveUp();
      // Nothing on this line: a nested block below, or null.
      const emptyAt = i;
      this.pos = i;
      this.lineRest(i);
      this.pos = Math.min(this.lineEnd(i) + 1, text.length);
      const lineAfterIndicator = this.pos;
      this.skipBlankAndCommentLines();
      if (this.pos < text.length) {
        const indent = this.indentAt(this.pos);
        const first = this.pos + indent;
        if (indent > col) {
          this.pos = first;
          return this.isSeqItem(first) ? this.blockSeq(indent, depth + 1) : this.nestedMap(indent, depth);
        }
        if (inMap && indent === col && this.isSeqItem(first)) {
          this.pos = first;
          return this.blockSeq(indent, depth + 1);
        }
      }
      // When comments follow an empty value that ends its collection, the library ends the value
      // (and so the collection) where the next content starts.
      let nodeEnd = emptyAt;
      if (text[i] === '#' || this.commentLineBetween(lineAfterIndicator, this.pos)) {
        const next = this.pos + this.indentAt(this.pos);
        const sibling = next < text.length && next - this.pos === col && this.isSeqItem(next) !== inMap;
        if (!sibling) nodeEnd = Math.min(next, text.length);
      }
      this.pos = lineAfterIndicator;
      return this.scalarNode(null, '', 'PLAIN', [emptyAt, emptyAt, nodeEnd]);
    }
    if (i === afterIndicator && inMap) giveUp(); // `key:value` is a plain scalar, not a pair
    this.pos = i;
    const node = this.inlineNode(col, depth);
    return node;
  }

  /**
   * Where the library ends a node (the third number of its range), given the comment lines after
   * `from` indented at least `minIndent` (blank lines may come between). A scalar on a line takes
   * those indented past its collection's column, and ends after them. A collection takes those
   * indented at least as far as itself, and then ends where the next content starts (past any
   * other comments, and the indentation before it); a sequence in the first column takes none. A collection's value end is its last item's node end.
   */
  private commentsAfter(from: number, minIndent: number, collection: boolean): number {
    const text = this.text;
    let end = from;
    let line = from;
    while (line < text.length) {
      const indent = this.indentAt(line);
      const c = text[line + indent];
      if (c === '#' && indent >= minIndent) end = line = Math.min(this.lineEnd(line) + 1, text.length);
      else if (c === '\n') line += indent + 1;
      else break;
    }
    if (!collection || end === from) return end;
    // Past any further blank and comment lines, whatever their indentation.
    for (;;) {
      const indent = this.indentAt(line);
      const c = text[line + indent];
      if (c !== '#' && c !== '\n') return Math.min(line + indent, text.length);
      line = Math.min(this.lineEnd(line + indent) + 1, text.length);
    }
  }

  private commentLineBetween(from: number, to: number): boolean {
    for (let line = from; line < to; line = this.lineEnd(line) + 1) if (this.text[line + this.indentAt(line)] === '#') return true;
    return false;
  }

  /** A mapping nested under a key; anything else on its own lines (a lone scalar) is the library's. */
  private nestedMap(indent: number, depth: number): YAMLMap {
    if (!this.looksLikeKey(this.pos)) giveUp();
    return this.blockMap(indent, depth + 1);
  }

  /** Whether a `key:` (plain or single-line quoted) starts at `at`. */
  private looksLikeKey(at: number): boolean {
    const text = this.text;
    const end = this.lineEnd(at);
    const c = text[at];
    if (c === '"' || c === "'") {
      const close = this.quotedEnd(at, end);
      if (close === -1) return false;
      let j = close;
      while (text.charCodeAt(j) === 32) j++;
      return text[j] === ':' && (j + 1 >= text.length || text[j + 1] === ' ' || text[j + 1] === '\n');
    }
    if (!this.plainStart(at, false)) return false;
    for (let j = at; j < end; j++) {
      if (text[j] === ':' && (j + 1 >= text.length || text[j + 1] === ' ' || text[j + 1] === '\n')) return true;
      if (text[j] === '#' && text[j - 1] === ' ') return false;
    }
    return false;
  }

  /** A plain or single-line quoted key at `pos`; leaves `pos` on its `:`. */
  private key(): Scalar {
    const text = this.text;
    const start = this.pos;
    const end = this.lineEnd(start);
    const c = text[start];
    let keyEnd: number;
    let node: Scalar;
    if (c === '"' || c === "'") {
      keyEnd = this.quotedEnd(start, end);
      if (keyEnd === -1) giveUp();
      node = this.flowScalar(start, keyEnd, c === '"' ? 'double-quoted-scalar' : 'single-quoted-scalar');
      let j = keyEnd;
      while (text.charCodeAt(j) === 32) j++;
      this.pos = j;
    } else {
      if (!this.plainStart(start, false)) giveUp();
      let j = start;
      while (j < end && !(text[j] === ':' && (j + 1 >= text.length || text[j + 1] === ' ' || text[j + 1] === '\n'))) {
        if (text[j] === '#' && text[j - 1] === ' ') giveUp();
        j++;
      }
      if (j >= end) giveUp();
      keyEnd = j;
      while (text.charCodeAt(keyEnd - 1) === 32) keyEnd--;
      if (keyEnd - start > 1024) giveUp();
      const source = text.slice(start, keyEnd);
      if (source === '<<') giveUp(); // merge keys: the library's
      node = this.flowScalar(start, keyEnd, 'scalar');
      this.pos = j;
    }
    if (text[this.pos] !== ':') giveUp();
    return node;
  }

  // ---- values on a line ----------------------------------------------------------------------

  /** A scalar or flow collection starting at `pos`, followed by the rest of its last line. */
  private inlineNode(col: number, depth: number): Node {
    const text = this.text;
    const start = this.pos;
    const c = text[start];
    let node: Node;
    let valueEnd: number;
    if (c === '|' || c === '>') {
      node = this.blockScalar(start, col);
      this.pos = node.range![2];
      return node;
    }
    if (c === '[' || c === '{') {
      const lineEnd = this.lineEnd(start);
      const flow = this.flowCollection(start, lineEnd, depth);
      node = flow.node;
      valueEnd = flow.end;
    } else if (c === '"' || c === "'") {
      valueEnd = this.quotedEnd(start, this.text.length);
      if (valueEnd === -1) giveUp();
      this.checkContinuationLines(start, valueEnd, col);
      node = this.flowScalar(start, valueEnd, c === '"' ? 'double-quoted-scalar' : 'single-quoted-scalar');
    } else {
      if (!this.plainStart(start, false)) giveUp();
      valueEnd = this.plainEnd(start, col);
      node = this.flowScalar(start, valueEnd, 'scalar');
    }
    const rangeEnd = this.commentsAfter(this.lineRest(valueEnd), col + 1, false);
    this.pos = rangeEnd;
    node.range = [node.range![0], node.range![1], rangeEnd];
    return node;
  }

  /** Whether a plain scalar may start at `at` (in flow context, flow indicators end it). */
  private plainStart(at: number, inFlow: boolean): boolean {
    const c = this.text[at];
    if (c === undefined || c === ' ' || c === '\n') return false;
    if (!INDICATORS.has(c)) return true;
    // `-`, `?` and `:` may start a plain scalar when a "safe" character follows.
    if (c !== '-' && c !== '?' && c !== ':') return false;
    const next = this.text[at + 1];
    return next !== undefined && next !== ' ' && next !== '\n' && !(inFlow && FLOW_INDICATORS.has(next));
  }

  /** End of a plain scalar in block context that starts at `start`, continuation lines included. */
  private plainEnd(start: number, col: number): number {
    const text = this.text;
    let end = this.plainLineEnd(start);
    // Continuation lines: more indented than the collection, with nothing that could end or break the scalar.
    for (let next = end; ; ) {
      let i = next;
      while (text.charCodeAt(i) === 32) i++;
      if (text[i] !== '\n') break; // a comment or the end of the text ends the scalar
      let line = i + 1;
      let indent = this.indentAt(line);
      while (line + indent < text.length && text[line + indent] === '\n') {
        line = line + indent + 1;
        indent = this.indentAt(line);
      }
      const first = line + indent;
      if (first >= text.length || indent <= col || text[first] === '#') break;
      if (!this.plainStart(first, false) || this.lineHasKeyOrComment(first)) giveUp();
      end = this.plainLineEnd(first);
      next = end;
    }
    return end;
  }

  /** End of the plain text on one line from `from` (trailing spaces excluded); gives up on `: `. */
  private plainLineEnd(from: number): number {
    const text = this.text;
    const lineEnd = this.lineEnd(from);
    let j = from;
    while (j < lineEnd) {
      const ch = text[j];
      if (ch === ':' && (j + 1 >= text.length || text[j + 1] === ' ' || text[j + 1] === '\n')) giveUp();
      if (ch === '#' && text[j - 1] === ' ') break;
      j++;
    }
    while (text.charCodeAt(j - 1) === 32) j--;
    return j;
  }

  private lineHasKeyOrComment(from: number): boolean {
    const text = this.text;
    const lineEnd = this.lineEnd(from);
    for (let j = from; j < lineEnd; j++) {
      if (text[j] === ':' && (j + 1 >= text.length || text[j + 1] === ' ' || text[j + 1] === '\n')) return true;
      if (text[j] === '#' && text[j - 1] === ' ') return true;
    }
    return false;
  }

  /** Index just past the closing quote of the quoted scalar at `start`, or -1 before `limit`. */
  private quotedEnd(start: number, limit: number): number {
    const text = this.text;
    const q = text[start];
    for (let j = start + 1; j < limit; j++) {
      const ch = text[j];
      if (q === '"' && ch === '\\') {
        j++;
        continue;
      }
      if (ch === q) {
        if (q === "'" && text[j + 1] === "'") {
          j++;
          continue;
        }
        return j + 1;
      }
    }
    return -1;
  }

  /** Lines of a multi-line quoted scalar must be indented past its collection and hold no document marker. */
  private checkContinuationLines(start: number, end: number, col: number): void {
    const text = this.text;
    for (let nl = text.indexOf('\n', start); nl !== -1 && nl < end; nl = text.indexOf('\n', nl + 1)) {
      const line = nl + 1;
      const indent = this.indentAt(line);
      const first = line + indent;
      if (first >= end) giveUp(); // the closing quote at a line start, or blank lines: leave them to the library
      if (text[first] === '\n') continue;
      if (indent <= col) giveUp();
    }
  }

  /** A flow collection on one line, from `start` (at `[` or `{`), not past `limit`. */
  private flowCollection(start: number, limit: number, depth: number): { node: YAMLMap | YAMLSeq; end: number } {
    if (depth > MAX_DEPTH) giveUp();
    const text = this.text;
    const isMap = text[start] === '{';
    const close = isMap ? '}' : ']';
    const node = isMap ? new YAMLMap() : new YAMLSeq();
    node.flow = true;
    let i = start + 1;
    const skipSpaces = (): void => {
      while (text.charCodeAt(i) === 32) i++;
      if (i >= limit) giveUp();
    };
    skipSpaces();
    if (text[i] === close) {
      node.range = [start, i + 1, i + 1];
      return { node, end: i + 1 };
    }
    for (;;) {
      skipSpaces();
      const item = this.flowItem(i, limit, depth);
      i = item.end;
      skipSpaces();
      if (isMap) {
        if (text[i] !== ':' || !(text[i + 1] === ' ')) giveUp();
        i++;
        skipSpaces();
        if (text[i] === ',' || text[i] === close) giveUp(); // `{a: }`: leave it to the library
        const value = this.flowItem(i, limit, depth);
        i = value.end;
        (node as YAMLMap).items.push(new Pair(item.node, value.node));
        skipSpaces();
      } else {
        if (text[i] === ':') giveUp(); // pairs in a flow sequence
        (node as YAMLSeq).items.push(item.node);
      }
      if (text[i] === close) break;
      if (text[i] !== ',') giveUp();
      i++;
      skipSpaces();
      if (text[i] === close) giveUp(); // a trailing comma: the library's
    }
    node.range = [start, i + 1, i + 1];
    return { node, end: i + 1 };
  }

  private flowItem(at: number, limit: number, depth: number): { node: Node; end: number } {
    const text = this.text;
    const c = text[at];
    if (c === '[' || c === '{') return this.flowCollection(at, limit, depth + 1);
    if (c === '"' || c === "'") {
      const end = this.quotedEnd(at, limit);
      if (end === -1) giveUp();
      return { node: this.flowScalar(at, end, c === '"' ? 'double-quoted-scalar' : 'single-quoted-scalar'), end };
    }
    if (!this.plainStart(at, true)) giveUp();
    let j = at;
    while (j < limit) {
      const ch = text[j];
      if (FLOW_INDICATORS.has(ch)) break;
      if (ch === ':') {
        const next = text[j + 1];
        if (next === undefined || next === ' ' || next === '\n' || FLOW_INDICATORS.has(next)) break;
      }
      if (ch === '#' && text[j - 1] === ' ') giveUp();
      j++;
    }
    let end = j;
    while (text.charCodeAt(end - 1) === 32) end--;
    if (end === at) giveUp();
    return { node: this.flowScalar(at, end, 'scalar'), end };
  }

  /**
   * `|`, `|-`, `>` or `>-` at `start` and the lines below it, as the library's lexer delimits them:
   * lines indented like the first content line (more than the collection's column `col`) and blank
   * lines between them; trailing blank lines are not part of it unless more indented than the
   * content. Explicit indentation, keep chomping (`+`) and more-indented leading blank lines are
   * left to the library.
   */
  private blockScalar(start: number, col: number): Scalar {
    const text = this.text;
    let h = start + 1;
    if (text[h] === '-') h++;
    const header = text.slice(start, h);
    if (h < text.length && text[h] !== ' ' && text[h] !== '\n') giveUp();
    const headerLineEnd = this.lineRest(h); // just past the header line's break
    if (headerLineEnd >= text.length || text[headerLineEnd - 1] !== '\n') giveUp();
    // The first content line sets the indentation.
    let line = headerLineEnd;
    let maxLeadingBlank = 0;
    let indent = this.indentAt(line);
    while (line + indent < text.length && text[line + indent] === '\n') {
      maxLeadingBlank = Math.max(maxLeadingBlank, indent);
      line = line + indent + 1;
      indent = this.indentAt(line);
    }
    if (line + indent >= text.length || indent <= col || maxLeadingBlank > indent) giveUp();
    // Content lines and the blank lines between them.
    let contentEnd = this.lineEnd(line); // the break (or end) of the last content line
    for (let next = contentEnd + 1; next < text.length; ) {
      const lineIndent = this.indentAt(next);
      const first = next + lineIndent;
      if (first >= text.length || text[first] === '\n') {
        // The library keeps trailing blank lines that are more indented than the content.
        if (lineIndent > indent) contentEnd = Math.min(first, text.length);
        next = first + 1;
        continue;
      }
      if (lineIndent < indent) {
        if (lineIndent > col) giveUp(); // less indented than the block, more than its collection
        break;
      }
      contentEnd = this.lineEnd(first);
      next = contentEnd + 1;
    }
    const end = Math.min(contentEnd + 1, text.length);
    const source = text.slice(headerLineEnd, end);
    const rest = text.slice(h, headerLineEnd - 1);
    const props = [{ type: 'block-scalar-header', offset: start, indent: col, source: header }];
    if (rest) props.push({ type: 'space', offset: h, indent: col, source: rest });
    props.push({ type: 'newline', offset: headerLineEnd - 1, indent: col, source: '\n' });
    const resolved = CST.resolveAsScalar({ type: 'block-scalar', offset: start, indent: col, props, source } as never, true, giveUp);
    if (!resolved || resolved.range[1] !== end) giveUp();
    return this.scalarNode(resolved!.value, resolved!.value, resolved!.type as Scalar.Type, [start, end, end]);
  }

  // ---- scalars -------------------------------------------------------------------------------

  /** The library's own reading of the scalar text in [start, end). */
  private flowScalar(start: number, end: number, type: 'scalar' | 'single-quoted-scalar' | 'double-quoted-scalar'): Scalar {
    const text = this.text;
    const source = text.slice(start, end);
    let value: string;
    let style: Scalar.Type;
    // One-line scalars without escapes read as written; the rest goes through the library.
    const oneLine = source.indexOf('\n') === -1;
    if (type === 'scalar' && oneLine) {
      value = source;
      style = 'PLAIN';
    } else if (type === 'double-quoted-scalar' && oneLine && source.indexOf('\\') === -1) {
      value = source.slice(1, -1);
      style = 'QUOTE_DOUBLE';
    } else if (type === 'single-quoted-scalar' && oneLine) {
      value = source.slice(1, -1).replace(/''/g, "'");
      style = 'QUOTE_SINGLE';
    } else {
      const resolved = CST.resolveAsScalar({ type, offset: start, indent: 0, source } as never, true, giveUp);
      if (!resolved) giveUp();
      value = resolved!.value;
      style = resolved!.type as Scalar.Type;
    }
    if (type !== 'scalar') return this.scalarNode(value, value, style, [start, end, end]);
    const tag = implicitTag(value);
    if (!tag) return this.scalarNode(value, value, 'PLAIN', [start, end, end]);
    const resolvedValue = tag.resolve(value, giveUp, schemaOptions);
    // Some tags return their own Scalar (floats that keep their fraction digits).
    const node = resolvedValue instanceof Scalar ? this.styled(resolvedValue, value, 'PLAIN', [start, end, end]) : this.scalarNode(resolvedValue, value, 'PLAIN', [start, end, end]);
    if (tag.format) node.format = tag.format;
    return node;
  }

  private scalarNode(value: unknown, source: string, type: Scalar.Type, range: Range): Scalar {
    return this.styled(new Scalar(value), source, type, range);
  }

  private styled(node: Scalar, source: string, type: Scalar.Type, range: Range): Scalar {
    node.range = range;
    (node as Scalar & { source: string }).source = source;
    node.type = type;
    return node;
  }
}
