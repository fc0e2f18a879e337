// The MLproject analysis for an open document, which the server re-runs on every change. Parsing is
// what costs (the yaml parser needs ~50 ms for 2,000 lines), so the text is cut into top-level
// entries and entry points (sections.ts), each parsed on its own and kept while its text is
// unchanged: a keystroke re-parses and re-analyses only the entry point it touched, and the
// cheap project-wide checks run again over the cached pieces.
//
// The result must equal `parseMlproject` on the same text, diagnostics and their order included.
// Whenever a piece could read differently inside the file than alone (syntax errors, anchors,
// aliases, tags, merge keys, unusual layout, too deep nesting), the whole text is parsed instead.
import { Pair, YAMLMap } from 'yaml';
import { DiagnosticSink } from '../shared/diagnostics';
import { PieceReuse } from '../shared/pieceReuse';
import { combinedBound, nestingSummary } from '../shared/nestingBound';
import type { NestingSummary } from '../shared/nestingBound';
import { detached, parsePiece, shiftRanges } from '../shared/yamlPiece';
import type { YamlPiece } from '../shared/yamlPiece';
import { MAX_NESTING, nestingDepth, nodeSpan, reportDuplicateKeys, reportDuplicates } from '../shared/yamlTree';
import type { Node } from '../shared/yamlTree';
import type { AnalysisContext } from './context';
import { EntryPointAnalyzer, winners } from './entryPoint';
import { EntryPointPiece, keySpanAt } from './entryPointPiece';
import type { MlprojectEntryPoint, MlprojectModel, MlprojectOptions } from './model';
import { parseMlproject } from './parse';
import { analyzeProject } from './project';
import { splitMlproject } from './sections';
import type { EntrySection, Section, TopSection } from './sections';

/** A top-level entry parsed alone; its node ranges are moved in place to where it sits now. */
interface TopPiece {
  piece: YamlPiece | undefined;
  base: number;
  nesting: NestingSummary;
}

/** An entry point piece and where it sits in the current text. */
interface PlacedEntryPoint {
  piece: EntryPointPiece;
  base: number;
  key: string | null;
}

/** A top-level entry with what the analysis needs of it, its entry points when they were split off. */
interface PlacedTop {
  piece: YamlPiece;
  nesting: NestingSummary;
  entryPoints?: PlacedEntryPoint[];
}

export class IncrementalMlproject {
  private readonly tops = new PieceReuse<TopPiece>();
  private readonly entryPoints = new PieceReuse<EntryPointPiece>();

  /** How the last `analyze` got its result; tests use it to check that they exercise the pieces. */
  lastRun: 'pieces' | 'whole file' | undefined;

  /** Same result as `parseMlproject(text, options)`. */
  analyze(text: string, options: MlprojectOptions = {}): MlprojectModel {
    const model = this.fromPieces(text, options);
    this.lastRun = model ? 'pieces' : 'whole file';
    return model ?? parseMlproject(text, options);
  }

  private fromPieces(text: string, options: MlprojectOptions): MlprojectModel | undefined {
    const layout = splitMlproject(text);
    if (!layout) return undefined;
    const placed = this.place(text, layout);
    if (!placed || tooDeepMaybe(text, layout, placed)) return undefined;
    return analyzePlaced(text, placed, options);
  }

