// The `mlflow` task type: what a tasks.json entry may say, checked here with the same rules package.json's
// taskDefinitions contribution gives VS Code (a test keeps the two identical), so a hand-written task that
// VS Code only underlines in the editor is refused with a clear message when it runs.
import { ENV_MANAGERS, type EnvManager, isEnvManager } from './envPlan';
import type { ParameterInput } from './values';

export const TASK_TYPE = 'mlflow';

export interface MlflowTaskDefinition {
  type: typeof TASK_TYPE;
  /** Folder holding the MLproject, relative to the workspace folder (or absolute); default: the folder itself. */
  project?: string;
  /** Entry point name or script file; default `main`. */
  entryPoint?: string;
  parameters?: Record<string, ParameterInput>;
  /** Experiment name, created when missing. */
  experiment?: string;
  experimentId?: string;
  /** Default: MLflow's choice for the project (conda for conda.yaml, virtualenv for python). */
  envManager?: EnvManager;
  runName?: string;
  /** `mlflow run -A`: docker run options for docker_env projects (`true` for a bare flag). */
  dockerArgs?: Record<string, string | boolean>;
  /** false: run even when a float/int value fails the editor's check (MLflow passes such values on unchecked). */
  checkValueTypes?: boolean;
}

/** The contributes.taskDefinitions entry of package.json, verbatim. */
export const TASK_DEFINITION_CONTRIBUTION = {
  type: TASK_TYPE,
  properties: {
    project: { type: 'string', description: 'Folder of the MLproject, relative to the workspace folder. Default: the workspace folder.' },
    entryPoint: { type: 'string', default: 'main', description: 'Entry point of the MLproject, or a .py/.sh script in the project. Default: main.' },
    parameters: {
      type: 'object',
      additionalProperties: { type: ['string', 'number', 'boolean'] },
      description: 'Parameter values, as `mlflow run -P name=value` would pass them. Undeclared ones are appended as --name value.',
    },
    experiment: { type: 'string', description: 'Name of the experiment to record the run in; created when missing. Default: the Default experiment.' },
    experimentId: { type: 'string', description: 'ID of the experiment to record the run in (instead of experiment).' },
    envManager: { type: 'string', enum: [...ENV_MANAGERS], description: "Environment manager, as `mlflow run --env-manager`. Default: MLflow's choice for the project." },
    runName: { type: 'string', description: 'Name of the run.' },
    dockerArgs: {
      type: 'object',
      additionalProperties: { type: ['string', 'boolean'] },
      description: 'docker run options for docker_env projects, as `mlflow run -A name=value` (true for a flag).',
    },
    checkValueTypes: {
      type: 'boolean',
      default: true,
      description: "Refuse float and int parameter values that Python's float()/int() would not read. MLflow itself does not check them: false runs anyway.",
    },
  },
} as const;

export type Validated = { ok: true; definition: MlflowTaskDefinition } | { ok: false; errors: string[] };

const KNOWN = new Set(['type', ...Object.keys(TASK_DEFINITION_CONTRIBUTION.properties)]);

export function validateTaskDefinition(raw: unknown): Validated {
  const errors: string[] = [];
  if (!raw || typeof raw !== 'object' || Array.isArray(raw)) return { ok: false, errors: ['The task definition must be an object.'] };
  const d = raw as Record<string, unknown>;
  if (d.type !== TASK_TYPE) errors.push(`The task type must be '${TASK_TYPE}'.`);
  for (const key of Object.keys(d)) if (!KNOWN.has(key)) errors.push(`Unknown property '${key}' in an mlflow task.`);
  for (const key of ['project', 'entryPoint', 'experiment', 'experimentId', 'runName'] as const) {
    if (d[key] !== undefined && typeof d[key] !== 'string') errors.push(`'${key}' must be a string.`);
  }
  if (d.checkValueTypes !== undefined && typeof d.checkValueTypes !== 'boolean') errors.push("'checkValueTypes' must be true or false.");
  if (d.entryPoint === '') errors.push("'entryPoint' cannot be empty.");
  if (d.envManager !== undefined && !isEnvManager(d.envManager)) errors.push(`'envManager' must be one of ${ENV_MANAGERS.join(', ')}.`);
  if (d.experiment !== undefined && d.experimentId !== undefined) errors.push("Give either 'experiment' or 'experimentId', not both.");
  if (typeof d.experimentId === 'string' && !/^\d+$/.test(d.experimentId)) errors.push("'experimentId' must be an experiment ID (digits).");
  const checkMap = (key: 'parameters' | 'dockerArgs', types: readonly string[]): void => {
    const v = d[key];
    if (v === undefined) return;
    if (!v || typeof v !== 'object' || Array.isArray(v)) {
      errors.push(`'${key}' must be an object.`);
      return;
    }
    for (const [k, x] of Object.entries(v)) {
      if (!types.includes(typeof x)) errors.push(`'${key}.${k}' must be a ${types.join(' or ')}.`);
      if (typeof x === 'number' && !Number.isFinite(x)) errors.push(`'${key}.${k}' must be a finite number.`);
    }
  };
  checkMap('parameters', ['string', 'number', 'boolean']);
  checkMap('dockerArgs', ['string', 'boolean']);
  return errors.length ? { ok: false, errors } : { ok: true, definition: d as unknown as MlflowTaskDefinition };
}

/** A stable label for the task list: `<project>: <entry point>`. */
export function taskLabel(projectLabel: string, entryPoint: string): string {
  return `${projectLabel}: ${entryPoint}`;
}
