// Test support: the real MLflow Python packages (3.11 and 2.7.1, test tools in ../shared, never shipped) as
// client and as server, and a recording HTTP proxy to put between them.
//
// - `realMlflow(line)`: where that MLflow is (MLFLOW3_SITE / MLFLOW2_SITE, else ../shared/... beside the repo)
//   and whether Debian's python3 imports it; else a one-line reason for `{ skip }`. Probed once per process.
// - `startRealMlflowServer(line)`: `python3 -m mlflow server` on a free loopback port over a temp sqlite store,
//   in its own process group (gunicorn/uvicorn workers die with it), ready once /health answers.
// - `runPython(line, script, …)`: a script with that MLflow first on PYTHONPATH, telemetry off, pointed at a
//   tracking URI (and token).
// - `startRecordingProxy(target)`: forwards every request unchanged and records method, path, query, status
//   and bodies (JSON parsed, gzip undone), so the answers of two servers to the same client can be compared.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, request, type IncomingHttpHeaders, type Server } from 'node:http';
import { createServer as createNetServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { gunzipSync, inflateSync } from 'node:zlib';
import { REPO_ROOT } from './cliServer';

export type MlflowLine = '3.11' | '2.7.1';

export interface RealMlflow {
  readonly line: MlflowLine;
  /** The folder put first on PYTHONPATH. */
  readonly site: string;
  readonly python: string;
  /** `mlflow.__version__` as imported. */
  readonly version: string;
}

const SITES: Record<MlflowLine, { envVar: string; fallback: string }> = {
  '3.11': { envVar: 'MLFLOW3_SITE', fallback: '../shared/mlflow-3.11/site' },
  '2.7.1': { envVar: 'MLFLOW2_SITE', fallback: '../shared/mlflow-2.7.1' },
};

const probed = new Map<MlflowLine, RealMlflow | string>();

/** Debian's interpreter (the packages both READMEs list are installed for it), else python3 on PATH. */
function pythonBinary(): string {
  return existsSync('/usr/bin/python3') ? '/usr/bin/python3' : 'python3';
}

/** The real MLflow of that line, or the one-line reason it cannot be used here (for `{ skip }`). */
export function realMlflow(line: MlflowLine): RealMlflow | string {
  let found = probed.get(line);
  if (found === undefined) {
    found = probe(line);
    probed.set(line, found);
  }
  return found;
}

/** `{ skip: reason }` when that MLflow is unusable here, else `{}`: spread into a test's options. */
export function skipUnlessMlflow(line: MlflowLine): { skip?: string } {
  const m = realMlflow(line);
  return typeof m === 'string' ? { skip: m } : {};
}

function probe(line: MlflowLine): RealMlflow | string {
  const { envVar, fallback } = SITES[line];
  const site = resolve(REPO_ROOT, process.env[envVar] || fallback);
  if (!existsSync(join(site, 'mlflow'))) return `MLflow ${line} not found at ${site} (set ${envVar})`;
  const python = pythonBinary();
  const r = spawnSync(python, ['-c', 'import mlflow, sklearn; print(mlflow.__version__)'], {
    env: pythonEnv(site, {}),
    encoding: 'utf8',
    timeout: 60_000,
  });
  if (r.error) return `${python} cannot run: ${r.error.message}`;
  if (r.status !== 0) {
    const last = (r.stderr || '').trim().split('\n').pop() ?? '';
    return `${python} cannot import MLflow ${line} from ${site}: ${last}`;
  }
  const version = r.stdout.trim();
  if (!version.startsWith(line === '3.11' ? '3.11' : '2.7.1')) return `MLflow at ${site} is ${version}, not ${line}`;
  return { line, site, python, version };
}

function pythonEnv(site: string, extra: Record<string, string>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env };
  // A tracking setting of the developer's shell must not leak into a test.
  for (const k of Object.keys(env)) if (k.startsWith('MLFLOW_')) delete env[k];
  return {
    ...env,
    PYTHONPATH: site,
    MLFLOW_DISABLE_TELEMETRY: 'true',
    DO_NOT_TRACK: 'true',
    PYTHONDONTWRITEBYTECODE: '1',
    PYTHONUNBUFFERED: '1',
    ...extra,
  };
}

function usable(line: MlflowLine): RealMlflow {
  const m = realMlflow(line);
  if (typeof m === 'string') throw new Error(m);
  return m;
}

// ---- child processes, killed with their whole group even when a test fails ------------------------------

const cleanups = new Set<() => void>();
process.once('exit', () => {
  for (const c of cleanups) c();
});

function killGroup(proc: ChildProcess, signal: NodeJS.Signals): void {
  if (proc.pid === undefined) return;
  try {
    process.kill(-proc.pid, signal);
  } catch {
    // the group is gone already
  }
}

function exited(proc: ChildProcess, timeoutMs: number): Promise<boolean> {
  if (proc.exitCode !== null || proc.signalCode !== null) return Promise.resolve(true);
  return new Promise((done) => {
    const timer = setTimeout(() => done(false), timeoutMs);
    proc.once('exit', () => {
      clearTimeout(timer);
      done(true);
    });
  });
}

