// YAML access shared by every analyser. MLflow reads these files with PyYAML's safe_load, which
// implements YAML 1.1 (`on` is true, `3.10` is the float 3.1, duplicate keys keep the last value),
// so we parse with the same schema and expose helpers that follow PyYAML's choices.
import { parseDocument, isAlias, isMap, isScalar, isSeq, Scalar } from 'yaml';
import type { Document, Node, Pair, YAMLMap } from 'yaml';
import { DiagnosticSink, span } from './diagnostics';
import { parseYamlFast, YAML_OPTIONS } from './fastYaml';
import { lineNesting } from './nestingBound';
import { constructScalar } from './pyYamlScalar';
import { pyStrValue } from '../../extension/projects/python/pyRepr';
import type { Span } from './diagnostics';

export type YamlDoc = Document.Parsed;

/** A text's parse; `tooDeep` when it was refused for its nesting (the document is then empty). */
export interface ParsedYaml {
  doc: YamlDoc;
  tooDeep: boolean;
}

export interface Entry {
  /** The key as PyYAML would compare it (scalar keys only; complex keys are null). */
  key: string | null;
  keyNode: Node | null;
  /** The value with aliases resolved; null when the key has no value at all. */
  value: Node | null;
  pair: Pair;
  keySpan: Span;
  /** The value's span, or an empty span right after the key when the value is missing. */
  valueSpan: Span;
  /** Brought in by a `<<` merge key: its spans are where the merged mapping is written. */
  merged: boolean;
}

const MAX_DEPTH = 200;

/**
 * Deeper documents are refused before parsing: the yaml parser recurses per level, and near the
 * stack limit V8 can abort the whole process (a fatal RegExp compiler OOM, not a catchable error).
 * PyYAML gives up with RecursionError far earlier anyway.
 */
export const MAX_NESTING = 256;

/** Parses like PyYAML's safe_load would read it; too deeply nested text yields an empty document. */
export function parseYamlSafely(text: string): ParsedYaml {
  const tooDeep = nestingDepth(text) > MAX_NESTING;
  return { doc: parseYamlText(tooDeep ? '' : text), tooDeep };
}

/**
 * The one place that parses, so that a piece of a file reads the same way as the whole: the fast
 * reader for the plain YAML it knows (it builds the same nodes), the yaml library for the rest.
 */
export function parseYamlText(text: string): YamlDoc {
  return parseYamlFast(text) ?? parseDocument(text, YAML_OPTIONS);
}

/** An upper bound of the nesting depth: indentation levels + inline `- ` items + flow brackets. */
export function nestingDepth(text: string): number {
  const indents: number[] = [];
  let flow = 0;
  let max = 0;
  let lineStart = 0;
  while (lineStart <= text.length) {
    let lineEnd = text.indexOf('\n', lineStart);
    if (lineEnd === -1) lineEnd = text.length;
    let i = lineStart;
    while (i < lineEnd && (text[i] === ' ' || text[i] === '\t')) i++;
    if (i < lineEnd && text[i] !== '#') {
      const indent = i - lineStart;
      while (indents.length && indents[indents.length - 1] >= indent) indents.pop();
      indents.push(indent);
      const line = lineNesting(text, i, lineEnd, flow);
      flow = line.flow;
      max = Math.max(max, indents.length + line.inline + flow);
    }
    lineStart = lineEnd + 1;
  }
  return max;
}

/** Parses `text` (or takes its parse, when the caller already has it) and reports what PyYAML would refuse. */
export function parseYaml(text: string, sink: DiagnosticSink, parsed: ParsedYaml = parseYamlSafely(text)): YamlDoc {
  const { doc, tooDeep } = parsed;
  if (tooDeep) {
    sink.error('yaml-syntax', `YAML nested more than ${MAX_NESTING} levels deep: not analysed; MLflow's YAML loader fails on it (RecursionError).`, span(0, Math.min(text.length, text.indexOf('\n') === -1 ? text.length : text.indexOf('\n'))));
  }
  reportYamlProblems(text, doc.errors, doc.warnings, sink);
  reportDuplicateKeys(doc.contents, sink);
  reportBadMerges(doc.contents, doc, sink);
  return doc;
}

