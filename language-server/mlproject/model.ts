// The MLproject model shared by the language server and the extension's run tasks.
import type { AnalysisDiagnostic, Span } from '../shared/diagnostics';

/** Parameter types MLflow documents; only `path` and `uri` change how a value is handled. */
export const PARAMETER_TYPES = ['string', 'float', 'int', 'path', 'uri'] as const;

export interface MlprojectParameter {
  name: string;
  /** Declared type; `string` when the long form omits it. Null when the declaration is unusable. */
  type: string | null;
  /** The default as YAML read it (null when absent or null). */
  default: unknown;
  /** The default as written in the file, for display and for building commands. */
  defaultText: string | null;
  /** No default means MLflow refuses to run without a value. */
  required: boolean;
  /** `short` is `alpha: float`; `long` is `alpha: {type: float, default: 0.1}`. */
  form: 'short' | 'long' | 'invalid';
  nameSpan: Span;
  typeSpan?: Span;
  defaultSpan?: Span;
  /** From the name to the end of the declaration. */
  span: Span;
  /**
   * Brought in with a `<<` merge key (a parameter block shared by entry points): the spans are
   * where the shared block is written, and other entry points may declare it the same way.
   */
  merged?: true;
  /**
   * PyYAML reads the name as a number, a bool or None (`1:`, `on:`), not a str: no `-P` value (always a str)
   * reaches it, yet MLflow substitutes and logs it under str() of it, which `name` is.
   */
  keyNotStr?: true;
}

export interface CommandPlaceholder {
  /** The argument name, e.g. `alpha` for `{alpha}` or `{alpha:>10}`. */
  name: string;
  /** Document span of the whole `{...}` field. */
  span: Span;
  /** Document span of the name alone (what rename replaces). */
  nameSpan: Span;
}

/** Every span added here must also be moved in shiftModel.ts (the incremental analysis relies on it). */
export interface MlprojectEntryPoint {
  name: string;
  nameSpan: Span;
  /** From the name to the end of the entry point. */
  span: Span;
  command: string | null;
  commandSpan?: Span;
  placeholders: CommandPlaceholder[];
  /** Spans of `{{` and `}}` in the command. */
  escapes: Span[];
  parameters: MlprojectParameter[];
  /** Span of the `parameters` key, when present. */
  parametersKeySpan?: Span;
}

export type MlprojectEnvironment =
  | { kind: 'docker'; image: string | null; volumes: string[]; environment: Array<string | [string, string]>; keySpan: Span }
  | { kind: 'python' | 'conda'; /** Relative to the project; null for "current Python, no dependencies". */ file: string | null; /** True when found by convention rather than declared. */ implicit: boolean; keySpan?: Span; fileSpan?: Span };

export interface MlprojectModel {
  name: string | null;
  nameSpan?: Span;
  entryPoints: MlprojectEntryPoint[];
  environment: MlprojectEnvironment;
  /** Set when the file declares a `databricks_spark_job`. */
  databricksSparkJob: boolean;
  diagnostics: AnalysisDiagnostic[];
}

export interface MlprojectOptions {
  /** Whether a path relative to the project directory exists; file checks are skipped without it. */
  fileExists?: (relativePath: string) => boolean;
}
