// The MLproject analysis for an open document, which the server re-runs on every change. Parsing is
// what costs (the yaml parser needs ~50 ms for 2,000 lines), so the text is cut into top-level
// entries and entry points (sections.ts), each parsed on its own and kept while its text is
// unchanged: a keystroke re-parses and re-analyses only the entry point it touched, and the
// cheap project-wide checks run again over the cached pieces.
//
// The result must equal `parseMlproject` on the same text, diagnostics and their order included.
// A piece that could read differently inside the file than alone (a syntax error, a quote or
// bracket left open, anchors, aliases, tags, merge keys, unusual layout) is read again in context,
// from that piece until the parse is back in step with the pieces (regions.ts); when even that
// cannot be vouched for (aliases, merge keys, too deep nesting), the whole text is parsed instead.
import { Pair, YAMLMap } from 'yaml';
import { DiagnosticSink } from '../shared/diagnostics';
import type { Span } from '../shared/diagnostics';
import { PieceReuse } from '../shared/pieceReuse';
import { combinedBound, nestingSummary } from '../shared/nestingBound';
import type { NestingSummary } from '../shared/nestingBound';
import { detached, parsePiece, shiftRanges } from '../shared/yamlPiece';
import type { YamlPiece } from '../shared/yamlPiece';
import { entries, keyString, MAX_NESTING, nestingDepth, nodeSpan, parseYamlText, reportBadMerges, reportDuplicateKeys, reportDuplicates, reportYamlProblems } from '../shared/yamlTree';
import type { Node, YamlDoc, YamlProblem } from '../shared/yamlTree';
import type { AnalysisContext } from './context';
import { EntryPointAnalyzer, winners } from './entryPoint';
import { EntryPointPiece, keySpanAt } from './entryPointPiece';
import type { MlprojectEntryPoint, MlprojectModel, MlprojectOptions } from './model';
import { parseMlproject } from './parse';
import { analyzeProject } from './project';
import { readRegion } from './regions';
import type { Region, RegionUnit } from './regions';
import { splitMlproject } from './sections';
import type { EntrySection, Section, TopSection } from './sections';

/** A top-level entry parsed alone; its node ranges are moved in place to where it sits now. */
interface TopPiece {
  piece: YamlPiece | undefined;
  base: number;
  nesting: NestingSummary;
}

/** A piece of the layout in file order, with what was cached for it. */
interface Unit extends RegionUnit {
  section: number;
  top?: TopPiece;
  entry?: EntryPointPiece;
}

/** An entry point: its cached piece and where it sits, or its node from a region read in context. */
type EntryItem = { key: string | null } & ({ piece: EntryPointPiece; base: number; pair?: undefined } | { pair: Pair; piece?: undefined });

/** A top-level entry of the file: its pair, or split `entry_points` with the key and its entry points. */
interface RootItem {
  key: string | null;
  keyNode: unknown;
  /** Set unless split: the pair, and the one-pair mapping the duplicate-key walk starts from. */
  pair?: Pair;
  walk?: unknown;
  entries?: EntryItem[];
}

/** What the analysis reads: the file's top-level entries, and the parser's findings in re-read regions. */
interface Assembled {
  items: RootItem[];
  errors: YamlProblem[];
  warnings: YamlProblem[];
  /** Characters parsed to read pieces again in context (0 when none was). */
  reread: number;
  /** Resolves aliases for the analysis; there are none in what is assembled. */
  doc: YamlDoc;
}

let emptyDoc: YamlDoc | undefined;

export class IncrementalMlproject {
  private readonly tops = new PieceReuse<TopPiece>();
  private readonly entryPoints = new PieceReuse<EntryPointPiece>();

  /**
   * How the last `analyze` got its result; tests use it to check that they exercise each path.
   * 'regions': from the pieces, with those that could not be read alone read again in context.
   */
  lastRun: 'pieces' | 'regions' | 'whole file' | undefined;
  /** Characters the last `analyze` parsed in context to read its regions. */
  lastReread = 0;

  /** Same result as `parseMlproject(text, options)`. */
  analyze(text: string, options: MlprojectOptions = {}): MlprojectModel {
    const assembled = this.assemble(text);
    this.lastRun = !assembled ? 'whole file' : assembled.reread ? 'regions' : 'pieces';
    this.lastReread = assembled?.reread ?? 0;
    return assembled ? analyzeAssembled(text, assembled, options) : parseMlproject(text, options);
  }