/** What the parser says about a text: an error or warning and where, as offsets into the text. */
export interface YamlProblem {
  code: string;
  message: string;
  pos: [number, number];
}

/** The parser's errors, then its warnings, as diagnostics (the incremental analysis reports those of a re-read region). */
export function reportYamlProblems(text: string, errors: readonly YamlProblem[], warnings: readonly YamlProblem[], sink: DiagnosticSink): void {
  for (const e of errors) {
    const [start, end] = e.pos;
    sink.error('yaml-syntax', `YAML syntax error: ${firstLine(e.message)}. MLflow's YAML loader rejects the file.`, widen(text, start, end));
  }
  for (const w of warnings) {
    const [start, end] = w.pos;
    // The yaml library only accepts `!!float "1"` when the text looks like its own float; PyYAML constructs it
    // (float("1")), and a default it cannot build is reported where it is read (pyYaml.ts).
    if (w.code === 'TAG_RESOLVE_FAILED' && /^Unresolved tag: tag:yaml\.org,2002:(?:str|int|float|bool|null|timestamp)\b/.test(w.message)) continue;
    // safe_load refuses tags it does not know (e.g. !!python/object), so the whole file fails.
    if (w.code === 'TAG_RESOLVE_FAILED') sink.error('yaml-syntax', `${firstLine(w.message)}: MLflow's YAML loader (safe_load) rejects unknown tags.`, widen(text, start, end));
    else sink.warning('yaml-warning', `${firstLine(w.message)}.`, widen(text, start, end));
  }
}

function firstLine(message: string): string {
  return message.split('\n')[0].replace(/\.$/, '');
}

/** The parser reports a point; underline the word there (or one character) so it is visible. */
function widen(text: string, start: number, end: number): Span {
  if (end > start + 1) return span(start, end);
  if (start >= text.length) return span(Math.max(0, text.length - 1), text.length);
  const word = /^[\w.-]+/.exec(text.slice(start, start + 200));
  return span(start, start + (word ? word[0].length : 1));
}

export function nodeSpan(node: Node | null | undefined, fallback: Span = { start: 0, end: 0 }): Span {
  const r = node?.range;
  return r ? span(r[0], r[1]) : fallback;
}

export function resolve(node: unknown, doc: YamlDoc): Node | null {
  let current = node;
  for (let hops = 0; isAlias(current) && hops < 16; hops++) current = current.resolve(doc) ?? null;
  if (isAlias(current)) return null;
  return (current as Node | null) ?? null;
}

/** True for a missing value and for YAML null (`~`, `null`, empty). */
export function isNull(node: Node | null): boolean {
  return node === null || (isScalar(node) && node.value === null);
}

export function isString(node: Node | null): node is Scalar<string> {
  return isScalar(node) && typeof node.value === 'string';
}

export function stringValue(node: Node | null): string | undefined {
  return isString(node) ? node.value : undefined;
}

/** Python-ish name of a node's type, for messages. */
export function describe(node: Node | null): string {
  if (isNull(node)) return 'null';
  if (isMap(node)) return 'a mapping';
  if (isSeq(node)) return 'a list';
  if (isScalar(node)) {
    const v = node.value;
    if (typeof v === 'string') return 'a string';
    if (typeof v === 'boolean') return 'a boolean';
    if (typeof v === 'number' || typeof v === 'bigint') return Number.isInteger(Number(v)) ? 'an integer' : 'a number';
    if (v instanceof Date) return 'a timestamp';
  }
  return 'a value';
}

/** JSON text of a YAML node, or undefined when YAML cannot convert it (bad merges, cycles). */
export function safeJson(node: Node): string | undefined {
  try {
    return JSON.stringify(node.toJSON());
  } catch {
    return undefined;
  }
}

