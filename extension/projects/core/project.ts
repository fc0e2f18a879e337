// An MLproject as `mlflow run` sees it: parsed by the product's one MLproject parser, refused when MLflow
// could not load it, and asked for entry points the way Project.get_entry_point answers (declared ones first,
// then `*.py`/`*.sh`/`*.R` files run as scripts).
import { parseMlproject } from '../../../language-server/mlproject/parse';
import type { MlprojectModel, MlprojectParameter } from '../../../language-server/mlproject/model';
import type { AnalysisDiagnostic } from '../../../language-server/shared/diagnostics';
import { pyReprValue } from '../python/pyRepr';
import { shellQuote } from '../python/shlex';
import { splitext } from '../python/pyPath';
import { ProjectError } from './errors';

/** MLflow finds the project file by lower-casing names: `MLproject`, `mlproject`, `MLProject`… */
export function isMlprojectFileName(name: string): boolean {
  return name.toLowerCase() === 'mlproject';
}

/** The default entry point of `mlflow run`. */
export const DEFAULT_ENTRY_POINT = 'main';

/**
 * Errors that only fail the entry point they sit in, and only when it runs: command building reproduces them
 * for the chosen entry point, so they must not block the others. Every other error makes MLflow's
 * load_project fail (or crash) for every entry point.
 */
const ENTRY_POINT_LOCAL = new Set(['missing-command', 'command-not-string', 'unbalanced-brace', 'invalid-placeholder', 'positional-placeholder', 'undeclared-placeholder', 'invalid-uri-default']);

export interface LoadedProject {
  model: MlprojectModel;
  /** Absolute project folder (the MLproject's directory). */
  dir: string;
}

export function loadProject(text: string, dir: string, fileExists: (relativePath: string) => boolean): LoadedProject {
  return { model: parseMlproject(text, { fileExists }), dir };
}

/** Problems that make `mlflow run` fail whatever entry point is chosen; empty when the project can run. */
export function blockingProblems(model: MlprojectModel): AnalysisDiagnostic[] {
  return model.diagnostics.filter((d) => d.severity === 'error' && !ENTRY_POINT_LOCAL.has(d.code));
}

export function assertRunnable(model: MlprojectModel): void {
  const problems = blockingProblems(model);
  if (problems.length === 0) return;
  const shown = problems.slice(0, 3).map((p) => `- ${p.message}`);
  if (problems.length > 3) shown.push(`- …and ${problems.length - 3} more (see the Problems view)`);
  throw new ProjectError('project', `The MLproject has errors that make \`mlflow run\` fail:\n${shown.join('\n')}`);
}

export interface EntryPoint {
  name: string;
  /** The command template (a Python format string); a script's command is already final. */
  command: string;
  /** Declared parameters in declaration order; a script declares none. */
  parameters: MlprojectParameter[];
  /** True when `name` is a script file rather than a declared entry point. */
  script: boolean;
}

/** Project.get_entry_point: a declared entry point, else a script by extension, else MLflow's error. */
export function resolveEntryPoint(model: MlprojectModel, name: string, env: Readonly<Record<string, string | undefined>>): EntryPoint {
  if (model.databricksSparkJob) {
    throw new ProjectError('project', 'This MLproject declares a databricks_spark_job, which MLflow runs on Databricks only (`--backend databricks`); it cannot run locally.');
  }
  const declared = model.entryPoints.find((e) => e.name === name);
  if (declared) {
    if (declared.command === null) {
      throw new ProjectError('project', `Entry point '${name}' has no usable 'command': \`mlflow run -e ${name}\` fails on it.`);
    }
    return { name, command: declared.command, parameters: declared.parameters, script: false };
  }
  const [, ext] = splitext(name);
  // os.environ.get("SHELL", "bash"): an empty SHELL stays empty, as in MLflow.
  const shell = env.SHELL ?? 'bash';
  if (ext === '.py') return { name, command: `python ${shellQuote(name)}`, parameters: [], script: true };
  if (ext === '.sh') return { name, command: `${shell} ${shellQuote(name)}`, parameters: [], script: true };
  if (ext === '.R') return { name, command: `Rscript -e "mlflow::mlflow_source('${shellQuote(name)}')" --args`, parameters: [], script: true };
  const names = pyReprValue(model.entryPoints.map((e) => e.name));
  throw new ProjectError('parameters', `Could not find ${name} among entry points ${names} or interpret ${name} as a runnable script. Supported script file extensions: ['.py', '.sh']`);
}
