// Child processes for project runs: finding tools on PATH, capturing short commands (git, docker info, python
// --version) and streaming long ones (environment creation) into the run's output. Process groups, so that a
// stop ends everything a command started.
import { spawn, type ChildProcess } from 'node:child_process';
import { accessSync, constants, statSync } from 'node:fs';
import { delimiter, join } from 'node:path';

export type Env = Readonly<Record<string, string | undefined>>;

/** The executable `name` would run as in a shell with this PATH; undefined when there is none. */
export function which(name: string, env: Env): string | undefined {
  const candidates = name.includes('/') ? [name] : (env.PATH ?? '').split(delimiter).filter(Boolean).map((dir) => join(dir, name));
  for (const c of candidates) {
    try {
      if (!statSync(c).isFile()) continue;
      accessSync(c, constants.X_OK);
      return c;
    } catch {
      /* not here */
    }
  }
  return undefined;
}

export interface Captured {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs a short command to completion; rejects only when it cannot start (ENOENT) or times out. */
export function capture(command: string, args: readonly string[], options: { cwd?: string; env?: Env; timeoutMs?: number; input?: string } = {}): Promise<Captured> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd: options.cwd, env: options.env as NodeJS.ProcessEnv | undefined, stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`${command} ${args.join(' ')} did not finish within ${options.timeoutMs} ms`));
    }, options.timeoutMs ?? 20_000);
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    child.on('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
    // A command that exits without reading its input closes the pipe: that EPIPE is not our failure.
    child.stdin.on('error', () => undefined);
    if (options.input) child.stdin.end(options.input);
    else child.stdin.end();
  });
}

/** Where a streamed process's output goes (the terminal and the run's log). */
export interface OutputSink {
  write(text: string): void;
}

/**
 * A process in its own process group, output streamed to a sink. `stop()` sends SIGTERM to the whole group
 * (what MLflow's cancel does), then SIGKILL if it is still alive after the grace period.
 */
export class GroupProcess {
  readonly child: ChildProcess;
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  private killTimer: NodeJS.Timeout | undefined;
  private ended = false;

  constructor(command: string, args: readonly string[], options: { cwd: string; env: Env; sink: OutputSink; stdin?: 'pipe' | 'ignore' }) {
    this.child = spawn(command, args, {
      cwd: options.cwd,
      env: options.env as NodeJS.ProcessEnv,
      // detached: the child leads a new process group, so a stop reaches its children too.
      detached: true,
      stdio: [options.stdin ?? 'ignore', 'pipe', 'pipe'],
    });
    this.child.stdin?.on('error', () => undefined); // typed input to a process that already ended
    const decoderOut = new TextDecoder();
    const decoderErr = new TextDecoder();
    this.child.stdout!.on('data', (b: Buffer) => options.sink.write(decoderOut.decode(b, { stream: true })));
    this.child.stderr!.on('data', (b: Buffer) => options.sink.write(decoderErr.decode(b, { stream: true })));
    this.exited = new Promise((resolve, reject) => {
      this.child.on('error', (err) => {
        this.ended = true;
        reject(err);
      });
      this.child.on('close', (code, signal) => {
        this.ended = true;
        if (this.killTimer) clearTimeout(this.killTimer);
        resolve({ code, signal });
      });
    });
  }

  /** Writes to the child's stdin when it has one (the terminal forwards typed input). */
  input(text: string): void {
    if (this.child.stdin && !this.child.stdin.destroyed) this.child.stdin.write(text);
  }

  stop(graceMs = 5000): void {
    if (this.ended || this.child.pid === undefined) return;
    this.signal('SIGTERM');
    this.killTimer ??= setTimeout(() => this.signal('SIGKILL'), graceMs);
  }

  private signal(sig: NodeJS.Signals): void {
    try {
      process.kill(-this.child.pid!, sig);
    } catch {
      // The group is gone already (or never formed): fall back to the child itself.
      try {
        this.child.kill(sig);
      } catch {
        /* gone */
      }
    }
  }
}

/** Runs a command in its own group, streaming output; resolves with the exit code. */
export async function streamed(command: string, args: readonly string[], options: { cwd: string; env: Env; sink: OutputSink; register?: (p: GroupProcess) => void }): Promise<number | null> {
  const p = new GroupProcess(command, args, options);
  options.register?.(p);
  const { code } = await p.exited;
  return code;
}
