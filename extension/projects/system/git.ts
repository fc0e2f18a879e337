// The git facts a project run is tagged with, read with the git CLI the way MLflow reads them with GitPython:
// the working tree root, HEAD's commit (none when the project folder is git-ignored), the checked-out branch
// and the URL of the first remote in the config. No git, or no repository: undefined, as in MLflow.
import { realpathSync } from 'node:fs';
import type { GitInfo } from '../core/runRecord';
import { capture, type Env } from './processes';

async function git(dir: string, args: string[], env: Env): Promise<string | undefined> {
  try {
    const r = await capture('git', ['-C', dir, ...args], { env: { ...env, GIT_TERMINAL_PROMPT: '0', GIT_OPTIONAL_LOCKS: '0' }, timeoutMs: 10_000 });
    return r.code === 0 ? r.stdout.replace(/\n$/, '') : undefined;
  } catch {
    return undefined; // git is not installed
  }
}

export async function gitInfo(projectDir: string, env: Env): Promise<GitInfo | undefined> {
  const topLevel = await git(projectDir, ['rev-parse', '--show-toplevel'], env);
  if (!topLevel) return undefined;
  const [commit, ignored, branch, remotes] = await Promise.all([
    git(projectDir, ['rev-parse', '--verify', '-q', 'HEAD'], env),
    git(topLevel, ['check-ignore', '-q', realpath(projectDir)], env),
    git(projectDir, ['symbolic-ref', '--short', '-q', 'HEAD'], env),
    // Config order, like GitPython's repo.remotes (`git remote` would sort them).
    git(projectDir, ['config', '--get-regexp', '^remote\\..*\\.url$'], env),
  ]);
  const first = remotes?.split('\n').find(Boolean);
  const info: GitInfo = { topLevel };
  // check-ignore answers 0 (output '') when the path is ignored.
  if (commit && ignored === undefined) info.commit = commit;
  if (branch) info.branch = branch;
  if (first) info.repoUrl = first.slice(first.indexOf(' ') + 1);
  return info;
}

/** The project folder as git reports paths (symlinks resolved), so it lines up with --show-toplevel. */
export function realpath(dir: string): string {
  try {
    return realpathSync(dir);
  } catch {
    return dir;
  }
}