/**
 * The key as MLflow names it: str() of the scalar PyYAML builds (`y` stays 'y', `on` is 'True', `~` is 'None',
 * `0x1F` is '31'); anything else is null. Merge keys are '<<'.
 */
export function keyString(key: unknown): string | null {
  if (!isScalar(key)) return null;
  return isMergeKey(key) ? '<<' : pythonKey(key).text;
}

const plainKeys = new Map<string, { text: string; isStr: boolean }>();

/** A scalar key as PyYAML builds it: str(key), and whether it is a str (only str keys can match a `-P name=…`). */
export function pythonKey(key: Scalar): { text: string; isStr: boolean } {
  // Keys are mostly the same few plain words, read on every keystroke: memoised by their text.
  const plain = key.tag === undefined && key.type === 'PLAIN' && typeof key.source === 'string' ? key.source : undefined;
  const known = plain === undefined ? undefined : plainKeys.get(plain);
  if (known) return known;
  try {
    const value = constructScalar(key, true);
    const result = { text: pyStrValue(value), isStr: typeof value === 'string' };
    if (plain !== undefined && plain.length <= 64) {
      if (plainKeys.size > 10_000) plainKeys.clear();
      plainKeys.set(plain, result);
    }
    return result;
  } catch {
    // PyYAML fails on the whole file (or the key has a tag we do not model): name it as written.
    return { text: key.value === null ? 'None' : String(key.value), isStr: true };
  }
}

/** A plain `<<` key: YAML 1.1's merge key, which yaml marks with a symbol value (a quoted '<<' is an ordinary key). */
export function isMergeKey(key: unknown): boolean {
  return isScalar(key) && typeof key.value === 'symbol';
}

/**
 * Entries of a mapping as PyYAML's safe_load builds it (SafeConstructor.flatten_mapping): the
 * entries merged by `<<` keys come first, in the order of the `<<` keys, a list's mappings last to
 * first (so that the first one listed wins), then the mapping's own entries, which win over merged
 * ones. Merged entries keep the spans of where they are written and are marked `merged`. What
 * PyYAML refuses to merge is skipped here and reported by reportBadMerges.
 */
export function entries(map: YAMLMap, doc: YamlDoc, depth = 0): Entry[] {
  const merged: Entry[] = [];
  const own: Entry[] = [];
  for (const pair of map.items) {
    const keyNode = (pair.key ?? null) as Node | null;
    const rawValue = (pair.value ?? null) as Node | null;
    const value = resolve(rawValue, doc);
    if (isMergeKey(keyNode)) {
      if (depth >= 8) continue; // only a recursive alias gets this deep
      const sources = isMap(value) ? [value] : isSeq(value) ? value.items.map((i) => resolve(i, doc)).reverse() : [];
      for (const source of sources) if (isMap(source)) for (const e of entries(source, doc, depth + 1)) merged.push({ ...e, merged: true });
      continue;
    }
    const keySpan = nodeSpan(keyNode, span(0, 0));
    const valueSpan = rawValue?.range ? span(rawValue.range[0], rawValue.range[1]) : span(keySpan.end, keySpan.end);
    own.push({ key: keyString(keyNode), keyNode, value, pair, keySpan, valueSpan, merged: false });
  }
  return merged.length ? [...merged, ...own] : own;
}

/**
 * PyYAML fails to load a file whose `<<` merges anything but a mapping or a list of mappings
 * (ConstructorError), so MLflow cannot read it at all. Reported in the order of a depth-first walk
 * as reportDuplicateKeys's, which the incremental analysis rebuilds the same way (`depth` as there).
 */
