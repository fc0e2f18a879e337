// Parameter values: what Python's str() makes of a default, and the typed checks the editor runs on the user's
// values before anything starts (MLflow itself checks only `path` and `uri`; float and int are editor help).
import type { MlprojectParameter } from '../../../language-server/mlproject/model';
import { isUri, localPathOrNone } from '../python/pyPath';

/** A value as a task definition may hold it (tasks.json allows numbers and booleans too). */
export type ParameterInput = string | number | boolean;

/** What `-P key=value` would have given MLflow: always a string. */
export function inputToString(v: ParameterInput): string {
  return typeof v === 'string' ? v : String(v);
}

/** str(default) as MLflow substitutes it (the parser's str() of what PyYAML loads); undefined for a required parameter. */
export function defaultString(p: MlprojectParameter): string | undefined {
  if (p.required) return undefined;
  return p.defaultText ?? undefined;
}

/** Python's float(): surrounding whitespace, `_` between digits, inf/infinity/nan in any case. */
export function isPythonFloat(text: string): boolean {
  const t = text.trim();
  if (/^[+-]?(inf|infinity|nan)$/i.test(t)) return true;
  const digits = '\\d(?:_?\\d)*';
  return new RegExp(`^[+-]?(?:${digits}(?:\\.(?:${digits})?)?|\\.${digits})(?:[eE][+-]?${digits})?$`).test(t);
}

/** Python's int(): surrounding whitespace, a sign, `_` between digits. */
export function isPythonInt(text: string): boolean {
  return /^[+-]?\d(?:_?\d)*$/.test(text.trim());
}

/**
 * An empty path (or `file:` with none) is not the current folder to MLflow: get_local_path_or_none gives '', which
 * is falsy, so it downloads the value as an artifact URI and fails on the folder it gets.
 */
export function emptyPathMessage(name: string, value: string): string {
  return `Parameter ${name} is a path and ${value === '' ? 'its value is empty' : `${value} names no file`}: MLflow does not read that as the current folder but tries to download it and fails ("The following failures occurred while downloading one or more artifacts from ${value}: … Is a directory: '.'"). Give a file or folder, e.g. '.' for the project folder.`;
}

export interface ValueContext {
  /** The directory relative paths are resolved against (the project folder, the child's cwd). */
  cwd: string;
  exists(absolutePath: string): boolean;
}

export interface ValueProblem {
  message: string;
  /**
   * True when only the editor refuses the value: MLflow checks `path` and `uri` values but passes float and int
   * ones to the program unchecked, so the user may run anyway.
   */
  editorOnly: boolean;
}

const UNCHECKED_BY_MLFLOW = "MLflow itself does not check it and would pass the text to the program as is.";

/**
 * The editor's check of one value against its declared type: undefined when fine, else why not. `path` and
 * `uri` follow MLflow's own rules (a remote path URI is fine here: MLflow would download it); float and int are
 * stricter than MLflow (editorOnly).
 */
export function checkValue(p: MlprojectParameter, value: string, ctx: ValueContext): ValueProblem | undefined {
  switch (p.type) {
    case 'float':
      return isPythonFloat(value) ? undefined : { message: `'${p.name}' is a float: ${JSON.stringify(value)} is not a number Python's float() reads. ${UNCHECKED_BY_MLFLOW}`, editorOnly: true };
    case 'int':
      return isPythonInt(value) ? undefined : { message: `'${p.name}' is an int: ${JSON.stringify(value)} is not a whole number Python's int() reads. ${UNCHECKED_BY_MLFLOW}`, editorOnly: true };
    case 'uri':
      return isUri(value) ? undefined : { message: `Expected URI for parameter ${p.name} but got ${value} (a URI needs a scheme, e.g. file:///… or s3://…).`, editorOnly: false };
    case 'path': {
      const local = localPathOrNone(value);
      if (local === undefined) return undefined;
      if (local === '') return { message: emptyPathMessage(p.name, value), editorOnly: false };
      const abs = local.startsWith('/') ? local : `${ctx.cwd.replace(/\/+$/, '')}/${local}`;
      return ctx.exists(abs) ? undefined : { message: `Got value ${value} for parameter ${p.name}, but no such file or directory was found.`, editorOnly: false };
    }
    default:
      return undefined;
  }
}

/** The problems of the values given for declared parameters, in the order given. */
export function checkValues(params: readonly MlprojectParameter[], values: ReadonlyArray<readonly [string, string]>, ctx: ValueContext): ValueProblem[] {
  const declared = new Map(params.map((p) => [p.name, p]));
  return values.flatMap(([k, v]) => {
    const p = declared.get(k);
    const problem = p && checkValue(p, v, ctx);
    return problem ? [problem] : [];
  });
}

/** What the task's `checkValueTypes: false` lets through, said where a task is refused for it alone. */
export const RUN_ANYWAY_HINT = 'To run anyway, set "checkValueTypes": false in the task (or answer "Run anyway" in Run Entry Point).';
