// Custom requests between the extension and the language server. Plain types only, so that both
// sides (and the extension's task provider) can import this file without pulling in LSP libraries.

export interface Position {
  line: number;
  character: number;
}

export interface Range {
  start: Position;
  end: Position;
}

/** `mlflow/entryPoints`: the parsed entry points of an MLproject, open in the editor or not. */
export const ENTRY_POINTS_REQUEST = 'mlflow/entryPoints';

export interface EntryPointsParams {
  /** URI of the MLproject file. */
  uri: string;
}

export interface EntryPointParameterInfo {
  name: string;
  type: string | null;
  /** Python's str() of the default, as MLflow would substitute it; null when required. */
  default: string | null;
  required: boolean;
}

export interface EntryPointInfo {
  name: string;
  command: string | null;
  parameters: EntryPointParameterInfo[];
  range: Range;
}

export interface EntryPointsResult {
  uri: string;
  projectName: string | null;
  environment: { kind: 'docker' | 'python' | 'conda'; file: string | null; image: string | null };
  entryPoints: EntryPointInfo[];
  /** Number of error-severity diagnostics: MLflow will likely refuse to run when > 0. */
  errorCount: number;
}
