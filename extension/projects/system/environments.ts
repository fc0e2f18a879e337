// Turns an environment decision into a ready environment: reads the env file, names the environment the way
// MLflow does, checks that the tools it needs exist (a clear error naming the tool and the alternatives, never
// a silent fallback), then creates it once — virtualenv/uv under MLFLOW_ENV_ROOT keyed by the spec's hash,
// conda by the yaml's hash — and reuses it afterwards.
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, unlinkSync, writeFileSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';
import type { MlprojectModel } from '../../../language-server/mlproject/model';
import { ProjectError } from '../core/errors';
import { condaEnvName, defaultPythonEnv, pythonEnvFromCondaYaml, pythonEnvFromYaml, virtualenvName, type PythonEnvSpec } from '../core/envSpec';
import { condaPlan, envRoot, virtualenvPlan, type EffectiveEnv, type EnvironmentPlan, type VirtualenvPlan } from '../core/envPlan';
import { capture, streamed, which, type Env, type GroupProcess, type OutputSink } from './processes';

export interface PlanContext {
  projectDir: string;
  env: Env;
  home?: string;
}

/** MLflow's PYTHON_VERSION (major.minor.micro) of the python3 a run would use; undefined without python3. */
export async function currentPythonVersion(env: Env): Promise<{ version: string; path: string } | undefined> {
  const path = which('python3', env) ?? which('python', env);
  if (!path) return undefined;
  try {
    const r = await capture(path, ['-c', "import sys; print('%d.%d.%d' % sys.version_info[:3])"], { env, timeoutMs: 15_000 });
    const version = r.stdout.trim();
    return r.code === 0 && /^\d+\.\d+\.\d+$/.test(version) ? { version, path } : undefined;
  } catch {
    return undefined;
  }
}

const ALTERNATIVES: Record<string, string> = {
  virtualenv: "'uv' or 'local'",
  uv: "'virtualenv' or 'local'",
  conda: "'virtualenv', 'uv' or 'local'",
};

function missingTool(manager: string, tool: string, install: string): ProjectError {
  return new ProjectError(
    'tool',
    `The '${manager}' environment manager needs ${tool}, which was not found on PATH. ${install} Or choose another environment manager (${ALTERNATIVES[manager] ?? "'local'"}): "envManager" in the task, or the environment step of Run Entry Point…`,
  );
}

function readProjectFile(dir: string, rel: string): string {
  const path = rel.startsWith('/') ? rel : join(dir, rel);
  try {
    return readFileSync(path, 'utf8');
  } catch {
    throw new ProjectError('project', `The environment file ${path} cannot be read.`);
  }
}

/** The spec MLflow's local backend builds for virtualenv/uv: python_env.yaml, converted conda.yaml, or the default. */
function pythonSpec(model: MlprojectModel, ctx: PlanContext, currentPython: string, warn: (m: string) => void): PythonEnvSpec {
  const env = model.environment;
  if (env.kind === 'conda' && env.file) {
    const { spec, warnings } = pythonEnvFromCondaYaml(readProjectFile(ctx.projectDir, env.file), currentPython, env.file);
    warnings.forEach(warn);
    return spec;
  }
  if (env.kind === 'python' && env.file) return pythonEnvFromYaml(readProjectFile(ctx.projectDir, env.file), currentPython, env.file);
  return defaultPythonEnv(currentPython);
}

