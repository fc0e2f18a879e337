// Test support: runs the real `mlflow-workbench server` CLI as a child process on a fresh temp store.
//
// The CLI is bundled from the current sources (extension/cli/main.ts) with the same esbuild options as
// scripts/build.mjs, into a private temp folder once per test process, so tests never run a stale or
// half-written dist/ (other test files build concurrently). Set MWB_CLI=/path/to/cli.js to test a given
// bundle instead (e.g. MWB_CLI=dist/cli.js after `node scripts/build.mjs`).
import { spawn, type ChildProcess } from 'node:child_process';
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

export const REPO_ROOT = resolve(__dirname, '..', '..');

export interface CliServer {
  /** The tracking URI printed by the CLI, e.g. `http://127.0.0.1:41159`. */
  readonly url: string;
  readonly port: number;
  readonly token: string;
  /** The store folder passed as --store. */
  readonly storeDir: string;
  /** The temp folder holding the store (and free for test files beside it); removed by stop(). */
  readonly tempDir: string;
  readonly proc: ChildProcess;
  /** Everything the process printed so far. */
  stdout(): string;
  stderr(): string;
  /**
   * SIGTERM (SIGKILL after a grace period) and the exit code; then removes the temp folder unless `keep` is set
   * (a kept folder is still removed by a later stop() or when the test process exits). Idempotent.
   */
  stop(opts?: { keep?: boolean }): Promise<number | null>;
  /** SIGKILL, like a crash; the store is left on disk for inspection (stop() still removes it). */
  kill9(): Promise<void>;
}

export interface StartOptions {
  /** Defaults to a random token. Pass `null` to start without --token. */
  token?: string | null;
  /** Reuse a store folder (e.g. to reopen after kill9); defaults to `<fresh temp>/store`. */
  storeDir?: string;
  /** Extra CLI arguments. */
  args?: string[];
  startTimeoutMs?: number;
}

let bundling: Promise<string> | undefined;
const cleanups = new Set<() => void>();
process.once('exit', () => {
  for (const c of cleanups) c();
});

/** The path of a CLI bundle built from the current sources (once per process), or $MWB_CLI. */
export function cliBundle(): Promise<string> {
  if (process.env.MWB_CLI) return Promise.resolve(resolve(REPO_ROOT, process.env.MWB_CLI));
  bundling ??= (async () => {
    const { build } = await import('esbuild');
    const outDir = mkdtempSync(join(tmpdir(), 'mwb-cli-bundle-'));
    cleanups.add(() => rmSync(outDir, { recursive: true, force: true }));
    const outfile = join(outDir, 'cli.js');
    await build({
      entryPoints: [join(REPO_ROOT, 'extension/cli/main.ts')],
      outfile,
      bundle: true,
      platform: 'node',
      target: 'node20',
      format: 'cjs',
      sourcemap: true,
      logLevel: 'silent',
    });
    // sql.js loads its wasm from beside the bundle, as in dist/.
    copyFileSync(join(REPO_ROOT, 'node_modules/sql.js/dist/sql-wasm.wasm'), join(outDir, 'sql-wasm.wasm'));
    return outfile;
  })();
  return bundling;
}

function waitForExit(proc: ChildProcess, timeoutMs: number): Promise<number | null> {
  if (proc.exitCode !== null || proc.signalCode !== null) return Promise.resolve(proc.exitCode);
  return new Promise((resolveExit) => {
    const timer = setTimeout(() => resolveExit(null), timeoutMs);
    proc.once('exit', (code) => {
      clearTimeout(timer);
      resolveExit(code);
    });
  });
}

