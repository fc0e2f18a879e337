// The tags `mlflow run` puts on a project run (mlflow/projects/utils.py _create_run, projects/__init__.py and
// backend/local.py): who, what source, which entry point, the git state, the backend and the environment.
import type { EffectiveEnv } from './envPlan';
import { projectEnvTag } from './envPlan';

export interface GitInfo {
  /** The repository's working tree root (git rev-parse --show-toplevel). */
  topLevel: string;
  /** HEAD's commit; absent in an empty repository or when the project folder is git-ignored. */
  commit?: string;
  /** The checked-out branch; absent on a detached HEAD. */
  branch?: string;
  /** URL of the first remote in the config, as GitPython's `repo.remotes[0].url` gives it. */
  repoUrl?: string;
}

export interface RunRecordInput {
  /** Absolute project folder. */
  projectDir: string;
  entryPoint: string;
  user: string;
  git?: GitInfo;
  env: EffectiveEnv;
  docker?: { imageUri: string; imageId?: string };
}

/**
 * _get_git_url_if_present: inside a git repository the source is `file://<repo root>` plus `#<subdir>` when
 * the project is below the root; outside one it is the project's absolute path.
 */
export function sourceName(projectDir: string, git: GitInfo | undefined): string {
  if (!git) return projectDir;
  const top = git.topLevel.replace(/\/+$/, '');
  const rel = projectDir === top ? '' : projectDir.startsWith(`${top}/`) ? projectDir.slice(top.length + 1) : projectDir;
  return rel ? `file://${top}#${rel}` : `file://${top}`;
}

export function projectRunTags(input: RunRecordInput): Array<[string, string]> {
  const tags: Array<[string, string]> = [
    ['mlflow.user', input.user],
    ['mlflow.source.name', sourceName(input.projectDir, input.git)],
    ['mlflow.source.type', 'PROJECT'],
    ['mlflow.project.entryPoint', input.entryPoint],
  ];
  const git = input.git;
  if (git?.commit) tags.push(['mlflow.source.git.commit', git.commit]);
  if (git?.repoUrl) tags.push(['mlflow.source.git.repoURL', git.repoUrl], ['mlflow.gitRepoURL', git.repoUrl]);
  // MLflow tags the branch when `--version` names one; the editor always runs the checked-out branch.
  if (git?.branch) tags.push(['mlflow.source.git.branch', git.branch], ['mlflow.gitBranchName', git.branch]);
  tags.push(['mlflow.project.backend', 'local']);
  const env = projectEnvTag(input.env);
  if (env) tags.push(['mlflow.project.env', env]);
  if (input.docker) {
    tags.push(['mlflow.docker.image.uri', input.docker.imageUri]);
    if (input.docker.imageId) tags.push(['mlflow.docker.image.id', input.docker.imageId]);
  }
  return tags;
}

/** getpass.getuser(): LOGNAME, USER, LNAME, USERNAME, then the password database. */
export function osUser(env: Readonly<Record<string, string | undefined>>, fromPasswd: () => string): string {
  for (const name of ['LOGNAME', 'USER', 'LNAME', 'USERNAME']) {
    const v = env[name];
    if (v) return v;
  }
  try {
    return fromPasswd();
  } catch {
    return 'unknown';
  }
}

/** A run's status once the process is over; undefined when the run was already ended by the script itself. */
export function finalStatus(current: string, outcome: { stopped: boolean; exitCode: number | null }): 'FINISHED' | 'FAILED' | 'KILLED' | undefined {
  // _maybe_set_run_terminated: only a run still RUNNING (or SCHEDULED) gets the backend's verdict.
  if (current !== 'RUNNING' && current !== 'SCHEDULED') return undefined;
  if (outcome.stopped) return 'KILLED';
  return outcome.exitCode === 0 ? 'FINISHED' : 'FAILED';
}