  /**
   * The file's top-level entries from the pieces, reused or parsed now, and read in context where
   * a piece cannot stand alone; undefined if the whole text must be parsed. The pieces are kept
   * even then: the next keystroke (which may well close the quote that broke one) finds the others
   * still parsed.
   */
  private assemble(text: string): Assembled | undefined {
    const layout = splitMlproject(text);
    if (!layout) return undefined;
    const units = this.units(text, layout);
    if (tooDeepMaybe(text, layout, units)) return undefined;
    const out: Assembled = { items: [], errors: [], warnings: [], reread: 0, doc: (units.find((u) => u.top?.piece)?.top!.piece!.doc ?? (emptyDoc ??= parseYamlText(''))) };
    let split: RootItem | undefined;
    const top = (pair: Pair, key: string | null, walk: unknown): void => {
      split = undefined;
      out.items.push({ key, keyNode: pair.key, pair, walk });
    };
    // Where pieces cannot be read alone, regions read in context; the pieces stand for the rest.
    const regions: Region[] = [];
    for (let u = 0; u < units.length; ) {
      if (units[u].clean) {
        u++;
        continue;
      }
      const region = readRegion(text, units, u, regions.length ? regions[regions.length - 1].to : 0);
      if (!region) return undefined;
      regions.push(region);
      u = region.to;
    }
    for (let u = 0, next = 0; u < units.length; ) {
      const region = regions[next];
      if (region?.from === u) {
        out.reread += region.parsed;
        out.errors.push(...region.errors);
        out.warnings.push(...region.warnings);
        // A region begins at an entry point only after its header, so `split` is set then.
        if (region.entries.length && !split?.entries) return undefined;
        for (const pair of region.entries) split!.entries!.push({ pair, key: keyString(pair.key) });
        for (const pair of region.tops) top(pair, keyString(pair.key), single(pair));
        next++;
        u = region.to;
        continue;
      }
      const unit = units[u++];
      if (unit.entry) {
        // Its header came first, read alone or in the region before (which ends only under it).
        if (!split?.entries) return undefined;
        split.entries.push({ piece: unit.entry, base: unit.start, key: unit.entry.piece!.key });
      }
      else if (layout[unit.section].entryPoints) out.items.push((split = { key: unit.top!.piece!.key, keyNode: unit.top!.piece!.pair.key, entries: [] }));
      else top(unit.top!.piece!.pair, unit.top!.piece!.key, unit.top!.piece!.doc.contents);
    }
    return out;
  }

  private units(text: string, layout: TopSection[]): Unit[] {
    const tops = this.topPieces(text, layout.map((s) => s.entryPoints?.header ?? s));
    const pieces = this.entryPointPieces(text, layout.flatMap((s) => s.entryPoints?.entries ?? []));
    const units: Unit[] = [];
    let next = 0;
    for (const [i, section] of layout.entries()) {
      const header = section.entryPoints?.header;
      const head = header ?? section;
      units.push({ start: head.start, end: head.end, keyAt: head.start, clean: tops[i].piece !== undefined, section: i, top: tops[i] });
      for (const s of section.entryPoints?.entries ?? []) {
        const entry = pieces[next++];
        units.push({ start: s.start, end: s.end, keyAt: s.start + indentAt(text, s.start), clean: entry.piece !== undefined, header, section: i, entry });
      }
    }
    return units;
  }

  private topPieces(text: string, sections: Section[]): TopPiece[] {
    const keys = sections.map((s) => text.slice(s.start, s.end));
    const tops = this.tops.values(keys, (i) => {
      const pieceText = detached(keys[i]);
      const nesting = nestingSummary(pieceText);
      // Too deep a text must not reach the parser (see MAX_NESTING); the whole-file path reports it.
      return { piece: nesting.bound > MAX_NESTING ? undefined : parsePiece(pieceText), base: 0, nesting };
    });
    // Top-level nodes are read by the project-wide checks, so they are moved to where they are now.
    tops.forEach((top, i) => {
      const start = sections[i].start;
      if (top.piece && top.base !== start) shiftRanges(top.piece.doc.contents, start - top.base);
      top.base = start;
    });
    return tops;
  }

  private entryPointPieces(text: string, sections: EntrySection[]): EntryPointPiece[] {
    const keys = sections.map((s) => text.slice(s.start, s.windowEnd));
    const lengths = sections.map((s) => ({ section: s.end - s.start, parse: s.parseEnd - s.start }));
    return this.entryPoints.values(
      keys,
      (i) => new EntryPointPiece(detached(keys[i]), lengths[i].section, lengths[i].parse),
      (piece, i) => piece.sectionLength === lengths[i].section && piece.parseLength === lengths[i].parse,
    );
  }
}

function indentAt(text: string, start: number): number {
  let i = start;
  while (text[i] === ' ') i++;
  return i - start;
}

/** A mapping of one pair, as a piece's root is: the duplicate-key walk of a top-level entry starts there. */
function single(pair: Pair): YAMLMap<unknown, unknown> {
  const map = new YAMLMap<unknown, unknown>();
  map.items.push(pair as Pair<unknown, unknown>);
  return map;
}

