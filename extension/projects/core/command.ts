// EntryPoint.compute_parameters / compute_command from mlflow/projects/_project_spec.py: required parameters
// first (all missing ones named at once), then each declared value (user's or default) resolved by type, then
// everything str()'d and shell-quoted, substituted with str.format, and undeclared ones appended as `--k v`.
import { abspath, isUri, localPathOrNone } from '../python/pyPath';
import { shellQuote } from '../python/shlex';
import { PyFormatError, pyFormat } from '../python/strFormat';
import { ProjectError } from './errors';
import type { EntryPoint } from './project';
import { defaultString, emptyPathMessage, type ValueContext } from './values';

/** User parameters in the order given (MLflow keeps dict insertion order for the extras it appends). */
export type UserParameters = ReadonlyArray<readonly [string, string]>;

export interface ComputedParameters {
  /** Declared parameters in declaration order, quoted. */
  declared: Array<[string, string]>;
  /** Undeclared user parameters in the order given, quoted. */
  extra: Array<[string, string]>;
}

export interface BuiltCommand {
  /** The shell command of the entry point (before any environment activation). */
  command: string;
  /** The run's params as MLflow logs them: declared then extras, quoted, `path` values as given. */
  params: Array<[string, string]>;
}

function userMap(user: UserParameters): Map<string, string> {
  const m = new Map<string, string>();
  for (const [k, v] of user) {
    if (m.has(k)) throw new ProjectError('parameters', `Parameter '${k}' is given twice; \`mlflow run\` refuses repeated -P keys.`);
    m.set(k, v);
  }
  return m;
}

/** _validate_parameters: a declared parameter with no default and no value. */
export function missingParameters(ep: EntryPoint, user: UserParameters): string[] {
  const given = new Set(user.map(([k]) => k));
  return ep.parameters.filter((p) => p.required && (p.keyNotStr || !given.has(p.name))).map((p) => p.name);
}

/**
 * compute_parameters. `resolvePaths` is MLflow's storage_dir: when building the command, local `path` values
 * must exist and become absolute; when logging params (storage_dir None) they stay as given.
 */
export function computeParameters(ep: EntryPoint, user: UserParameters, ctx: ValueContext, resolvePaths: boolean): ComputedParameters {
  const values = userMap(user);
  const missing = missingParameters(ep, user);
  if (missing.length) throw new ProjectError('parameters', `No value given for missing parameters: ${missing.map((n) => `'${n}'`).join(', ')}`);
  const declared: Array<[string, string]> = [];
  for (const p of ep.parameters) {
    // A name PyYAML read as a number or bool is out of reach of -P values (str keys): it keeps its default.
    let value = values.has(p.name) && !p.keyNotStr ? values.get(p.name)! : defaultString(p)!;
    if (resolvePaths && p.type === 'path') value = resolvePath(p.name, value, ctx);
    else if (p.type === 'uri' && !isUri(value)) throw new ProjectError('parameters', `Expected URI for parameter ${p.name} but got ${value}`);
    declared.push([p.name, shellQuote(value)]);
  }
  const names = new Set(ep.parameters.filter((p) => !p.keyNotStr).map((p) => p.name));
  const extra: Array<[string, string]> = [];
  for (const [k, v] of values) if (!names.has(k)) extra.push([k, shellQuote(v)]);
  return { declared, extra };
}

function resolvePath(name: string, value: string, ctx: ValueContext): string {
  const local = localPathOrNone(value);
  if (local === undefined) {
    // MLflow downloads remote URIs (s3://, gs://, dbfs:/, http…) into a temp folder; that needs its artifact
    // repositories, which the editor does not have. Say so rather than pass the URI on unchanged.
    throw new ProjectError('parameters', `Parameter ${name} is a path and ${value} is a remote URI: MLflow would download it first, which MLflow Workbench cannot do. Download it and pass the local path, or declare the parameter as 'uri'.`);
  }
  if (local === '') throw new ProjectError('parameters', emptyPathMessage(name, value));
  const abs = abspath(local, ctx.cwd);
  if (!ctx.exists(abs)) throw new ProjectError('parameters', `Got value ${value} for parameter ${name}, but no such file or directory was found.`);
  return abs;
}

/** compute_command, plus the params MLflow logs for the same call (with storage_dir None). */
export function buildCommand(ep: EntryPoint, user: UserParameters, ctx: ValueContext): BuiltCommand {
  const logged = computeParameters(ep, user, ctx, false);
  const resolved = computeParameters(ep, user, ctx, true);
  let command: string;
  try {
    command = pyFormat(ep.command, new Map(resolved.declared));
  } catch (e) {
    if (!(e instanceof PyFormatError)) throw e;
    throw new ProjectError('project', `MLflow cannot build the command of entry point '${ep.name}': Python's str.format fails with ${e.toString()} on ${JSON.stringify(ep.command)}.`);
  }
  const parts = [command, ...resolved.extra.map(([k, v]) => `--${k} ${v}`)];
  return { command: parts.join(' '), params: [...logged.declared, ...logged.extra] };
}
