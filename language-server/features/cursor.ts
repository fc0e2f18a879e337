// Where the cursor is in a YAML file, in two flavours: from the parsed tree (exact, for hover and
// navigation) and from the raw lines (robust while the user is typing, for completion).
import { isMap, isScalar, isSeq, nodeSpan, resolve } from '../shared/yamlTree';
import type { Node, YamlDoc } from '../shared/yamlTree';
import type { Span } from '../shared/diagnostics';

export interface TreePosition {
  /** Keys from the root to the key under (or containing) the cursor; list items are skipped. */
  path: string[];
  /** True when the cursor is on the last key itself rather than inside its value. */
  onKey: boolean;
  /** Span of the last key. */
  keySpan?: Span;
  /** The value node of the last key, when the cursor is inside it. */
  value?: Node | null;
}

const contains = (s: Span, offset: number): boolean => offset >= s.start && offset <= s.end;

export function treePositionAt(doc: YamlDoc, offset: number): TreePosition {
  const result: TreePosition = { path: [], onKey: false };
  let node = resolve(doc.contents, doc);
  for (let depth = 0; node && depth < 100; depth++) {
    if (isSeq(node)) {
      const item = node.items.map((i) => resolve(i, doc)).find((i) => i && contains(nodeSpan(i), offset));
      if (!item) break;
      node = item;
      continue;
    }
    if (!isMap(node)) break;
    let next: Node | null = null;
    for (const pair of node.items) {
      const key = pair.key as Node | null;
      if (!isScalar(key) || !key.range) continue;
      const keySpan = nodeSpan(key);
      if (contains(keySpan, offset)) {
        result.path.push(String(key.value));
        result.onKey = true;
        result.keySpan = keySpan;
        return result;
      }
      const value = pair.value as Node | null;
      if (value?.range && contains(nodeSpan(value), offset)) {
        result.path.push(String(key.value));
        result.keySpan = keySpan;
        result.value = resolve(value, doc);
        next = result.value;
        break;
      }
    }
    if (!next) break;
    result.onKey = false;
    node = next;
  }
  return result;
}

export interface LinePosition {
  /** Keys of the enclosing block mappings, outermost first. */
  parents: string[];
  /** `key` position: the cursor is where a key is typed. `value`: after `key:` on this line. */
  position: 'key' | 'value';
  /** For `value`, the key on this line. */
  key?: string;
  /** The word being typed and its span. */
  prefix: string;
  prefixSpan: Span;
  /** Indentation of the key being typed (or of the key whose value is typed). */
  indent: number;
}

/** Works on unparsable text: reads indentation like a human would. */
export function linePositionAt(text: string, offset: number): LinePosition | undefined {
  const lineStart = text.lastIndexOf('\n', offset - 1) + 1;
  const before = text.slice(lineStart, offset);
  if (before.trimStart().startsWith('#')) return undefined;
  let indent: number;
  let result: Omit<LinePosition, 'parents'>;
  const valueMatch = /^(\s*)(- +)?([^\s:#'"{}[\],][^:#]*?):\s+(\S*)$/.exec(before) ?? /^(\s*)(- +)?([^\s:#'"{}[\],][^:#]*?):()$/.exec(before);
  const keyMatch = /^(\s*)(- +)?([\w.-]*)$/.exec(before);
  if (keyMatch) {
    indent = keyMatch[1].length + (keyMatch[2]?.length ?? 0);
    result = { position: 'key', prefix: keyMatch[3], prefixSpan: { start: offset - keyMatch[3].length, end: offset }, indent };
  } else if (valueMatch) {
    indent = valueMatch[1].length + (valueMatch[2]?.length ?? 0);
    const prefix = valueMatch[4];
    result = { position: 'value', key: valueMatch[3].trim(), prefix, prefixSpan: { start: offset - prefix.length, end: offset }, indent };
  } else return undefined;
  return { ...result, parents: parentKeys(text, lineStart, indent) };
}

function parentKeys(text: string, lineStart: number, indent: number): string[] {
  const parents: string[] = [];
  let limit = indent;
  let end = lineStart - 1;
  let scanned = 0;
  while (end > 0 && limit > 0 && scanned++ < 5000) {
    const start = text.lastIndexOf('\n', end - 1) + 1;
    const line = text.slice(start, end);
    end = start - 1;
    if (!line.trim() || line.trimStart().startsWith('#')) continue;
    const m = /^(\s*)(- +)?([^\s:#][^:#]*?):(\s.*)?$/.exec(line);
    const lineIndent = (line.length - line.trimStart().length) + (m?.[2]?.length ?? 0);
    if (lineIndent >= limit) continue;
    if (!m) {
      limit = lineIndent;
      continue;
    }
    const rest = (m[4] ?? '').trim();
    if (rest === '' || rest.startsWith('#') || rest.startsWith('&')) parents.unshift(m[3].trim());
    limit = line.length - line.trimStart().length;
  }
  return parents;
}
