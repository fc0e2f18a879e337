// Re-reading in context the pieces of an MLproject that cannot be read alone (a quote typed into a
// command leaves a YAML syntax error, and the piece's own parse no longer stands for its place in
// the file). Parsing the whole file again costs ~50 ms for 2,000 lines; this parses only from the
// first such piece to the point where the parse is provably back in step with the pieces.
//
// Why that is exact: every piece before the region was read cleanly alone, and a cut is only ever
// made before a key at the mapping's own column (sections.ts), so the parser stands there as at
// the start of a document (or, for an entry point, as right after the `entry_points:` line), with
// one exception: yaml's lexer carries over from the line before the indentation a plain scalar
// needs to continue, unless the line's second character is not blank (Lexer.parseLineStart), so a
// region never starts at a key like `a b:`. The region is parsed after just that context. It is
// back in step at a later piece when that piece's key is a key of the right block mapping at its
// own offset (no quote, flow collection or deeper node is still open there) with no error or
// warning in the piece's span: the file reads on as its pieces do alone, and what the region's
// parse says about later text is dropped. If no piece gets back in step, the region runs to the
// end of the file. How the text before a piece's key line parses does not depend on the text after
// it, so the region's errors, warnings and nodes are the whole-file parse's, moved by an offset.
// test/language-server/incremental*.test.ts check this against whole-file parses of edited files.
import { isAlias, isMap, isPair, isScalar, isSeq } from 'yaml';
import type { Pair, YAMLMap } from 'yaml';
import { shiftRanges } from '../shared/yamlPiece';
import { isMergeKey, MAX_NESTING, nestingDepth, parseYamlText } from '../shared/yamlTree';
import type { Node, YamlProblem } from '../shared/yamlTree';
import type { Section } from './sections';

/** A piece of the layout in file order: a top-level entry (or the header of split entry points), or an entry point. */
export interface RegionUnit {
  start: number;
  end: number;
  /** Where its key starts. */
  keyAt: number;
  /** Read cleanly alone (it can stand for its place in the file). */
  clean: boolean;
  /** For an entry point: the `entry_points:` header section it is under. */
  header?: Section;
}

export interface Region {
  /** The units [from, to) read in context; `to` is units.length when the region runs to the end. */
  from: number;
  to: number;
  /** Positions are offsets into the file. */
  errors: YamlProblem[];
  warnings: YamlProblem[];
  /** When `units[from]` is an entry point: the entry point pairs of its section from there on. */
  entries: Pair[];
  /** The top-level pairs that follow, their ranges moved to the file. */
  tops: Pair[];
  /** Characters parsed to find the region, over all attempts (tests check that the work stays local). */
  parsed: number;
}

/** How many pieces after the broken one each attempt reads. */
const ATTEMPTS = [1, 16, Infinity];

const BLANK = new Set(['', ' ', '\t', '\r', '\n']);

/** A parse of units [from, last] after their context, its offsets `delta` behind the file's. */
interface Attempt {
  root: YAMLMap;
  errors: YamlProblem[];
  warnings: YamlProblem[];
  /** Length of the context text prepended (the header of `units[from]`'s entry points). */
  context: number;
  delta: number;
  /** Length of the text parsed. */
  length: number;
}

/**
 * Reads units from `broken` (which did not read cleanly alone) in context, starting there or at a
 * clean unit before it, not before `floor` (where the previous region ended). Undefined when the
 * result cannot be vouched for (aliases, merge keys, a root that is not a block mapping, findings
 * in the context, too deep a text): the caller then parses the whole file.
 */
export function readRegion(text: string, units: readonly RegionUnit[], broken: number, floor: number): Region | undefined {
  let from = broken;
  // See above: with a blank second character, the lexer's state at a key depends on the line
  // before (typing a new key's first letter is common), so the region starts at a piece before.
  while (BLANK.has(text[units[from].keyAt + 1] ?? '')) if (--from < floor) return undefined;
  const first = units[from];
  const context = first.header ? text.slice(first.header.start, first.header.end) : '';
  // Most regions end at the next piece, a few within a few pieces; one that does not is mostly a
  // quote or bracket left open, which runs on to the end of the file (or the parse never gets back
  // in step), so the third attempt reads to the end: at most 17 pieces are read in vain.
  let parsed = 0;
  for (const span of ATTEMPTS) {
    const last = Math.min(units.length - 1, broken + span);
    const attempt = parse(text, context, first.start, units[last].end);
    if (!attempt) return undefined;
    parsed += attempt.length;
    for (let b = broken + 1; b <= last; b++) if (backInStep(attempt, units, from, b)) return region(attempt, units, from, b, parsed);
    if (last === units.length - 1) return region(attempt, units, from, units.length, parsed);
  }
  return undefined; // not reached: the last attempt reads to the end
}

