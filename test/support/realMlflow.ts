// Test support: the REAL MLflow Python packages (/work/shared/mlflow-3.11, /work/shared/mlflow-2.7.1; test tools,
// never shipped): find them, start `mlflow server` on a free port over a temp sqlite store, run a Python script
// with MLFLOW_TRACKING_URI pointing at any server. Tests skip with one line when a package or Python is absent.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const PYTHON = process.env.MWB_PYTHON ?? '/usr/bin/python3';

export interface MlflowPackage {
  version: '3.11' | '2.7.1';
  /** What goes on PYTHONPATH. */
  site: string;
}

/** The package, or a one-line reason to skip. Env: MLFLOW_311_SITE / MLFLOW_271_SITE name other folders. */
export function findMlflow(version: '3.11' | '2.7.1'): MlflowPackage | string {
  const site =
    version === '3.11'
      ? process.env.MLFLOW_311_SITE ?? resolve('/work/shared/mlflow-3.11/site')
      : process.env.MLFLOW_271_SITE ?? resolve('/work/shared/mlflow-2.7.1');
  if (!existsSync(join(site, 'mlflow'))) return `MLflow ${version} not found at ${site} (set ${version === '3.11' ? 'MLFLOW_311_SITE' : 'MLFLOW_271_SITE'})`;
  const check = spawnSync(PYTHON, ['-c', 'import mlflow'], { env: pyEnv(site), encoding: 'utf8', timeout: 60_000 });
  if (check.status !== 0) return `Python cannot import MLflow ${version} (${PYTHON}): ${(check.stderr || check.error?.message || '').trim().split('\n').pop()}`;
  return { version, site };
}

function pyEnv(site: string, extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, PYTHONPATH: site, MLFLOW_DISABLE_TELEMETRY: 'true', DO_NOT_TRACK: 'true', ...extra };
  delete env.MLFLOW_TRACKING_URI;
  delete env.MLFLOW_TRACKING_TOKEN;
  return env;
}

function freePort(): Promise<number> {
  return new Promise((done, fail) => {
    const s = createServer();
    s.once('error', fail);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => done(port));
    });
  });
}

export interface RealServer {
  url: string;
  dir: string;
  stop(): Promise<void>;
}

/** `mlflow server` over a fresh sqlite store and artifact folder; resolves once /health answers. */
export async function startMlflowServer(pkg: MlflowPackage, timeoutMs = 90_000): Promise<RealServer> {
  const dir = mkdtempSync(join(tmpdir(), `mwb-mlflow${pkg.version}-`));
  const port = await freePort();
  const args = ['-m', 'mlflow', 'server', '--backend-store-uri', `sqlite:///${join(dir, 'mlflow.db')}`, '--artifacts-destination', join(dir, 'artifacts'), '--host', '127.0.0.1', '--port', String(port)];
  if (pkg.version === '2.7.1') args.push('--workers', '1');
  const proc: ChildProcess = spawn(PYTHON, args, { env: pyEnv(pkg.site, { MLFLOW_SERVER_ENABLE_JOB_EXECUTION: 'false' }), stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  let log = '';
  proc.stdout?.on('data', (d: Buffer) => (log += d.toString()));
  proc.stderr?.on('data', (d: Buffer) => (log += d.toString()));
  const url = `http://127.0.0.1:${port}`;
  const stop = async (): Promise<void> => {
    if (proc.exitCode === null && proc.pid) {
      const exited = new Promise((r) => proc.once('exit', r));
      try {
        process.kill(-proc.pid, 'SIGTERM'); // the server's own workers are in its process group
      } catch {
        /* gone */
      }
      await Promise.race([exited, new Promise((r) => setTimeout(r, 5000))]);
      if (proc.exitCode === null) {
        try {
          process.kill(-proc.pid, 'SIGKILL');
        } catch {
          /* gone */
        }
      }
    }
    rmSync(dir, { recursive: true, force: true });
  };
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (proc.exitCode !== null) break;
    try {
      if ((await fetch(`${url}/health`)).ok) return { url, dir, stop };
    } catch {
      /* not yet */
    }
    await new Promise((r) => setTimeout(r, 300));
  }
  await stop();
  throw new Error(`MLflow ${pkg.version} server did not start on ${url}:\n${log.slice(-2000)}`);
}

/** Runs a Python script (test/support/<name>) against a tracking URI; returns the JSON on its `RESULT ` line. */
export function runPython<T>(pkg: MlflowPackage, script: string, trackingUri: string, args: string[] = [], timeoutMs = 180_000): Promise<T> {
  return new Promise((done, fail) => {
    const proc = spawn(PYTHON, [resolve(__dirname, script), ...args], {
      env: { ...pyEnv(pkg.site), MLFLOW_TRACKING_URI: trackingUri },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    proc.stdout.on('data', (d: Buffer) => (out += d.toString()));
    proc.stderr.on('data', (d: Buffer) => (err += d.toString()));
    const timer = setTimeout(() => proc.kill('SIGKILL'), timeoutMs);
    proc.on('exit', (code) => {
      clearTimeout(timer);
      const line = out.split('\n').find((l) => l.startsWith('RESULT '));
      if (code !== 0 || !line) fail(new Error(`${script} exited ${code}:\n${err.slice(-3000)}`));
      else done(JSON.parse(line.slice(7)) as T);
    });
  });
}
