// One entry point parsed and analysed on its own text, with offsets relative to that text. What it
// finds depends only on the text and on the answers of `fileExists`, which are recorded and asked
// again before the cached findings are reused.
import { DiagnosticSink } from '../shared/diagnostics';
import type { AnalysisDiagnostic, Span } from '../shared/diagnostics';
import { nestingSummary } from '../shared/nestingBound';
import type { NestingSummary } from '../shared/nestingBound';
import { shiftDiagnostics, shiftSpan } from '../shared/shift';
import { parsePiece } from '../shared/yamlPiece';
import type { YamlPiece } from '../shared/yamlPiece';
import { entries, MAX_NESTING, nodeSpan, reportBadMerges, reportDuplicateKeys } from '../shared/yamlTree';
import type { Node, YAMLMap } from '../shared/yamlTree';
import { EntryPointAnalyzer } from './entryPoint';
import type { MlprojectEntryPoint } from './model';
import { shiftEntryPoint } from './shiftModel';

type FileExists = (relativePath: string) => boolean;

interface Analysis {
  entryPoint: MlprojectEntryPoint;
  diagnostics: AnalysisDiagnostic[];
  /** Each `fileExists` question and its answer; undefined when there was no `fileExists`. */
  queries: Array<[path: string, exists: boolean]> | undefined;
}

/** The findings moved to where the piece sits in the file. */
export interface PlacedAnalysis {
  entryPoint: MlprojectEntryPoint;
  diagnostics: AnalysisDiagnostic[];
}

/**
 * In the whole file the entry point's mapping sits one level below the root (under
 * `entry_points`), while on its own it is the root: its duplicate-key and merge walks start one deeper.
 */
const DEPTH_IN_FILE = 1;

export class EntryPointPiece {
  /** Undefined when the text cannot be analysed on its own (the caller parses the whole file). */
  readonly piece: YamlPiece | undefined;
  readonly keySpan: Span;
  /** Duplicate keys inside the entry point, then merges PyYAML refuses, in the order the whole-file walks report them. */
  private readonly duplicates: AnalysisDiagnostic[];
  private readonly badMerges: AnalysisDiagnostic[];
  private analysis: Analysis | undefined;
  /** The last placement, reused while the piece stays at the same offset (edits below it). */
  private placed: { base: number; duplicates: AnalysisDiagnostic[]; analysis?: Analysis; result?: PlacedAnalysis } | undefined;

  readonly nesting: NestingSummary;

  /**
   * `text` is the analysis window (see EntrySection): its first `sectionLength` characters are the
   * entry point's own lines, its first `parseLength` characters are what is parsed.
   */
  constructor(
    readonly text: string,
    readonly sectionLength: number,
    readonly parseLength: number,
  ) {
    this.nesting = nestingSummary(text, 0, sectionLength);
    // Too deep a text must not reach the parser (see MAX_NESTING); the whole-file path reports it.
    this.piece = this.nesting.bound > MAX_NESTING ? undefined : parsePiece(text.slice(0, parseLength));
    this.keySpan = nodeSpan(this.piece?.pair.key as Node | null);
    const sink = new DiagnosticSink(text);
    if (this.piece) reportDuplicateKeys(this.piece.doc.contents, sink, DEPTH_IN_FILE);
    this.duplicates = sink.items;
    const merges = new DiagnosticSink(text);
    if (this.piece) reportBadMerges(this.piece.doc.contents, this.piece.doc, merges, DEPTH_IN_FILE);
    this.badMerges = merges.items;
  }

  duplicatesAt(base: number): AnalysisDiagnostic[] {
    return this.placement(base).duplicates;
  }

  badMergesAt(base: number): AnalysisDiagnostic[] {
    return this.badMerges.length ? shiftDiagnostics(this.badMerges, base) : this.badMerges;
  }

  /** The entry point's model and findings at `base`, analysing again only if a file appeared or vanished. */
  analysisAt(base: number, fileExists: FileExists | undefined): PlacedAnalysis {
    if (!this.analysis || !stillValid(this.analysis, fileExists)) this.analysis = this.analyse(fileExists);
    const placement = this.placement(base);
    if (placement.analysis !== this.analysis || !placement.result) {
      placement.analysis = this.analysis;
      placement.result = { entryPoint: shiftEntryPoint(this.analysis.entryPoint, base), diagnostics: shiftDiagnostics(this.analysis.diagnostics, base) };
    }
    return placement.result;
  }

  private placement(base: number): NonNullable<EntryPointPiece['placed']> {
    if (this.placed?.base !== base) this.placed = { base, duplicates: shiftDiagnostics(this.duplicates, base) };
    return this.placed;
  }

  private analyse(fileExists: FileExists | undefined): Analysis {
    const piece = this.piece!;
    const queries: Array<[string, boolean]> = [];
    const recording = fileExists && ((path: string) => {
      const exists = fileExists(path);
      queries.push([path, exists]);
      return exists;
    });
    const sink = new DiagnosticSink(this.text);
    const analyzer = new EntryPointAnalyzer({ text: this.text, doc: piece.doc, sink, fileExists: recording });
    const [entry] = entries(piece.doc.contents as YAMLMap, piece.doc);
    return { entryPoint: analyzer.entryPoint(entry), diagnostics: sink.items, queries: fileExists ? queries : undefined };
  }
}

function stillValid(analysis: Analysis, fileExists: FileExists | undefined): boolean {
  if ((analysis.queries === undefined) !== (fileExists === undefined)) return false;
  return (analysis.queries ?? []).every(([path, exists]) => fileExists!(path) === exists);
}

/** Where the piece's key sits in the file. */
export function keySpanAt(piece: EntryPointPiece, base: number): Span {
  return shiftSpan(piece.keySpan, base);
}