/** Decides the plan and checks its tools; nothing is created yet. */
export async function planEnvironment(model: MlprojectModel, effective: EffectiveEnv, ctx: PlanContext, warn: (m: string) => void = () => undefined): Promise<EnvironmentPlan> {
  const env = model.environment;
  switch (effective) {
    case 'local':
      return { kind: 'local' };
    case 'docker': {
      if (env.kind !== 'docker' || !env.image) throw new ProjectError('project', "Project with docker environment must specify the docker image to use via an 'image' field under the 'docker_env' field.");
      if (!model.name) throw new ProjectError('project', 'Project name in MLProject must be specified when using docker for image tagging.');
      if (!which('docker', ctx.env)) throw new ProjectError('tool', 'This project runs in docker (docker_env), and docker was not found on PATH. Install Docker (https://docs.docker.com/install/overview/); a docker_env project cannot run with another environment manager.');
      const info = await capture('docker', ['info'], { env: ctx.env, timeoutMs: 30_000 }).catch((e: Error) => ({ code: -1, stdout: '', stderr: e.message }));
      if (info.code !== 0) {
        throw new ProjectError('tool', `Ran \`docker info\` to ensure docker daemon is running but it failed with the following output:\n${(info.stdout + info.stderr).trim()}`);
      }
      return { kind: 'docker', image: env.image, volumes: env.volumes, environment: env.environment };
    }
    case 'conda': {
      if (env.kind !== 'conda' || !env.file) throw new ProjectError('parameters', 'Only a project with a conda environment (conda_env or conda.yaml) can run with conda.');
      const yamlPath = env.file.startsWith('/') ? env.file : join(ctx.projectDir, env.file);
      const plan = condaPlan(condaEnvName(readProjectFile(ctx.projectDir, env.file)), yamlPath, ctx.env);
      if (!which(plan.conda, ctx.env)) throw missingTool('conda', `conda (${plan.conda})`, 'Install conda (https://conda.io/projects/conda/en/latest/user-guide/install/index.html) or set MLFLOW_CONDA_HOME.');
      if (!which(plan.createCommand, ctx.env)) throw missingTool('conda', `${plan.createCommand} (MLFLOW_CONDA_CREATE_ENV_CMD)`, 'Install it next to conda, or unset MLFLOW_CONDA_CREATE_ENV_CMD.');
      return plan;
    }
    case 'virtualenv':
    case 'uv': {
      const current = await currentPythonVersion(ctx.env);
      if (!current && effective === 'virtualenv') throw missingTool('virtualenv', 'python3', 'Install Python 3.');
      const spec = pythonSpec(model, ctx, current?.version ?? '', warn);
      if (effective === 'uv' && !which('uv', ctx.env)) throw missingTool('uv', 'uv', 'Install uv (https://docs.astral.sh/uv/getting-started/installation/).');
      if (effective === 'uv' && !spec.python) throw new ProjectError('tool', 'No Python version is given and no python3 was found to take it from; set `python` in python_env.yaml.');
      if (effective === 'virtualenv' && !matchesVersion(current!.version, spec.python) && !which('pyenv', ctx.env)) {
        throw missingTool('virtualenv', `pyenv (the project wants Python ${spec.python}, python3 on PATH is ${current!.version})`, 'Install pyenv (https://github.com/pyenv/pyenv#installation), or change `python` in python_env.yaml.');
      }
      const name = virtualenvName(spec, ctx.projectDir, (p) => readFileSync(p, 'utf8'));
      return virtualenvPlan(effective, spec, envRoot(ctx.env, ctx.home ?? homedir()), name);
    }
  }
}

/** "3.11" and "3.11.7" both accept a 3.11.7 interpreter. */
function matchesVersion(current: string, wanted: string): boolean {
  return current === wanted || current.startsWith(`${wanted}.`);
}

export interface PrepareIo {
  sink: OutputSink;
  env: Env;
  projectDir: string;
  /** Called with each long-running child, so a stop can end it. */
  register(p: GroupProcess): void;
  stopped(): boolean;
}

/** Environments being created by this process: a second run waits for the first instead of racing it. */
const creating = new Map<string, Promise<void>>();
/** Beside the environment (inside it, `venv`/`uv venv` would find a non-empty folder): `<envDir>.creating`. */
const markerOf = (envDir: string): string => `${envDir}.mlflow-workbench-creating`;

export interface Prepared {
  /** True when the environment was created by this call, false when an existing one was reused. */
  created: boolean;
  docker?: { imageUri: string; imageId?: string };
}

