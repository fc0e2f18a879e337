// Which analyser a file gets. MLflow finds the project file case-insensitively (`mlproject`), the
// model file by its exact name, and environment files by their conventional names.
import type { AnalysisDiagnostic } from './shared/diagnostics';
import { parseMlproject } from './mlproject/parse';
import { IncrementalMlproject } from './mlproject/incremental';
import type { MlprojectModel } from './mlproject/model';
import { parseMlmodel } from './mlmodel/analyze';
import { analyzePythonEnv } from './envfiles/pythonEnv';
import { analyzeCondaEnv } from './envfiles/condaEnv';

export type DocumentKind = 'mlproject' | 'mlmodel' | 'python-env' | 'conda-env';

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

/** `fileExists` takes paths relative to the document's directory. */
export function analyzeDocument(kind: DocumentKind, text: string, fileExists?: (relativePath: string) => boolean): AnalysisDiagnostic[] {
  switch (kind) {
    case 'mlproject':
      return parseMlproject(text, { fileExists }).diagnostics;
    case 'mlmodel':
      return parseMlmodel(text, { fileExists }).diagnostics;
    case 'python-env':
      return analyzePythonEnv(text);
    case 'conda-env':
      return analyzeCondaEnv(text);
  }
}

/**
 * What the server keeps per open document: MLprojects are re-analysed incrementally on each change
 * (same results as `analyzeDocument`); the other files are small and analysed whole.
 */
export class DocumentAnalyzer {
  private readonly mlproject = new IncrementalMlproject();

  analyze(kind: DocumentKind, text: string, fileExists?: (relativePath: string) => boolean): AnalysisDiagnostic[] {
    return kind === 'mlproject' ? this.mlprojectModel(text, fileExists).diagnostics : analyzeDocument(kind, text, fileExists);
  }

  mlprojectModel(text: string, fileExists?: (relativePath: string) => boolean): MlprojectModel {
    return this.mlproject.analyze(text, { fileExists });
  }
}
