// Store lifecycle across windows, with real stores and servers: the first session owns and serves the store,
// a second one becomes its REST client, and takes over (same port and token) when the owner stops.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { RestClient } from '../../extension/client/restClient';
import type { SessionState } from '../../extension/server/sessionState';
import { WorkspaceSession, type SessionOptions } from '../../extension/server/workspaceSession';
import { startCliServer } from '../support/cliServer';

const quiet = { info() {}, warn() {}, error() {}, trace() {} };

function session(storeDir: string, extra: Partial<SessionOptions> = {}): { s: WorkspaceSession; states: SessionState[]; writes: () => number } {
  const states: SessionState[] = [];
  let writes = 0;
  const s = new WorkspaceSession({
    storeDir,
    port: 0,
    log: quiet,
    monitorIntervalMs: 50,
    onState: (st) => states.push(st),
    onWrite: () => writes++,
    ...extra,
  });
  return { s, states, writes: () => writes };
}

async function until<T>(what: string, fn: () => T | undefined | false, ms = 10_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = fn();
    if (v) return v;
    if (Date.now() > end) throw new Error(`gave up waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

test('the first session owns the store and publishes its server in the lock; the second is its client', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'mwb-session-'));
  const a = session(join(dir, '.mlflow'));
  const b = session(join(dir, '.mlflow'));
  try {
    await a.s.start();
    assert.equal(a.s.state.mode, 'owner');
    const owner = a.s.state as Extract<SessionState, { mode: 'owner' }>;
    const lock = JSON.parse(readFileSync(join(dir, '.mlflow', 'owner.lock'), 'utf8'));
    assert.equal(`http://${lock.host}:${lock.port}`, owner.uri);
    assert.equal(lock.token, owner.token);
    assert.equal(a.s.pushesWrites, true);

    await b.s.start();
    assert.equal(b.s.state.mode, 'client');
    assert.equal((b.s.state as Extract<SessionState, { mode: 'client' }>).uri, owner.uri);
    assert.equal(b.s.pushesWrites, false);

    // A write through the client lands in the owner's store, and the owner hears about it (live refresh).
    const before = a.writes();
    const id = await b.s.client!.createExperiment('from-the-second-window');
    assert.equal((await a.s.client!.getExperiment(id)).name, 'from-the-second-window');
    await until('the owner to see the write', () => a.writes() > before);
  } finally {
    await b.s.stop();
    await a.s.stop();
    rmSync(dir, { recursive: true, force: true });
  }
});

test('when the owner goes away the client takes over on the same port and token, keeping every run', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'mwb-takeover-'));
  const storeDir = join(dir, '.mlflow');
  const a = session(storeDir);
  const b = session(storeDir);
  try {
    await a.s.start();
    await b.s.start();
    const { uri, token } = a.s.state as Extract<SessionState, { mode: 'owner' }>;
    const exp = await b.s.client!.createExperiment('survives');
    // A training script in a terminal of this window: it only knows the URI and token it was started with.
    const created = await fetch(`${uri}/api/2.0/mlflow/runs/create`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${token}` },
      body: JSON.stringify({ experiment_id: exp }),
    });
    const run = ((await created.json()) as { run: { info: { run_id: string } } }).run;

    await a.s.stop();
    await until('the takeover', () => b.s.state.mode === 'owner');
    const now = b.s.state as Extract<SessionState, { mode: 'owner' }>;
    assert.equal(now.uri, uri, 'same URI: terminals opened before the takeover keep logging');
    assert.equal(now.token, token);
    // The script still logs after the takeover, with the URI and token it had.
    const script = new RestClient({ baseUri: uri, token });
    await script.setRunTag(run.info.run_id, 'after', 'takeover');
    const seen = await b.s.client!.getRun(run.info.run_id);
    assert.equal(seen.data.tags?.find((t) => t.key === 'after')?.value, 'takeover');
    assert.equal((await b.s.client!.getExperiment(exp)).name, 'survives');
    // While the owner checkpoints on its way out, the client may briefly wait; it never errs.
    const modes = b.states.map((s) => s.mode);
    assert.equal(modes[0], 'client');
    assert.equal(modes.at(-1), 'owner');
    assert.ok(modes.every((m) => m === 'client' || m === 'waiting' || m === 'owner'), modes.join(' → '));
  } finally {
    await b.s.stop();
    await a.s.stop();
    rmSync(dir, { recursive: true, force: true });
  }
});

test('when the owning process crashes (kill -9, its lock left behind) the client takes over and nothing acknowledged is lost', async () => {
  // The owner is another process: the real CLI server, as another VS Code window would be.
  const cli = await startCliServer();
  const b = session(cli.storeDir);
  try {
    await b.s.start();
    assert.deepEqual([b.s.state.mode, (b.s.state as { uri?: string }).uri], ['client', cli.url]);
    const exp = await b.s.client!.createExperiment('before-the-crash');
    await cli.kill9();
    await until('the takeover', () => b.s.state.mode === 'owner');
    const now = b.s.state as Extract<SessionState, { mode: 'owner' }>;
    assert.equal(now.uri, cli.url, 'same port');
    assert.equal(now.token, cli.token, 'same token');
    assert.equal((await b.s.client!.getExperiment(exp)).name, 'before-the-crash');
    assert.equal(JSON.parse(readFileSync(join(cli.storeDir, 'owner.lock'), 'utf8')).pid, process.pid);
  } finally {
    await b.s.stop();
    await cli.stop();
  }
});

test('a remote tracking URI uses no local store at all', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'mwb-remote-'));
  const owner = session(join(dir, 'team-server'));
  try {
    await owner.s.start();
    const { uri, token } = owner.s.state as Extract<SessionState, { mode: 'owner' }>;
    const remote = session(join(dir, 'never-created'), { remoteUri: uri, remoteToken: token });
    await remote.s.start();
    assert.deepEqual(remote.s.state, { mode: 'remote', uri, token });
    const id = await remote.s.client!.createExperiment('shared');
    assert.equal((await owner.s.client!.getExperiment(id)).name, 'shared');
    assert.throws(() => readFileSync(join(dir, 'never-created', 'owner.lock')));
    await remote.s.stop();
  } finally {
    await owner.s.stop();
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a malformed remote URI is an error state, not a crash', async () => {
  const bad = session('/nonexistent', { remoteUri: 'ftp://example.invalid' });
  await bad.s.start();
  assert.equal(bad.s.state.mode, 'error');
  assert.match((bad.s.state as Extract<SessionState, { mode: 'error' }>).message, /Unsupported tracking URI scheme/);
});
