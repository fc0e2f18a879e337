// The real MLflow 3.11 Python package (a test tool in ../shared, never shipped) for the e2e suite: where it is
// (MLFLOW3_SITE, else ../shared/mlflow-3.11/site beside the repository) and whether Debian's python3 imports it
// with scikit-learn; its tracking server over a temp sqlite store; a script run with it against a tracking URI.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { freePort } from './codeServer';
import { ROOT } from './session';

export interface Mlflow3 {
  /** The folder put first on PYTHONPATH. */
  site: string;
  python: string;
  version: string;
}

/** The usable MLflow 3.11, or the one-line reason a spec skips. */
export function findMlflow3(): Mlflow3 | string {
  const site = resolve(ROOT, process.env.MLFLOW3_SITE || join('..', 'shared', 'mlflow-3.11', 'site'));
  if (!existsSync(join(site, 'mlflow'))) return `MLflow 3.11 not found at ${site} (set MLFLOW3_SITE)`;
  const python = existsSync('/usr/bin/python3') ? '/usr/bin/python3' : 'python3';
  const r = spawnSync(python, ['-c', 'import mlflow, sklearn; print(mlflow.__version__)'], { env: pythonEnv(site), encoding: 'utf8', timeout: 60_000 });
  if (r.error) return `${python} cannot run: ${r.error.message}`;
  if (r.status !== 0) return `${python} cannot import MLflow 3.11 from ${site}: ${(r.stderr || '').trim().split('\n').pop()}`;
  const version = r.stdout.trim();
  return version.startsWith('3.11') ? { site, python, version } : `MLflow at ${site} is ${version}, not 3.11`;
}

/** The shell assignments a terminal command line needs to use it (telemetry off, as the house asks). */
export function mlflow3ShellPrefix(m: Mlflow3): string {
  return `PYTHONPATH=${m.site} MLFLOW_DISABLE_TELEMETRY=true DO_NOT_TRACK=true ${m.python}`;
}

function pythonEnv(site: string, extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const k of Object.keys(env)) if (k.startsWith('MLFLOW_')) delete env[k]; // the developer's settings stay out
  return { ...env, PYTHONPATH: site, MLFLOW_DISABLE_TELEMETRY: 'true', DO_NOT_TRACK: 'true', PYTHONDONTWRITEBYTECODE: '1', ...extra };
}

function killGroup(proc: ChildProcess, signal: NodeJS.Signals): void {
  try {
    if (proc.pid) process.kill(-proc.pid, signal);
  } catch {
    /* gone already */
  }
}

export interface Mlflow3Server {
  url: string;
  output(): string;
  stop(): Promise<void>;
}

/** `python3 -m mlflow server` on a free port over `<dir>/mlflow.db` and `<dir>/artifacts`, ready once /health answers. */
export async function startMlflow3Server(m: Mlflow3, dir: string): Promise<Mlflow3Server> {
  mkdirSync(dir, { recursive: true });
  const port = await freePort();
  const args = ['-m', 'mlflow', 'server', '--backend-store-uri', `sqlite:///${dir}/mlflow.db`, '--artifacts-destination', `${dir}/artifacts`, '--host', '127.0.0.1', '--port', String(port), '--workers', '1'];
  // Without this 3.11 loops on a missing job-queue module.
  const proc = spawn(m.python, args, { cwd: dir, env: pythonEnv(m.site, { MLFLOW_SERVER_ENABLE_JOB_EXECUTION: 'false' }), detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  const keep = (d: Buffer): void => void (output = (output + d.toString()).slice(-20_000));
  proc.stdout?.on('data', keep);
  proc.stderr?.on('data', keep);
  const emergency = (): void => killGroup(proc, 'SIGKILL');
  process.once('exit', emergency);
  const exited = new Promise<void>((r) => proc.once('exit', () => r()));
  const stop = async (): Promise<void> => {
    killGroup(proc, 'SIGTERM');
    await Promise.race([exited, new Promise((r) => setTimeout(r, 10_000))]);
    killGroup(proc, 'SIGKILL'); // gunicorn/uvicorn workers may outlive the parent
    process.removeListener('exit', emergency);
  };
  const url = `http://127.0.0.1:${port}`;
  const end = Date.now() + 90_000;
  for (;;) {
    if (proc.exitCode !== null || proc.signalCode !== null) throw new Error(`the MLflow 3.11 server exited before /health answered:\n${output}`);
    try {
      if ((await fetch(`${url}/health`)).ok) return { url, output: () => output, stop };
    } catch {
      /* not listening yet */
    }
    if (Date.now() > end) {
      await stop();
      throw new Error(`the MLflow 3.11 server did not answer /health within 90 s:\n${output}`);
    }
    await new Promise((r) => setTimeout(r, 250));
  }
}

/** Runs `python3 <script> ...args` with MLflow 3.11 against a tracking URI; rejects with its output on a non-zero exit. */
export function runMlflow3Script(m: Mlflow3, script: string, args: string[], trackingUri: string, cwd: string): Promise<string> {
  return new Promise((done, fail) => {
    const proc = spawn(m.python, [script, ...args], { cwd, env: pythonEnv(m.site, { MLFLOW_TRACKING_URI: trackingUri }), detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    proc.stdout?.on('data', (d: Buffer) => void (out += d.toString()));
    proc.stderr?.on('data', (d: Buffer) => void (out = (out + d.toString()).slice(-50_000)));
    const timer = setTimeout(() => killGroup(proc, 'SIGKILL'), 180_000);
    proc.once('error', fail);
    proc.once('close', (code) => {
      clearTimeout(timer);
      if (code === 0) done(out);
      else fail(new Error(`${script} exited with ${code}:\n${out.slice(-4000)}`));
    });
  });
}
