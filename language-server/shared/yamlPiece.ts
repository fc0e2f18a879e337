// Parsing a piece of a YAML file on its own. A piece can stand for its place in the whole file only
// if nothing in it refers outside it or could be read differently there: no errors or warnings
// (an unterminated quote or bracket may have been cut off), no anchors, aliases or tags (they may
// pair with, or be defined by, text elsewhere), and exactly one `key: value` of a block mapping.
import { isAlias, isMap, isPair, isScalar, isSeq } from 'yaml';
import type { Pair } from 'yaml';
import { keyString, parseYamlText } from './yamlTree';
import type { Node, YamlDoc } from './yamlTree';

export interface YamlPiece {
  doc: YamlDoc;
  /** The piece's one entry. */
  pair: Pair;
  /** Its key as PyYAML compares keys. */
  key: string;
}

/** Parses `text` alone; undefined when it cannot stand for its place in a larger file. */
export function parsePiece(text: string): YamlPiece | undefined {
  const doc = parseYamlText(text);
  if (doc.errors.length || doc.warnings.length) return undefined;
  const root = doc.contents;
  if (!isMap(root) || root.flow || root.items.length !== 1 || !selfContained(root)) return undefined;
  const pair = root.items[0] as Pair;
  const key = isScalar(pair.key) ? keyString(pair.key) : null;
  // A merge key pulls entries into the mapping the piece is part of, so it must be read with the rest of it.
  if (key === null || key === '<<') return undefined;
  return { doc, pair, key };
}

function selfContained(node: unknown): boolean {
  if (node === null || node === undefined) return true;
  if (isAlias(node)) return false;
  if (isPair(node)) return selfContained(node.key) && selfContained(node.value);
  if (isScalar(node)) return !node.anchor && !node.tag;
  if (isMap(node) || isSeq(node)) return !node.anchor && !node.tag && (node.items as unknown[]).every(selfContained);
  return false;
}

/** Moves every node range under `node` by `delta` characters, in place. */
export function shiftRanges(node: unknown, delta: number): void {
  if (node === null || node === undefined || delta === 0) return;
  if (isPair(node)) {
    shiftRanges(node.key, delta);
    shiftRanges(node.value, delta);
    return;
  }
  const n = node as Node;
  if (n.range) n.range = [n.range[0] + delta, n.range[1] + delta, n.range[2] + delta];
  if (isMap(node) || isSeq(node)) for (const item of node.items as unknown[]) shiftRanges(item, delta);
}

/**
 * A copy of `text` that does not share memory with the string it was cut from. V8 keeps the whole
 * parent alive for a slice, and a cached piece outlives the version of the document it came from:
 * without copying, each cached piece could keep an old copy of the whole file.
 */
export function detached(text: string): string {
  return Buffer.from(text, 'utf16le').toString('utf16le');
}