function parse(text: string, context: string, start: number, end: number): Attempt | undefined {
  const source = context + text.slice(start, end);
  // Too deep a text must not reach the parser (see MAX_NESTING); the whole-file path reports it.
  if (nestingDepth(source) > MAX_NESTING) return undefined;
  const doc = parseYamlText(source);
  const root = doc.contents;
  if (!isMap(root) || root.flow) return undefined;
  const delta = start - context.length;
  const moved = (p: YamlProblem): YamlProblem => ({ code: p.code, message: p.message, pos: [p.pos[0] + delta, p.pos[1] + delta] });
  const problems = [...doc.errors, ...doc.warnings];
  // A finding in the context would have been found elsewhere in the file, if at all.
  if (problems.some((p) => p.pos[0] < context.length)) return undefined;
  return { root, errors: doc.errors.map(moved), warnings: doc.warnings.map(moved), context: context.length, delta, length: source.length };
}

/** Where a pair starts in the parsed source (its key, or its value when it has no key). */
function position(pair: Pair): number | undefined {
  return (pair.key as Node | null)?.range?.[0] ?? (pair.value as Node | null)?.range?.[0];
}

/** For a region that starts at an entry point: the entry points' block mapping (the context's pair holds it). */
function contextMap(attempt: Attempt): YAMLMap | undefined {
  const pair = attempt.root.items[0];
  return attempt.context && isScalar(pair?.key) && pair.key.range?.[0] === 0 && isMap(pair.value) && !pair.value.flow ? pair.value : undefined;
}

function backInStep(attempt: Attempt, units: readonly RegionUnit[], from: number, b: number): boolean {
  const unit = units[b];
  if (!unit.clean) return false;
  // An entry point is only looked for under the header of the context: one whose header lies in
  // the region would need that header's pair assembled from both sides (rare; read on instead).
  if (unit.header && unit.header.start !== units[from].header?.start) return false;
  const map = unit.header ? contextMap(attempt) : attempt.root;
  const keyAt = unit.keyAt - attempt.delta;
  if (!map?.items.some((p) => isScalar(p.key) && p.key.range?.[0] === keyAt)) return false;
  const inside = (p: YamlProblem): boolean => p.pos[0] >= unit.start && p.pos[0] <= unit.end;
  return !attempt.errors.some(inside) && !attempt.warnings.some(inside);
}

/** The region [from, to): what the parse says up to where units[to] starts. */
function region(attempt: Attempt, units: readonly RegionUnit[], from: number, to: number, parsed: number): Region | undefined {
  const end = to < units.length ? units[to].start - attempt.delta : Infinity;
  const before = (pairs: readonly Pair[]): Pair[] | undefined => {
    const kept: Pair[] = [];
    let previous = -1;
    for (const pair of pairs) {
      const at = position(pair);
      // Pairs must be placed, in order, and outside the context.
      if (at === undefined || at <= previous || at < attempt.context) return undefined;
      previous = at;
      if (at < end) kept.push(pair);
    }
    return kept;
  };
  const items = attempt.root.items as Pair[];
  let entries: Pair[] = [];
  let tops: Pair[] | undefined;
  if (attempt.context) {
    const map = contextMap(attempt);
    const all = map && before(map.items as Pair[]);
    tops = before(items.slice(1));
    if (!all || !tops) return undefined;
    // Entry points cut off at `to`, and top-level pairs before it, cannot both be.
    if (all.length < map.items.length && tops.length) return undefined;
    entries = all;
  } else {
    tops = before(items);
    if (!tops) return undefined;
  }
  for (const pair of [...entries, ...tops]) {
    // Aliases and merge keys read other nodes, which may lie outside the region.
    if (!plain(pair)) return undefined;
    shiftRanges(pair, attempt.delta);
  }
  const inRegion = (p: YamlProblem): boolean => p.pos[0] < end + attempt.delta;
  return { from, to, errors: attempt.errors.filter(inRegion), warnings: attempt.warnings.filter(inRegion), entries, tops, parsed };
}

/** No aliases and no merge keys anywhere below. */
function plain(node: unknown): boolean {
  if (node === null || node === undefined) return true;
  if (isAlias(node)) return false;
  if (isPair(node)) return !isMergeKey(node.key) && plain(node.key) && plain(node.value);
  if (isMap(node) || isSeq(node)) return (node.items as unknown[]).every(plain);
  return isScalar(node);
}
