// The extension host's side of the store worker: failures become the session's error state (a crashed worker
// also frees the store's lock for another window), request traces follow the log level, a stop is graceful.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { SessionState } from '../../extension/server/sessionState';
import { StoreWorker } from '../../extension/server/storeWorkerHost';
import { WorkspaceSession } from '../../extension/server/workspaceSession';
import { TrackingStore } from '../../extension/tracking/store/trackingStore';

const quiet = { info() {}, warn() {}, error() {}, trace() {} };

async function until<T>(what: string, fn: () => T | undefined | false, ms = 10_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = fn();
    if (v) return v;
    if (Date.now() > end) throw new Error(`gave up waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** A stand-in worker that takes the lock and says it serves, then dies of an uncaught error. */
const CRASHING_WORKER = `
const { parentPort, workerData } = require('node:worker_threads');
const { writeFileSync } = require('node:fs');
const { join } = require('node:path');
writeFileSync(join(workerData.storeDir, 'owner.lock'), JSON.stringify({ pid: process.pid, hostname: require('node:os').hostname(), startedAt: 1, host: '127.0.0.1', port: 1, token: workerData.token }));
parentPort.postMessage({ type: 'started', host: '127.0.0.1', port: 1, url: 'http://127.0.0.1:1', token: workerData.token, artifactsDir: join(workerData.storeDir, 'artifacts') });
setTimeout(() => { throw new Error('boom in the store'); }, 100);
`;

test('a worker that dies after starting puts the session in the error state and frees the lock', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'mwb-worker-crash-'));
  const script = join(dir, 'crash.js');
  writeFileSync(script, CRASHING_WORKER);
  const states: SessionState[] = [];
  const errors: string[] = [];
  const s = new WorkspaceSession({ storeDir: dir, port: 0, workerScript: script, log: { ...quiet, error: (m) => errors.push(m) }, onState: (st) => states.push(st) });
  try {
    await s.start();
    assert.equal(s.state.mode, 'owner');
    const failed = await until('the error state', () => (s.state.mode === 'error' ? s.state : undefined));
    assert.match(failed.message, /boom in the store/);
    assert.equal(s.client, undefined, 'no client pointing at a dead server');
    assert.ok(errors.some((e) => /boom in the store/.test(e)), errors.join('\n'));
    assert.equal(existsSync(join(dir, 'owner.lock')), false, 'another window can take the store over');
  } finally {
    await s.stop();
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a store that cannot be opened is the error state with the reason', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'mwb-worker-bad-'));
  const notADir = join(dir, 'file');
  writeFileSync(notADir, 'not a folder');
  const s = new WorkspaceSession({ storeDir: notADir, port: 0, log: quiet });
  try {
    await s.start();
    assert.equal(s.state.mode, 'error');
    assert.match((s.state as Extract<SessionState, { mode: 'error' }>).message, /EEXIST|ENOTDIR|not a directory|file already exists/i);
    await assert.rejects(StoreWorker.start({ storeDir: notADir, port: 0, token: 't' }), /EEXIST|ENOTDIR|not a directory|file already exists/i);
  } finally {
    await s.stop();
    rmSync(dir, { recursive: true, force: true });
  }
});

test('request traces reach the log only while asked for; stop closes the store for the next opener', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'mwb-worker-trace-'));
  const traces: string[] = [];
  const infos: string[] = [];
  const s = new WorkspaceSession({ storeDir: dir, port: 0, traceRequests: true, log: { ...quiet, info: (m) => infos.push(m), trace: (m) => traces.push(m) } });
  try {
    await s.start();
    assert.equal(s.state.mode, 'owner');
    await s.client!.createExperiment('traced');
    await until('a trace of the request', () => traces.some((t) => /^POST \/api\/2\.0\/mlflow\/experiments\/create → 200$/.test(t)));
    s.setTraceRequests(false);
    await new Promise((r) => setTimeout(r, 50)); // the message reaches the worker before the next request
    const before = traces.length;
    await s.client!.createExperiment('untraced');
    await new Promise((r) => setTimeout(r, 300)); // longer than the worker's log flush
    assert.equal(traces.length, before, traces.slice(before).join('\n'));
    assert.ok(infos.some((m) => /listening on http:\/\/127\.0\.0\.1:\d+/.test(m)), infos.join('\n'));

    await s.stop();
    assert.equal(s.state.mode, 'stopped');
    // The worker checkpointed and released the store: this thread can open it, with both experiments.
    const store = await TrackingStore.open({ dir });
    try {
      const names = store.searchExperiments({}).experiments.map((e) => e.name).sort();
      assert.deepEqual(names, ['Default', 'traced', 'untraced']);
    } finally {
      await store.close();
    }
  } finally {
    await s.stop();
    rmSync(dir, { recursive: true, force: true });
  }
});

test('the extension host bundle holds no store: sql.js and the TrackingStore are only in the worker bundle', async () => {
  const { build } = await import('esbuild');
  const root = join(__dirname, '..', '..');
  const inputs = async (entry: string): Promise<string[]> => {
    const r = await build({ entryPoints: [join(root, entry)], bundle: true, platform: 'node', target: 'node20', format: 'cjs', external: ['vscode'], write: false, metafile: true, logLevel: 'silent' });
    return Object.keys(r.metafile.inputs);
  };
  const store = (files: string[]): string[] => files.filter((f) => /node_modules\/sql\.js\/|tracking\/store\/(trackingStore|sqlite|journal)\.ts$/.test(f));
  assert.deepEqual(store(await inputs('extension/extension.ts')), []);
  assert.ok(store(await inputs('extension/server/storeWorker.ts')).length > 0, 'the worker bundle has them (the check can fail)');
});
