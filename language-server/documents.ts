// Which analyser a file gets, and what one version of a document's analysis holds. MLflow finds
// the project file case-insensitively (`mlproject`), the model file by its exact name, and
// environment files by their conventional names.
import type { AnalysisDiagnostic } from './shared/diagnostics';
import { parseYamlSafely } from './shared/yamlTree';
import type { ParsedYaml, YamlDoc } from './shared/yamlTree';
import { parseMlproject } from './mlproject/parse';
import { IncrementalMlproject } from './mlproject/incremental';
import type { MlprojectModel } from './mlproject/model';
import { parseMlmodel } from './mlmodel/analyze';
import type { MlmodelModel } from './mlmodel/analyze';
import { analyzePythonEnv } from './envfiles/pythonEnv';
import { analyzeCondaEnv } from './envfiles/condaEnv';

export type DocumentKind = 'mlproject' | 'mlmodel' | 'python-env' | 'conda-env';

type FileExists = (relativePath: string) => boolean;

export function baseName(path: string): string {
  const parts = path.split(/[\\/]/);
  return parts[parts.length - 1] ?? '';
}

export function documentKind(path: string, languageId?: string): DocumentKind | undefined {
  const base = baseName(path);
  if (base.toLowerCase() === 'mlproject' || languageId === 'mlproject') return 'mlproject';
  if (base === 'MLmodel' || languageId === 'mlmodel') return 'mlmodel';
  if (base === 'python_env.yaml') return 'python-env';
  if (base === 'conda.yaml' || base === 'conda.yml') return 'conda-env';
  return undefined;
}

/**
 * One version of a document and what has been computed for it, each part at most once and only
 * when asked: the diagnostics, the MLproject or MLmodel model, the YAML tree. The editor features
 * (hover, completion, symbols, navigation) read the same models the diagnostics came from.
 */
export class DocumentAnalysis {
  private parsed: ParsedYaml | undefined;
  private project: MlprojectModel | undefined;
  private model: MlmodelModel | undefined;
  private findings: AnalysisDiagnostic[] | undefined;

  /** `fileExists` takes paths relative to the document's directory; `mlproject` is a model already computed for this text. */
  constructor(
    readonly kind: DocumentKind,
    readonly text: string,
    readonly fileExists?: FileExists,
    mlproject?: MlprojectModel,
  ) {
    this.project = mlproject;
  }

  get diagnostics(): AnalysisDiagnostic[] {
    if (!this.findings) {
      switch (this.kind) {
        case 'mlproject':
          this.findings = this.mlproject.diagnostics;
          break;
        case 'mlmodel':
          this.findings = this.mlmodel.diagnostics;
          break;
        case 'python-env':
          this.findings = analyzePythonEnv(this.text, this.parse());
          break;
        case 'conda-env':
          this.findings = analyzeCondaEnv(this.text, this.parse());
          break;
      }
    }
    return this.findings;
  }

  get mlproject(): MlprojectModel {
    return (this.project ??= parseMlproject(this.text, { fileExists: this.fileExists }));
  }

  get mlmodel(): MlmodelModel {
    return (this.model ??= parseMlmodel(this.text, { fileExists: this.fileExists }, this.parse()));
  }

  /** The whole text's YAML tree (for an MLproject analysed in pieces, parsed only when a feature needs it). */
  get yaml(): YamlDoc {
    return this.parse().doc;
  }

  private parse(): ParsedYaml {
    return (this.parsed ??= parseYamlSafely(this.text));
  }
}

/** The diagnostics of a text, analysed whole. */
export function analyzeDocument(kind: DocumentKind, text: string, fileExists?: FileExists): AnalysisDiagnostic[] {
  return new DocumentAnalysis(kind, text, fileExists).diagnostics;
}

/**
 * What the server keeps per open document: the analysis of its current version, and for
 * MLprojects what the incremental analysis reuses from one version to the next (same results as
 * the whole-file analysis); the other files are small and analysed whole.
 *
 * The first version of an MLproject is analysed whole, which is the quickest way to its first
 * diagnostics; the incremental analysis builds its pieces afterwards, in `prepare`, which the
 * server runs once those diagnostics are published (before the user's first keystroke).
 */
export class DocumentAnalyzer {
  private readonly incremental = new IncrementalMlproject();
  private current: DocumentAnalysis | undefined;
  /** False until the incremental analysis has run once: until then a version is analysed whole. */
  private prepared = false;

  /** The analysis of `text`, computed once per version: diagnostics and features share it. */
  analysis(kind: DocumentKind, text: string, fileExists?: FileExists): DocumentAnalysis {
    const c = this.current;
    if (c && c.kind === kind && c.text === text && (c.fileExists === undefined) === (fileExists === undefined)) return c;
    const model = kind === 'mlproject' && this.prepared ? this.incremental.analyze(text, { fileExists }) : undefined;
    return (this.current = new DocumentAnalysis(kind, text, fileExists, model));
  }

  /** Whether `prepare` has work to do. */
  get needsPreparation(): boolean {
    return !this.prepared && this.current?.kind === 'mlproject';
  }

  /** Builds the incremental analysis' pieces for the current version (its result equals the analysis already made). */
  prepare(): void {
    const c = this.current;
    if (this.prepared || c?.kind !== 'mlproject') return;
    this.incremental.analyze(c.text, { fileExists: c.fileExists });
    this.prepared = true;
  }

  analyze(kind: DocumentKind, text: string, fileExists?: FileExists): AnalysisDiagnostic[] {
    return this.analysis(kind, text, fileExists).diagnostics;
  }

  mlprojectModel(text: string, fileExists?: FileExists): MlprojectModel {
    return this.analysis('mlproject', text, fileExists).mlproject;
  }

  /** Files beside the document appeared or vanished: the next analysis must ask again. */
  forget(): void {
    this.current = undefined;
  }
}