  /**
   * Every piece of the layout, reused or parsed now; undefined if one cannot stand alone. Even
   * then the pieces are kept: the next keystroke (which may well close the quote that broke this
   * one) finds the others still parsed.
   */
  private place(text: string, layout: TopSection[]): PlacedTop[] | undefined {
    const tops = this.topPieces(text, layout.map((s) => s.entryPoints?.header ?? s));
    const entrySections = layout.flatMap((s) => s.entryPoints?.entries ?? []);
    const pieces = this.entryPointPieces(text, entrySections);
    const result: PlacedTop[] = [];
    let next = 0;
    for (const [i, section] of layout.entries()) {
      const top = tops[i];
      const entryPoints = section.entryPoints?.entries.map((s) => {
        const piece = pieces[next++];
        return { piece, base: s.start, key: piece.piece?.key ?? null };
      });
      if (!top.piece || entryPoints?.some((e) => e.key === null)) return undefined;
      result.push({ piece: top.piece, nesting: top.nesting, entryPoints });
    }
    return result;
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

/** Whether nestingDepth(text) might exceed MAX_NESTING; only then is it computed. */
function tooDeepMaybe(text: string, layout: TopSection[], placed: PlacedTop[]): boolean {
  const summaries = [nestingSummary(text, 0, layout[0].start)];
  for (const top of placed) summaries.push(top.nesting, ...(top.entryPoints ?? []).map((e) => e.piece.nesting));
  return combinedBound(summaries) > MAX_NESTING && nestingDepth(text) > MAX_NESTING;
}

function analyzePlaced(text: string, tops: PlacedTop[], options: MlprojectOptions): MlprojectModel {
  const sink = new DiagnosticSink(text);
  reportAllDuplicates(tops, sink);
  // The root mapping as the whole-file parse would build it, but with a stand-in value for split
  // `entry_points`: the entry point analysis below recognises it and uses the pieces instead.
  const root = new YAMLMap<unknown, unknown>();
  const split = new Map<unknown, PlacedEntryPoint[]>();
  for (const top of tops) {
    if (!top.entryPoints) {
      root.items.push(top.piece.pair as Pair<unknown, unknown>);
      continue;
    }
    const standIn = new YAMLMap<unknown, unknown>();
    const first = top.entryPoints[0];
    const last = top.entryPoints[top.entryPoints.length - 1];
    // Only read when the value is not a mapping, which a stand-in always is.
    const end = last.base + last.piece.text.length; // the last piece's window is the piece
    standIn.range = [keySpanAt(first.piece, first.base).start, end, end];
    split.set(standIn, top.entryPoints);
    root.items.push(new Pair<unknown, unknown>(top.piece.pair.key, standIn));
  }
  const ctx: AnalysisContext = { text, doc: tops[0].piece.doc, sink, fileExists: options.fileExists };
  const whole = new EntryPointAnalyzer(ctx);
  const model = analyzeProject(ctx, root, false, (entry) => {
    const pieces = entry && split.get(entry.value);
    return pieces ? entryPointsFromPieces(pieces, sink, options) : whole.entryPoints(entry);
  });
  sink.keepOnlySyntaxErrorsIfAny();
  return model;
}

function entryPointsFromPieces(pieces: PlacedEntryPoint[], sink: DiagnosticSink, options: MlprojectOptions): MlprojectEntryPoint[] {
  return winners(pieces).map(({ piece, base }) => {
    const placed = piece.analysisAt(base, options.fileExists);
    sink.append(placed.diagnostics);
    return placed.entryPoint;
  });
}

/**
 * Duplicate keys in the order of the whole-file walk (reportDuplicateKeys): the root's own
 * duplicates, then each top-level entry from last to first, and within split `entry_points` its
 * own duplicates, then each entry point from last to first.
 */
function reportAllDuplicates(tops: PlacedTop[], sink: DiagnosticSink): void {
  reportDuplicates(
    tops.map((t) => t.piece.key),
    (i) => nodeSpan(tops[i].piece.pair.key as Node),
    sink,
  );
  for (const top of [...tops].reverse()) {
    const entryPoints = top.entryPoints;
    if (!entryPoints) {
      reportDuplicateKeys(top.piece.doc.contents, sink);
      continue;
    }
    reportDuplicates(
      entryPoints.map((e) => e.key),
      (i) => keySpanAt(entryPoints[i].piece, entryPoints[i].base),
      sink,
    );
    for (const e of [...entryPoints].reverse()) sink.append(e.piece.duplicatesAt(e.base));
  }
}