/** Whether nestingDepth(text) might exceed MAX_NESTING; only then is it computed. */
function tooDeepMaybe(text: string, layout: TopSection[], units: Unit[]): boolean {
  const summaries = [nestingSummary(text, 0, layout[0].start), ...units.map((u) => (u.entry ?? u.top!).nesting)];
  return combinedBound(summaries) > MAX_NESTING && nestingDepth(text) > MAX_NESTING;
}

function analyzeAssembled(text: string, assembled: Assembled, options: MlprojectOptions): MlprojectModel {
  const { items, doc } = assembled;
  const sink = new DiagnosticSink(text);
  // As the whole-file parse reports them: the parser's findings, duplicate keys, refused merges.
  reportYamlProblems(text, assembled.errors, assembled.warnings, sink);
  reportAllDuplicates(items, sink);
  reportAllBadMerges(items, doc, sink);
  // The root mapping as the whole-file parse would build it, but with a stand-in value for split
  // `entry_points`: the entry point analysis below recognises it and uses the pieces instead.
  const root = new YAMLMap<unknown, unknown>();
  const split = new Map<unknown, EntryItem[]>();
  for (const item of items) {
    if (!item.entries) {
      root.items.push(item.pair as Pair<unknown, unknown>);
      continue;
    }
    const standIn = new YAMLMap<unknown, unknown>();
    // Only read when the value is not a mapping, which a stand-in always is.
    const start = item.entries.length ? entrySpan(item.entries[0]).start : nodeSpan(item.keyNode as Node).end;
    standIn.range = [start, start, start];
    split.set(standIn, item.entries);
    root.items.push(new Pair<unknown, unknown>(item.keyNode, standIn));
  }
  const ctx: AnalysisContext = { text, doc, sink, fileExists: options.fileExists };
  const whole = new EntryPointAnalyzer(ctx);
  const model = analyzeProject(ctx, root, assembled.errors.length > 0, (entry) => {
    const pieces = entry && split.get(entry.value);
    return pieces ? entryPointsFromItems(pieces, whole, sink, doc, options) : whole.entryPoints(entry);
  });
  sink.keepOnlySyntaxErrorsIfAny();
  return model;
}

function entryPointsFromItems(items: EntryItem[], analyzer: EntryPointAnalyzer, sink: DiagnosticSink, doc: YamlDoc, options: MlprojectOptions): MlprojectEntryPoint[] {
  return winners(items).map((item) => {
    if (!item.piece) return analyzer.entryPoint(entries(single(item.pair), doc)[0]);
    const placed = item.piece.analysisAt(item.base, options.fileExists);
    sink.append(placed.diagnostics);
    return placed.entryPoint;
  });
}

function entrySpan(item: EntryItem): Span {
  return item.piece ? keySpanAt(item.piece, item.base) : nodeSpan(item.pair.key as Node);
}

/**
 * Duplicate keys in the order of the whole-file walk (reportDuplicateKeys): the root's own
 * duplicates, then each top-level entry from last to first, and within split `entry_points` its
 * own duplicates, then each entry point from last to first.
 */
function reportAllDuplicates(items: RootItem[], sink: DiagnosticSink): void {
  reportDuplicates(
    items.map((t) => t.key),
    (i) => nodeSpan(items[i].keyNode as Node),
    sink,
  );
  for (const item of [...items].reverse()) {
    const entryPoints = item.entries;
    if (!entryPoints) {
      reportDuplicateKeys(item.walk, sink);
      continue;
    }
    reportDuplicates(
      entryPoints.map((e) => e.key),
      (i) => entrySpan(entryPoints[i]),
      sink,
    );
    // An entry point's mapping sits one level below the root, as in EntryPointPiece.
    for (const e of [...entryPoints].reverse()) {
      if (e.piece) sink.append(e.piece.duplicatesAt(e.base));
      else reportDuplicateKeys(single(e.pair), sink, 1);
    }
  }
}

/**
 * Merges PyYAML refuses, in the order of the whole-file walk (reportBadMerges). The root and split
 * `entry_points` have no merge keys of their own (a piece whose key is `<<` is never clean, and a
 * region with one is not used), so only their entries are walked, from last to first.
 */
function reportAllBadMerges(items: RootItem[], doc: YamlDoc, sink: DiagnosticSink): void {
  for (const item of [...items].reverse()) {
    if (!item.entries) {
      reportBadMerges(item.walk, doc, sink);
      continue;
    }
    for (const e of [...item.entries].reverse()) {
      if (e.piece) sink.append(e.piece.badMergesAt(e.base));
      else reportBadMerges(single(e.pair), doc, sink, 1);
    }
  }
}
