// Which environment a run gets and how its command is wrapped, decided the way mlflow/projects/backend/local.py
// decides: docker_env wins over everything; otherwise the env manager given, or by default conda for a conda
// project, virtualenv for a python one (even with no env file) and local for docker. Pure: the tools are
// found, and the environments created, in system/environments.ts.
import type { MlprojectEnvironment } from '../../../language-server/mlproject/model';
import { shellQuote } from '../python/shlex';
import { ProjectError } from './errors';
import type { PythonEnvSpec } from './envSpec';

export const ENV_MANAGERS = ['local', 'virtualenv', 'uv', 'conda'] as const;
export type EnvManager = (typeof ENV_MANAGERS)[number];

export function isEnvManager(v: unknown): v is EnvManager {
  return typeof v === 'string' && (ENV_MANAGERS as readonly string[]).includes(v);
}

/** What actually runs the command; `docker` is not a manager one can pick, it comes from the MLproject. */
export type EffectiveEnv = EnvManager | 'docker';

/** _env_type_to_env_manager plus the refusal of conda for python projects. */
export function effectiveEnv(env: MlprojectEnvironment, requested: EnvManager | undefined): EffectiveEnv {
  if (env.kind === 'docker') return 'docker';
  if (requested === undefined) return env.kind === 'conda' ? 'conda' : 'virtualenv';
  if (env.kind === 'python' && requested === 'conda') {
    throw new ProjectError('parameters', "python_env project cannot be executed using conda. Set the env manager to 'virtualenv', 'uv' or 'local' to execute this project.");
  }
  return requested;
}

/** The default manager MLflow picks for this project, for pickers and messages. */
export function defaultEnv(env: MlprojectEnvironment): EffectiveEnv {
  return effectiveEnv(env, undefined);
}

/** The `mlflow.project.env` tag: absent for local, the manager's name otherwise. */
export function projectEnvTag(env: EffectiveEnv): string | undefined {
  return env === 'local' ? undefined : env;
}

export interface VirtualenvPlan {
  kind: 'virtualenv' | 'uv';
  spec: PythonEnvSpec;
  /** `$MLFLOW_ENV_ROOT/<name>`: reused when it exists. */
  envDir: string;
  /** The activation joined before the command with ` && `. */
  activate: string;
}

export interface CondaPlan {
  kind: 'conda';
  envName: string;
  /** Absolute path of the conda yaml the env is created from. */
  yamlPath: string;
  /** The conda executable (`conda`, or under MLFLOW_CONDA_HOME / next to CONDA_EXE). */
  conda: string;
  /** The executable for `env create` (MLFLOW_CONDA_CREATE_ENV_CMD, e.g. mamba). */
  createCommand: string;
  activate: string[];
}

export interface DockerPlan {
  kind: 'docker';
  image: string;
  volumes: string[];
  environment: Array<string | [string, string]>;
}

export type EnvironmentPlan = { kind: 'local' } | VirtualenvPlan | CondaPlan | DockerPlan;

/** MLFLOW_ENV_ROOT, default ~/.mlflow/envs: where MLflow keeps virtualenv/uv environments. */
export function envRoot(env: Readonly<Record<string, string | undefined>>, home: string): string {
  return env.MLFLOW_ENV_ROOT || `${home.replace(/\/+$/, '')}/.mlflow/envs`;
}

export function virtualenvPlan(kind: 'virtualenv' | 'uv', spec: PythonEnvSpec, root: string, envName: string): VirtualenvPlan {
  const envDir = `${root.replace(/\/+$/, '')}/${envName}`;
  // MLflow writes the path unquoted; quoting changes nothing for ordinary paths and keeps odd ones working.
  return { kind, spec, envDir, activate: `source ${shellQuote(`${envDir}/bin/activate`)}` };
}

/** get_conda_bin_executable: MLFLOW_CONDA_HOME/bin/x, else next to CONDA_EXE, else x on PATH. */
export function condaExecutable(name: string, env: Readonly<Record<string, string | undefined>>): string {
  if (env.MLFLOW_CONDA_HOME) return `${env.MLFLOW_CONDA_HOME.replace(/\/+$/, '')}/bin/${name}`;
  if (env.CONDA_EXE) return `${env.CONDA_EXE.slice(0, env.CONDA_EXE.lastIndexOf('/'))}/${name}`;
  return name;
}

/** get_conda_command: conda.sh + `conda activate` with a modern conda, else `source activate`. */
export function condaPlan(envName: string, yamlPath: string, env: Readonly<Record<string, string | undefined>>): CondaPlan {
  const conda = condaExecutable('conda', env);
  const activate =
    env.CONDA_EXE || env.MLFLOW_CONDA_HOME
      ? [`source ${conda.slice(0, Math.max(0, conda.lastIndexOf('/')))}/../etc/profile.d/conda.sh`, `conda activate ${envName} 1>&2`]
      : [`source ${condaExecutable('activate', env)} ${envName} 1>&2`];
  return { kind: 'conda', envName, yamlPath, conda, createCommand: condaExecutable(env.MLFLOW_CONDA_CREATE_ENV_CMD || 'conda', env), activate };
}

/** The command line the child's bash runs: activation and entry command joined as MLflow joins them. */
export function wrapCommand(plan: EnvironmentPlan, entryCommand: string, dockerRun?: string[]): string {
  switch (plan.kind) {
    case 'local':
      return entryCommand;
    case 'virtualenv':
    case 'uv':
      return [plan.activate, entryCommand].join(' && ');
    case 'conda':
      return [...plan.activate, entryCommand].join(' && ');
    case 'docker':
      if (!dockerRun) throw new Error('a docker plan needs its docker run arguments');
      return [...dockerRun, entryCommand].join(' ');
  }
}
