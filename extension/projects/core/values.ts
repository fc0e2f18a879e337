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

export interface ValueContext {
  /** The directory relative paths are resolved against (the project folder, the child's cwd). */
  cwd: string;
  exists(absolutePath: string): boolean;
}

/**
 * The editor's check of one value against its declared type: undefined when fine, else why not. `path` and
 * `uri` follow MLflow's own rules (a remote path URI is fine here: MLflow would download it).
 */
export function checkValue(p: MlprojectParameter, value: string, ctx: ValueContext): string | undefined {
  switch (p.type) {
    case 'float':
      return isPythonFloat(value) ? undefined : `'${p.name}' is a float: ${JSON.stringify(value)} is not a number Python's float() reads.`;
    case 'int':
      return isPythonInt(value) ? undefined : `'${p.name}' is an int: ${JSON.stringify(value)} is not a whole number Python's int() reads.`;
    case 'uri':
      return isUri(value) ? undefined : `Expected URI for parameter ${p.name} but got ${value} (a URI needs a scheme, e.g. file:///… or s3://…).`;
    case 'path': {
      const local = localPathOrNone(value);
      if (local === undefined) return undefined;
      const abs = local.startsWith('/') ? local : `${ctx.cwd.replace(/\/+$/, '')}/${local}`;
      return ctx.exists(abs) ? undefined : `Got value ${value} for parameter ${p.name}, but no such file or directory was found.`;
    }
    default:
      return undefined;
  }
}