export async function prepareEnvironment(plan: EnvironmentPlan, io: PrepareIo): Promise<Prepared> {
  switch (plan.kind) {
    case 'local':
      return { created: false };
    case 'virtualenv':
    case 'uv':
      return prepareVirtualenv(plan, io);
    case 'conda':
      return prepareConda(plan, io);
    case 'docker':
      return prepareDocker(plan.image, io);
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

async function prepareVirtualenv(plan: VirtualenvPlan, io: PrepareIo): Promise<Prepared> {
  const pending = creating.get(plan.envDir);
  if (pending) {
    io.sink.write(`=== Waiting for environment ${plan.envDir}, which another run is creating ===\n`);
    await pending;
  }
  // A marker left by a process that died mid-creation means a half-made environment: start over. One whose
  // creator still runs (another window) is waited for.
  const marker = markerOf(plan.envDir);
  for (let waited = 0; existsSync(marker); waited += 500) {
    const pid = Number(readFileSync(marker, 'utf8'));
    if (!pid || pid === process.pid || !isAlive(pid)) {
      io.sink.write(`=== Removing ${plan.envDir}: its creation was interrupted ===\n`);
      rmSync(plan.envDir, { recursive: true, force: true });
      rmSync(marker, { force: true });
      break;
    }
    if (waited > 30 * 60_000) throw new ProjectError('environment', `Process ${pid} has been creating ${plan.envDir} for 30 minutes.`);
    await new Promise((r) => setTimeout(r, 500));
  }
  if (existsSync(plan.envDir)) {
    io.sink.write(`=== Environment ${plan.envDir} already exists ===\n`);
    return { created: false };
  }
  const work = createVirtualenv(plan, io);
  creating.set(plan.envDir, work);
  try {
    await work;
  } finally {
    creating.delete(plan.envDir);
  }
  return { created: true };
}

async function step(io: PrepareIo, command: string, args: string[], cwd: string, what: string): Promise<void> {
  if (io.stopped()) throw new ProjectError('environment', 'Stopped while creating the environment.');
  const code = await streamed(command, args, { cwd, env: io.env, sink: io.sink, register: io.register }).catch((e: Error) => {
    throw new ProjectError('environment', `${what} could not start: ${e.message}`);
  });
  if (code !== 0) throw new ProjectError('environment', `${what} failed (exit code ${code}).`);
}

async function pyenvPython(version: string, io: PrepareIo): Promise<string> {
  let exact = version;
  if (!/^\d+\.\d+\.\d+$/.test(version)) {
    // _find_latest_installable_python_version: the newest X.Y.Z of `pyenv install --list` starting with it.
    const list = await capture('pyenv', ['install', '--list'], { env: io.env, timeoutMs: 60_000 });
    const matches = list.stdout.split('\n').map((l) => l.trim()).filter((l) => /^\d+\.\d+\.\d+$/.test(l) && l.startsWith(version));
    if (!matches.length) throw new ProjectError('environment', `Could not find python version that matches ${version}`);
    exact = matches.sort((a, b) => compareVersions(a, b)).pop()!;
  }
  await step(io, 'pyenv', ['install', '--skip-existing', exact], io.projectDir, `pyenv install ${exact}`);
  const root = await capture('pyenv', ['root'], { env: io.env });
  return join(root.stdout.trim(), 'versions', exact, 'bin', 'python');
}

function compareVersions(a: string, b: string): number {
  const pa = a.split('.').map(Number);
  const pb = b.split('.').map(Number);
  for (let i = 0; i < 3; i++) if (pa[i] !== pb[i]) return pa[i] - pb[i];
  return 0;
}

async function createVirtualenv(plan: VirtualenvPlan, io: PrepareIo): Promise<void> {
  mkdirSync(plan.envDir.slice(0, plan.envDir.lastIndexOf('/')), { recursive: true });
  const marker = markerOf(plan.envDir);
  writeFileSync(marker, String(process.pid));
  try {
    if (plan.kind === 'uv') {
      io.sink.write(`=== Creating a new environment in ${plan.envDir} with python version ${plan.spec.python} using uv ===\n`);
      await step(io, 'uv', ['venv', plan.envDir, `--python=${plan.spec.python}`], io.projectDir, 'uv venv');
    } else {
      const current = await currentPythonVersion(io.env);
      const python = current && matchesVersion(current.version, plan.spec.python) ? current.path : await pyenvPython(plan.spec.python, io);
      io.sink.write(`=== Creating a new environment in ${plan.envDir} with ${python} ===\n`);
      // MLflow runs the `virtualenv` package; the standard library's venv makes the same layout (bin/activate,
      // pip seeded by ensurepip) and needs nothing installed.
      await step(io, python, ['-m', 'venv', plan.envDir], io.projectDir, 'python -m venv');
    }
    for (const deps of [plan.spec.buildDependencies, plan.spec.dependencies]) {
      if (deps.length === 0) continue;
      await installRequirements(plan, deps, io);
    }
    unlinkSync(marker);
  } catch (e) {
    io.sink.write(`=== Removing the environment ${plan.envDir} after the error ===\n`);
    rmSync(plan.envDir, { recursive: true, force: true });
    rmSync(marker, { force: true });
    throw e;
  }
}

/** Installs a requirements list from a temp folder that mirrors the project, so `-r requirements.txt` resolves. */
async function installRequirements(plan: VirtualenvPlan, deps: string[], io: PrepareIo): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'mlflow-workbench-reqs-'));
  try {
    for (const item of readdirSync(io.projectDir)) symlinkSync(join(io.projectDir, item), join(dir, item));
    const file = `requirements.${randomBytes(16).toString('hex')}.txt`;
    writeFileSync(join(dir, file), deps.join('\n'));
    const install = plan.kind === 'uv' ? 'uv pip install' : 'python -m pip install';
    io.sink.write(`=== Installing dependencies: ${deps.join(', ')} ===\n`);
    await step(io, 'bash', ['-c', `${plan.activate} && ${install} -r ${file}`], dir, `${install} of ${deps.join(', ')}`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

async function prepareConda(plan: Extract<EnvironmentPlan, { kind: 'conda' }>, io: PrepareIo): Promise<Prepared> {
  const list = await capture(plan.conda, ['env', 'list', '--json'], { env: io.env, timeoutMs: 60_000 });
  let envs: string[];
  try {
    envs = ((JSON.parse(list.stdout) as { envs?: string[] }).envs ?? []).map((p) => p.slice(p.lastIndexOf('/') + 1));
  } catch {
    throw new ProjectError('environment', `\`conda env list --json\` did not answer JSON: ${(list.stdout + list.stderr).slice(0, 300)}`);
  }
  if (envs.includes(plan.envName)) {
    io.sink.write(`=== Conda environment ${plan.envName} already exists ===\n`);
    return { created: false };
  }
  io.sink.write(`=== Creating conda environment ${plan.envName} ===\n`);
  try {
    await step(io, plan.createCommand, ['env', 'create', '-n', plan.envName, '--file', plan.yamlPath], io.projectDir, 'conda env create');
  } catch (e) {
    await capture(plan.conda, ['remove', '--yes', '--name', plan.envName, '--all'], { env: io.env, timeoutMs: 120_000 }).catch(() => undefined);
    throw e;
  }
  return { created: true };
}

async function prepareDocker(image: string, io: PrepareIo): Promise<Prepared> {
  const inspect = (): Promise<string | undefined> =>
    capture('docker', ['image', 'inspect', '--format', '{{.Id}}', image], { env: io.env, timeoutMs: 30_000 }).then(
      (r) => (r.code === 0 ? r.stdout.trim() : undefined),
      () => undefined,
    );
  let id = await inspect();
  const pull = !id;
  if (id) io.sink.write(`=== ${image} already exists ===\n`);
  else {
    io.sink.write(`=== Pulling ${image} ===\n`);
    await step(io, 'docker', ['pull', image], io.projectDir, `docker pull ${image}`);
    id = await inspect();
  }
  return { created: pull, docker: { imageUri: image, imageId: id } };
}