/** A free loopback port (asked of the kernel, then released for the server to bind). */
export function freePort(): Promise<number> {
  return new Promise((done, fail) => {
    const s = createNetServer();
    s.once('error', fail);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => done(port));
    });
  });
}

export interface RealServer {
  readonly url: string;
  readonly tempDir: string;
  output(): string;
  /** SIGTERM to the process group, SIGKILL after a grace period; removes the temp folder. Idempotent. */
  stop(): Promise<void>;
}

export async function startRealMlflowServer(line: MlflowLine, opts: { startTimeoutMs?: number } = {}): Promise<RealServer> {
  const m = usable(line);
  const tempDir = mkdtempSync(join(tmpdir(), `mwb-real-mlflow-${line}-`));
  const port = await freePort();
  const args = ['-m', 'mlflow', 'server', '--backend-store-uri', `sqlite:///${tempDir}/mlflow.db`, '--artifacts-destination', `${tempDir}/artifacts`, '--host', '127.0.0.1', '--port', String(port)];
  if (line === '2.7.1') args.push('--serve-artifacts', '--workers', '1');
  else args.push('--workers', '1');
  // 3.11 loops on a missing job-queue module unless job execution is off.
  const proc = spawn(m.python, args, { cwd: tempDir, env: pythonEnv(m.site, { MLFLOW_SERVER_ENABLE_JOB_EXECUTION: 'false' }), detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  proc.stdout!.setEncoding('utf8').on('data', (d: string) => (output = (output + d).slice(-20_000)));
  proc.stderr!.setEncoding('utf8').on('data', (d: string) => (output = (output + d).slice(-20_000)));
  let removed = false;
  const emergency = (): void => {
    killGroup(proc, 'SIGKILL');
    if (!removed) rmSync(tempDir, { recursive: true, force: true });
    removed = true;
  };
  cleanups.add(emergency);
  let stopping: Promise<void> | undefined;
  const server: RealServer = {
    url: `http://127.0.0.1:${port}`,
    tempDir,
    output: () => output,
    stop() {
      stopping ??= (async () => {
        killGroup(proc, 'SIGTERM');
        if (!(await exited(proc, 10_000))) {
          killGroup(proc, 'SIGKILL');
          await exited(proc, 5_000);
        }
        // workers may outlive the parent briefly: the group gets the last word
        killGroup(proc, 'SIGKILL');
        rmSync(tempDir, { recursive: true, force: true });
        removed = true;
        cleanups.delete(emergency);
      })();
      return stopping;
    },
  };
  const deadline = Date.now() + (opts.startTimeoutMs ?? 90_000);
  while (true) {
    if (proc.exitCode !== null || proc.signalCode !== null) {
      await server.stop();
      throw new Error(`MLflow ${line} server exited (${proc.exitCode ?? proc.signalCode}) before /health answered:\n${output}`);
    }
    if (await healthy(server.url)) return server;
    if (Date.now() > deadline) {
      await server.stop();
      throw new Error(`MLflow ${line} server did not answer /health within ${opts.startTimeoutMs ?? 90_000} ms:\n${output}`);
    }
    await new Promise((r) => setTimeout(r, 250));
  }
}

function healthy(url: string): Promise<boolean> {
  return new Promise((done) => {
    const req = request(`${url}/health`, { timeout: 2_000 }, (res) => {
      res.resume();
      done(res.statusCode === 200);
    });
    req.on('error', () => done(false));
    req.on('timeout', () => req.destroy());
    req.end();
  });
}

export interface PythonResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/**
 * Runs `python3 <script> ...args` with that MLflow, telemetry off, MLFLOW_TRACKING_URI (and the token) set,
 * in `cwd` (default: a temp folder removed afterwards). Killed with its group after `timeoutMs`.
 */
export async function runPython(
  line: MlflowLine,
  script: string,
  opts: { trackingUri: string; token?: string; args?: string[]; env?: Record<string, string>; cwd?: string; timeoutMs?: number },
): Promise<PythonResult> {
  const m = usable(line);
  const cwd = opts.cwd ?? mkdtempSync(join(tmpdir(), `mwb-py-${line}-`));
  const extra: Record<string, string> = { MLFLOW_TRACKING_URI: opts.trackingUri, ...(opts.env ?? {}) };
  if (opts.token) extra.MLFLOW_TRACKING_TOKEN = opts.token;
  const proc = spawn(m.python, [script, ...(opts.args ?? [])], { cwd, env: pythonEnv(m.site, extra), detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  proc.stdout!.setEncoding('utf8').on('data', (d: string) => (stdout += d));
  proc.stderr!.setEncoding('utf8').on('data', (d: string) => (stderr = (stderr + d).slice(-200_000)));
  const kill = (): void => killGroup(proc, 'SIGKILL');
  cleanups.add(kill);
  const timeoutMs = opts.timeoutMs ?? 120_000;
  try {
    const code = await new Promise<number | null>((done, fail) => {
      const timer = setTimeout(() => {
        kill();
        fail(new Error(`${script} did not finish within ${timeoutMs} ms\nstdout: ${stdout.slice(-4000)}\nstderr: ${stderr.slice(-4000)}`));
      }, timeoutMs);
      proc.once('error', fail);
      proc.once('close', (c) => {
        clearTimeout(timer);
        done(c);
      });
    });
    return { code, stdout, stderr };
  } finally {
    kill();
    cleanups.delete(kill);
    if (!opts.cwd) rmSync(cwd, { recursive: true, force: true });
  }
}

/** The JSON a script printed on its last line starting with `marker` (the workflow scripts' results). */
export function markedJson<T>(stdout: string, marker = 'RESULTS '): T {
  const line = stdout.split('\n').reverse().find((l) => l.startsWith(marker));
  if (line === undefined) throw new Error(`no "${marker.trim()}" line in the script's output:\n${stdout.slice(-4000)}`);
  return JSON.parse(line.slice(marker.length)) as T;
}

// ---- the recording proxy -----------------------------------------------------------------------------

export interface Exchange {
  /** Order in which the answers completed. */
  readonly seq: number;
  readonly method: string;
  readonly path: string;
  /** Query parameters in order (a repeated key appears repeatedly). */
  readonly query: [string, string][];
  /** Parsed JSON, else `{ '<text>': text }` for short text, else `{ '<bytes>': size }`; undefined for an empty body. */
  readonly requestBody: unknown;
  readonly status: number;
  readonly contentType: string;
  readonly responseBody: unknown;
}

export interface RecordingProxy {
  readonly url: string;
  readonly exchanges: Exchange[];
  close(): Promise<void>;
}

/** A body as recorded: parsed when it is JSON, its text when short text, else its size. */
function recordBody(raw: Buffer, headers: IncomingHttpHeaders): unknown {
  let body = raw;
  const enc = headers['content-encoding'];
  try {
    if (enc === 'gzip') body = gunzipSync(raw);
    else if (enc === 'deflate') body = inflateSync(raw);
  } catch {
    return { '<bytes>': raw.length, '<undecodable>': enc };
  }
  if (body.length === 0) return undefined;
  const text = body.toString('utf8');
  const ct = String(headers['content-type'] ?? '');
  if (ct.includes('json') || /^\s*[[{]/.test(text)) {
    try {
      return JSON.parse(text);
    } catch {
      // not JSON after all
    }
  }
  const binary = body.some((b) => b < 0x09 || (b > 0x0d && b < 0x20)) || Buffer.byteLength(text) !== body.length;
  return binary || body.length > 4096 ? { '<bytes>': body.length } : { '<text>': text };
}

export function startRecordingProxy(target: string): Promise<RecordingProxy> {
  const t = new URL(target);
  const exchanges: Exchange[] = [];
  let seq = 0;
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const reqBody = Buffer.concat(chunks);
      const headers = { ...req.headers, host: t.host };
      const up = request({ host: t.hostname, port: t.port, method: req.method, path: req.url, headers }, (upRes) => {
        const rc: Buffer[] = [];
        upRes.on('data', (c: Buffer) => rc.push(c));
        upRes.on('end', () => {
          const resBody = Buffer.concat(rc);
          const url = new URL(req.url ?? '/', 'http://x');
          exchanges.push({
            seq: seq++,
            method: req.method ?? '',
            path: url.pathname,
            query: [...url.searchParams.entries()],
            requestBody: recordBody(reqBody, req.headers),
            status: upRes.statusCode ?? 0,
            contentType: String(upRes.headers['content-type'] ?? ''),
            responseBody: recordBody(resBody, upRes.headers),
          });
          res.writeHead(upRes.statusCode ?? 502, upRes.headers);
          res.end(resBody);
        });
      });
      up.on('error', (e) => {
        res.writeHead(502, { 'content-type': 'text/plain' });
        res.end(`proxy: ${e.message}`);
      });
      up.end(reqBody);
    });
  });
  return new Promise((done) => {
    server.listen(0, '127.0.0.1', () => {
      const port = (server.address() as { port: number }).port;
      done({
        url: `http://127.0.0.1:${port}`,
        exchanges,
        close: () =>
          new Promise<void>((closed) => {
            server.closeAllConnections();
            server.close(() => closed());
          }),
      });
    });
  });
}

/** With MWB_COMPAT_DUMP=<dir>, writes both sides' recorded exchanges there as JSON (for reading a failure). */
export function dumpExchanges(name: string, ours: Exchange[], theirs: Exchange[]): void {
  const dir = process.env.MWB_COMPAT_DUMP;
  if (!dir) return;
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, `${name}-ours.json`), JSON.stringify(ours, null, 1));
  writeFileSync(join(dir, `${name}-mlflow.json`), JSON.stringify(theirs, null, 1));
}
