// A minimal LSP client for tests: spawns the real server and speaks JSON-RPC over stdio.
// Uses the bundle (dist/language-server.js) when it is up to date, else runs the source via tsx.
import { spawn } from 'node:child_process';
import type { ChildProcessWithoutNullStreams } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { createMessageConnection, IPCMessageReader, IPCMessageWriter, StreamMessageReader, StreamMessageWriter } from 'vscode-languageserver/node';
import type { Diagnostic, InitializeResult, MessageConnection } from 'vscode-languageserver/node';
import { walkFiles } from './helpers';

const ROOT = join(__dirname, '..', '..');
const BUNDLE = join(ROOT, 'dist', 'language-server.js');
const SOURCE = join(ROOT, 'language-server', 'server.ts');

function bundleIsFresh(): boolean {
  if (!existsSync(BUNDLE)) return false;
  const built = statSync(BUNDLE).mtimeMs;
  return walkFiles(join(ROOT, 'language-server')).every((f) => statSync(f).mtimeMs <= built);
}

export class TestClient {
  readonly connection: MessageConnection;
  readonly errors: string[] = [];
  private readonly diagnostics = new Map<string, Array<{ version?: number; diagnostics: Diagnostic[] }>>();
  private readonly waiters: Array<() => void> = [];
  private exited = false;
  readonly usesBundle: boolean;

  private constructor(
    readonly proc: ChildProcessWithoutNullStreams,
    ipc: boolean,
  ) {
    this.usesBundle = proc.spawnargs.includes(BUNDLE);
    this.connection = ipc
      ? createMessageConnection(new IPCMessageReader(proc), new IPCMessageWriter(proc))
      : createMessageConnection(new StreamMessageReader(proc.stdout), new StreamMessageWriter(proc.stdin));
    this.connection.onNotification('textDocument/publishDiagnostics', (p: { uri: string; version?: number; diagnostics: Diagnostic[] }) => {
      const list = this.diagnostics.get(p.uri) ?? [];
      list.push({ version: p.version, diagnostics: p.diagnostics });
      this.diagnostics.set(p.uri, list);
      this.waiters.splice(0).forEach((w) => w());
    });
    this.connection.onNotification('window/logMessage', (p: { type: number; message: string }) => {
      if (p.type === 1) this.errors.push(p.message);
    });
    proc.stderr.on('data', (d: Buffer) => this.errors.push(d.toString()));
    proc.on('exit', () => {
      this.exited = true;
      this.waiters.splice(0).forEach((w) => w());
    });
    this.connection.listen();
  }

  /** Over stdio, or over a Node IPC channel as the extension's LanguageClient (TransportKind.ipc) starts it. */
  static async start(transport: 'stdio' | 'ipc' = 'stdio'): Promise<TestClient> {
    const flag = transport === 'ipc' ? '--node-ipc' : '--stdio';
    const args = bundleIsFresh() ? [BUNDLE, flag] : ['--import', 'tsx', SOURCE, flag];
    const stdio = transport === 'ipc' ? ['pipe', 'pipe', 'pipe', 'ipc'] : 'pipe';
    const client = new TestClient(spawn(process.execPath, args, { cwd: ROOT, stdio: stdio as 'pipe' }), transport === 'ipc');
    client.initializeResult = await client.connection.sendRequest('initialize', { processId: process.pid, rootUri: null, capabilities: {} });
    await client.connection.sendNotification('initialized', {});
    return client;
  }

  initializeResult!: InitializeResult;

  get alive(): boolean {
    return !this.exited && this.proc.exitCode === null;
  }

  async open(uri: string, text: string, languageId = 'yaml', version = 1): Promise<void> {
    await this.connection.sendNotification('textDocument/didOpen', { textDocument: { uri, languageId, version, text } });
  }

  async change(uri: string, text: string, version: number): Promise<void> {
    await this.connection.sendNotification('textDocument/didChange', { textDocument: { uri, version }, contentChanges: [{ text }] });
  }

  async close(uri: string): Promise<void> {
    await this.connection.sendNotification('textDocument/didClose', { textDocument: { uri } });
  }

  /** Waits for diagnostics of `uri` at `version` (or any version when omitted). */
  async diagnosticsFor(uri: string, version?: number, timeoutMs = 10_000): Promise<Diagnostic[]> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = (this.diagnostics.get(uri) ?? []).filter((d) => version === undefined || d.version === version).pop();
      if (found) return found.diagnostics;
      if (!this.alive) throw new Error(`server exited: ${this.errors.join('\n')}`);
      if (Date.now() > deadline) throw new Error(`no diagnostics for ${uri} v${version}`);
      await new Promise<void>((resolve) => {
        this.waiters.push(resolve);
        setTimeout(resolve, 200);
      });
    }
  }

  request<R>(method: string, params: unknown): Promise<R> {
    return this.connection.sendRequest(method, params) as Promise<R>;
  }

  async stop(): Promise<void> {
    if (this.alive) {
      try {
        await this.connection.sendRequest('shutdown');
        await this.connection.sendNotification('exit');
      } catch {
        // already gone
      }
    }
    await new Promise<void>((resolve) => {
      if (!this.alive) return resolve();
      const timer = setTimeout(() => {
        this.proc.kill();
        resolve();
      }, 2000);
      this.proc.on('exit', () => {
        clearTimeout(timer);
        resolve();
      });
    });
    this.connection.dispose();
  }
}