export function reportBadMerges(root: unknown, doc: YamlDoc, sink: DiagnosticSink, depth = 0): void {
  const stack: Array<{ node: unknown; depth: number }> = [{ node: root, depth }];
  while (stack.length) {
    const { node, depth } = stack.pop()!;
    if (depth > MAX_DEPTH) continue;
    if (isMap(node)) {
      for (const pair of node.items) {
        stack.push({ node: pair.key, depth: depth + 1 }, { node: pair.value, depth: depth + 1 });
        if (!isMergeKey(pair.key)) continue;
        const value = resolve(pair.value, doc);
        const at = nodeSpan((pair.value ?? pair.key) as Node);
        if (isSeq(value)) {
          for (const item of value.items) {
            const source = resolve(item, doc);
            if (!isMap(source)) sink.error('merge-not-mapping', `'<<' merges mappings only, not ${describe(source)}: MLflow's YAML loader fails ("expected a mapping for merging"), so the file cannot be read.`, nodeSpan(item as Node, at));
          }
        } else if (!isMap(value)) {
          sink.error('merge-not-mapping', `'<<' merges a mapping or a list of mappings, not ${describe(value)}: MLflow's YAML loader fails ("expected a mapping or list of mappings for merging"), so the file cannot be read.`, isNull(value) ? nodeSpan(pair.key as Node) : at);
        }
      }
    } else if (isSeq(node)) {
      for (const item of node.items) stack.push({ node: item, depth: depth + 1 });
    }
  }
}

/** Entries keyed by name, the last duplicate winning as in PyYAML. */
export function entryMap(map: YAMLMap, doc: YamlDoc): Map<string, Entry> {
  const result = new Map<string, Entry>();
  for (const e of entries(map, doc)) if (e.key !== null) result.set(e.key, e);
  return result;
}

/**
 * Reports every duplicated key below `root`, in the order of a depth-first walk that visits a
 * mapping's own duplicates first and then its items last to first. The incremental analysis
 * rebuilds exactly this order from per-section walks, so `depth` says how deep `root` sits in the
 * whole document (the depth limit must cut at the same nodes).
 */
export function reportDuplicateKeys(root: unknown, sink: DiagnosticSink, depth = 0): void {
  const stack: Array<{ node: unknown; depth: number }> = [{ node: root, depth }];
  while (stack.length) {
    const { node, depth } = stack.pop()!;
    if (depth > MAX_DEPTH) continue;
    if (isMap(node)) {
      const items = node.items;
      reportDuplicates(
        items.map((pair) => keyString(pair.key)),
        (i) => nodeSpan(items[i].key as Node, span(0, 0)),
        sink,
      );
      for (const pair of node.items) {
        stack.push({ node: pair.key, depth: depth + 1 }, { node: pair.value, depth: depth + 1 });
      }
    } else if (isSeq(node)) {
      for (const item of node.items) stack.push({ node: item, depth: depth + 1 });
    }
  }
}

/** The keys of one mapping, in order: all but the last of each repeated key are reported. */
export function reportDuplicates(keys: ReadonlyArray<string | null>, spanOf: (index: number) => Span, sink: DiagnosticSink): void {
  const last = new Map<string, number>();
  keys.forEach((key, i) => {
    if (key !== null && key !== '<<') last.set(key, i);
  });
  keys.forEach((key, i) => {
    if (key === null || key === '<<' || last.get(key) === i) return;
    sink.warning('duplicate-key', `Duplicate key '${key}': MLflow's YAML loader keeps only the last one, so this value is ignored.`, spanOf(i), { unnecessary: false });
  });
}

/** The text range that removes a whole `key: value` entry, including its lines when it stands alone on them. */
export function entryRemovalSpan(text: string, entry: Entry): Span {
  const start = entry.keySpan.start;
  const valueEnd = Math.max(entry.valueSpan.end, entry.keySpan.end);
  const lineStart = text.lastIndexOf('\n', start - 1) + 1;
  if (text.slice(lineStart, start).trim() !== '') return span(start, valueEnd);
  // Block values may already end with their newline.
  if (text[valueEnd - 1] === '\n') return span(lineStart, valueEnd);
  const newline = text.indexOf('\n', valueEnd);
  return span(lineStart, newline === -1 ? text.length : newline + 1);
}

export { isMap, isSeq, isScalar, Scalar };
export type { Node, YAMLMap, Pair };