/** Runs the CLI to completion (for argument errors and the like). */
export async function runCli(args: string[], timeoutMs = 20_000): Promise<{ code: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string }> {
  const cli = await cliBundle();
  const proc = spawn(process.execPath, [cli, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  proc.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
  proc.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
  const kill = (): void => void proc.kill('SIGKILL');
  cleanups.add(kill);
  try {
    return await new Promise((resolveRun, reject) => {
      const timer = setTimeout(() => {
        proc.kill('SIGKILL');
        reject(new Error(`CLI ${args.join(' ')} did not exit within ${timeoutMs} ms.\nstdout: ${stdout}\nstderr: ${stderr}`));
      }, timeoutMs);
      proc.once('error', reject);
      proc.once('close', (code, signal) => {
        clearTimeout(timer);
        resolveRun({ code, signal, stdout, stderr });
      });
    });
  } finally {
    cleanups.delete(kill);
  }
}

/** Starts `server --store <dir> --host 127.0.0.1 --port 0 --token <t>` and waits for its `Tracking URI:` line. */
export async function startCliServer(options: StartOptions = {}): Promise<CliServer> {
  const cli = await cliBundle();
  const tempDir = mkdtempSync(join(tmpdir(), 'mwb-server-test-'));
  const storeDir = options.storeDir ?? join(tempDir, 'store');
  const token = options.token === undefined ? `tok-${Math.random().toString(36).slice(2)}${Date.now().toString(36)}` : options.token;
  const args = [cli, 'server', '--store', storeDir, '--host', '127.0.0.1', '--port', '0'];
  if (token !== null) args.push('--token', token);
  args.push(...(options.args ?? []));
  const proc = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  proc.stdout!.setEncoding('utf8').on('data', (d: string) => (stdout += d));
  proc.stderr!.setEncoding('utf8').on('data', (d: string) => (stderr += d));

  let removed = false;
  const removeTemp = (): void => {
    if (removed) return;
    removed = true;
    rmSync(tempDir, { recursive: true, force: true });
  };
  const emergency = (): void => {
    if (proc.exitCode === null && proc.signalCode === null) proc.kill('SIGKILL');
    removeTemp();
  };
  cleanups.add(emergency);

  let url: string;
  try {
    url = await new Promise<string>((resolveUrl, reject) => {
      const timer = setTimeout(() => reject(new Error(`server did not print its Tracking URI within ${options.startTimeoutMs ?? 20_000} ms`)), options.startTimeoutMs ?? 20_000);
      const onData = (): void => {
        const m = /^Tracking URI: (http:\/\/\S+)\s*$/m.exec(stdout);
        if (m) {
          clearTimeout(timer);
          proc.stdout!.off('data', onData);
          resolveUrl(m[1]);
        }
      };
      proc.stdout!.on('data', onData);
      proc.once('exit', (code, signal) => {
        clearTimeout(timer);
        reject(new Error(`server exited (code ${code}, signal ${signal}) before printing its Tracking URI`));
      });
      proc.once('error', reject);
    });
  } catch (err) {
    emergency();
    cleanups.delete(emergency);
    throw new Error(`${(err as Error).message}\nstdout: ${stdout}\nstderr: ${stderr}`, { cause: err });
  }

  const port = Number(new URL(url).port);
  let terminating: Promise<number | null> | undefined;
  return {
    url,
    port,
    token: token ?? '',
    storeDir,
    tempDir,
    proc,
    stdout: () => stdout,
    stderr: () => stderr,
    async stop(opts) {
      terminating ??= (async () => {
        if (proc.exitCode !== null || proc.signalCode !== null) return proc.exitCode;
        proc.kill('SIGTERM');
        const code = await waitForExit(proc, 10_000);
        if (proc.exitCode === null && proc.signalCode === null) {
          proc.kill('SIGKILL');
          await waitForExit(proc, 5_000);
        }
        return code;
      })();
      const code = await terminating;
      if (!opts?.keep) {
        removeTemp();
        cleanups.delete(emergency);
      }
      return code;
    },
    async kill9() {
      if (proc.exitCode === null && proc.signalCode === null) {
        proc.kill('SIGKILL');
        await waitForExit(proc, 5_000);
      }
    },
  };
}
