// `npm run bench`: measures, in one run on this machine, the figures issue #2 asks for and prints each beside
// its target. The server runs as the real CLI in its own process; the client is this process.
// `npm run bench -- --scale [--points N]` runs only issue #12's store-at-scale figures (bench/scale.ts).
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadSqlJs } from '../extension/tracking/store/sqlite';
import { MIGRATIONS } from '../extension/tracking/store/schema';
import { TrackingStore } from '../extension/tracking/store/trackingStore';
import { benchScale } from './scale';

const root = join(__dirname, '..');
const work = mkdtempSync(join(tmpdir(), 'mwb-bench-'));
type BenchRows = Array<{ name: string; value: string; target?: string; ok?: boolean }>;
const results: BenchRows = [];

function report(name: string, value: string, target?: string, ok?: boolean): void {
  results.push({ name, value, target, ok });
  const mark = ok === undefined ? '' : ok ? '  PASS' : '  MISS';
  console.log(`${name.padEnd(58)} ${value.padStart(22)}${target ? `   target ${target}` : ''}${mark}`);
}

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const pct = (xs: number[], p: number): number => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(xs.length * p))];
const fmt = (n: number, digits = 0): string => n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });

// ---- 1. the ceiling: raw sql.js inserts into the same compact metrics table ---------------------------
async function rawInsertCeiling(): Promise<number> {
  const SQL = await loadSqlJs();
  const db = new SQL.Database();
  db.exec(MIGRATIONS[0]);
  const stmt = db.prepare('INSERT INTO metrics(run_id, key_id, step, timestamp, value, is_nan) VALUES (?, ?, ?, ?, ?, 0)');
  const rows = 500_000;
  const t0 = performance.now();
  db.exec('BEGIN');
  for (let i = 0; i < rows; i++) stmt.run([i % 100, 1 + (i % 5), i, 1_700_000_000_000 + i, Math.random()]);
  db.exec('COMMIT');
  const rate = rows / ((performance.now() - t0) / 1000);
  stmt.free();
  db.close();
  return rate;
}

async function mlflowLayoutRate(): Promise<number> {
  const SQL = await loadSqlJs();
  const db = new SQL.Database();
  db.exec(`CREATE TABLE metrics (key VARCHAR(250) NOT NULL, value FLOAT NOT NULL, timestamp BIGINT NOT NULL, run_uuid VARCHAR(32) NOT NULL,
    step BIGINT DEFAULT '0' NOT NULL, is_nan BOOLEAN DEFAULT '0' NOT NULL, PRIMARY KEY (key, timestamp, step, run_uuid, value, is_nan));
    CREATE INDEX index_metrics_run_uuid ON metrics (run_uuid);`);
  const stmt = db.prepare('INSERT INTO metrics(key, value, timestamp, run_uuid, step, is_nan) VALUES (?, ?, ?, ?, ?, 0)');
  const runs = Array.from({ length: 100 }, (_, i) => `${i}`.padStart(32, 'a'));
  const rows = 200_000;
  const t0 = performance.now();
  db.exec('BEGIN');
  for (let i = 0; i < rows; i++) stmt.run([`metric_${i % 5}`, Math.random(), 1_700_000_000_000 + i, runs[i % 100], i]);
  db.exec('COMMIT');
  const rate = rows / ((performance.now() - t0) / 1000);
  stmt.free();
  db.close();
  return rate;
}

// ---- 2. the store's own ingest, journal and fsync included ---------------------------------------------
async function storeIngest(): Promise<number> {
  const dir = join(work, 'store-ingest');
  const store = await TrackingStore.open({ dir, checkpointIntervalMs: 0 });
  const runs: string[] = [];
  for (let r = 0; r < 100; r++) runs.push((await store.createRun({})).info.run_id);
  const batches = 500;
  const t0 = performance.now();
  const pending: Promise<void>[] = [];
  for (let b = 0; b < batches; b++) {
    const metrics = Array.from({ length: 1000 }, (_, i) => ({ key: `m${i % 5}`, value: Math.random(), timestamp: 1_700_000_000_000 + b, step: b * 200 + Math.floor(i / 5) }));
    pending.push(store.logBatch({ run_id: runs[b % 100], metrics }));
  }
  await Promise.all(pending);
  const rate = (batches * 1000) / ((performance.now() - t0) / 1000);
  await store.close();
  return rate;
}

// ---- the CLI server and a keep-alive HTTP client -----------------------------------------------------------
interface Server {
  url: URL;
  proc: ChildProcess;
}

async function startServer(storeDir: string): Promise<Server> {
  const proc = spawn(process.execPath, [join(root, 'dist/cli.js'), 'server', '--store', storeDir, '--port', '0', '--token', 'bench'], { stdio: ['ignore', 'pipe', 'inherit'] });
  const url = await new Promise<URL>((resolve, reject) => {
    let out = '';
    proc.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /Tracking URI: (\S+)/.exec(out);
      if (m) resolve(new URL(m[1]));
    });
    proc.on('exit', (code) => reject(new Error(`server exited with ${code}`)));
  });
  return { url, proc };
}

async function stopServer(s: Server): Promise<void> {
  const exited = new Promise((r) => s.proc.on('exit', r));
  s.proc.kill('SIGTERM');
  await exited;
}

const agent = new Agent({ keepAlive: true, maxSockets: 16 });

function call(s: Server, method: string, path: string, body?: string): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const req = request(
      { host: s.url.hostname, port: s.url.port, method, path, agent, headers: { Authorization: 'Bearer bench', 'Content-Type': 'application/json', ...(body ? { 'Content-Length': Buffer.byteLength(body) } : {}) } },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString() }));
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

async function ok(s: Server, method: string, path: string, body?: unknown): Promise<Record<string, unknown>> {
  const r = await call(s, method, path, body === undefined ? undefined : JSON.stringify(body));
  if (r.status !== 200) throw new Error(`${method} ${path} → ${r.status} ${r.text.slice(0, 200)}`);
  return JSON.parse(r.text) as Record<string, unknown>;
}

async function pool<T>(items: T[], concurrency: number, fn: (item: T) => Promise<unknown>): Promise<void> {
  let next = 0;
  await Promise.all(Array.from({ length: concurrency }, async () => {
    while (next < items.length) await fn(items[next++]);
  }));
}

async function createRuns(s: Server, experimentId: string, n: number): Promise<string[]> {
  const ids: string[] = new Array(n);
  await pool([...Array(n).keys()], 8, async (i) => {
    const r = (await ok(s, 'POST', '/api/2.0/mlflow/runs/create', { experiment_id: experimentId, start_time: 1_700_000_000_000 + i })) as { run: { info: { run_id: string } } };
    ids[i] = r.run.info.run_id;
  });
  return ids;
}

// ---- 3-6. REST figures -------------------------------------------------------------------------------------
async function restFigures(ceiling: number): Promise<void> {
  const s = await startServer(join(work, 'rest-store'));
  try {
    // log-batch: 1000 metrics per request over 100 runs, bodies built before the clock starts.
    const exp = ((await ok(s, 'POST', '/api/2.0/mlflow/experiments/create', { name: 'ingest' })) as { experiment_id: string }).experiment_id;
    const runs = await createRuns(s, exp, 100);
    const perRun = 10;
    const bodies: string[] = [];
    for (let b = 0; b < perRun; b++) {
      for (const run of runs) {
        const metrics = Array.from({ length: 1000 }, (_, i) => ({ key: `m${i % 10}`, value: Math.random(), timestamp: 1_700_000_000_000 + b, step: b * 100 + Math.floor(i / 10) }));
        bodies.push(JSON.stringify({ run_id: run, metrics }));
      }
    }
    const t0 = performance.now();
    await pool(bodies, 4, async (body) => {
      const r = await call(s, 'POST', '/api/2.0/mlflow/runs/log-batch', body);
      if (r.status !== 200) throw new Error(`log-batch ${r.status} ${r.text}`);
    });
    const rate = (bodies.length * 1000) / ((performance.now() - t0) / 1000);
    report('REST log-batch (1000 metrics/request, 100 runs)', `${fmt(rate)} metrics/s`, '≥ 150,000/s', rate >= 150_000);
    report('  … as a share of the raw sql.js insert ceiling', `${fmt((100 * rate) / ceiling, 1)} %`, '≥ 40 %', rate / ceiling >= 0.4);
    report('  … against MLflow 2.7.1 server (≈7,300 metrics/s, issue #2)', `${fmt(rate / 7300, 1)} ×`);

    // single log-metric latency, sequential like the Python client's synchronous log_metric: 1000 calls measured
    // after 1000 warm-up calls (as a training loop's steady state; both processes' JIT takes a few thousand
    // small requests to settle here), whose median is shown too.
    const logMetricCalls = async (from: number): Promise<number[]> => {
      const lat: number[] = [];
      for (let i = from; i < from + 1000; i++) {
        const body = JSON.stringify({ run_id: runs[0], run_uuid: runs[0], key: 'latency', value: i, timestamp: 1_700_000_000_000 + i, step: i });
        const a = performance.now();
        const r = await call(s, 'POST', '/api/2.0/mlflow/runs/log-metric', body);
        lat.push(performance.now() - a);
        if (r.status !== 200) throw new Error(r.text);
      }
      return lat;
    };
    const warmUpLat = await logMetricCalls(0);
    const lat = await logMetricCalls(1000);
    report('REST log-metric latency, median of 1000', `${fmt(median(lat), 3)} ms`, '≤ 1 ms', median(lat) <= 1);
    report('REST log-metric latency, p99 of 1000', `${fmt(pct(lat, 0.99), 3)} ms`);
    report('  … the 1000 warm-up calls before them, median', `${fmt(median(warmUpLat), 3)} ms`);

    // get-history of a 100,000-point metric: nine metrics (one run each), each fetched for the first time (nothing
    // cached, each read from the store), after warm-up fetches of three others: as in any benchmark, the code has
    // run before (JIT and heap growth of both processes, the reused scratch memory, the helper thread started);
    // those fresh-process fetches are shown on their own. Then one of the nine again and again (kept from its second
    // fetch, served from memory while no point arrives).
    const warmUpRuns = runs.slice(1, 4);
    const histRuns = runs.slice(4, 13);
    const histBodies = [...warmUpRuns, ...histRuns].flatMap((run) =>
      Array.from({ length: 100 }, (_, b) =>
        JSON.stringify({ run_id: run, metrics: Array.from({ length: 1000 }, (_, i) => ({ key: 'long', value: Math.sin(b * 1000 + i), timestamp: 1_700_000_000_000 + b * 1000 + i, step: b * 1000 + i })) }),
      ),
    );
    await pool(histBodies, 4, (body) => call(s, 'POST', '/api/2.0/mlflow/runs/log-batch', body));
    // As after a training run: the server has committed its last write batch (250 ms) before anyone reads.
    await new Promise((resolve) => setTimeout(resolve, 500));
    const fetchHistory = async (run: string): Promise<{ ms: number; points: number }> => {
      const a = performance.now();
      const r = await call(s, 'GET', `/api/2.0/mlflow/metrics/get-history?run_id=${run}&metric_key=long`);
      const ms = performance.now() - a;
      return { ms, points: (JSON.parse(r.text) as { metrics: unknown[] }).metrics.length };
    };
    const warmUp: number[] = [];
    for (const run of warmUpRuns) warmUp.push((await fetchHistory(run)).ms);
    const first: number[] = [];
    let points = 0;
    for (const run of histRuns) {
      const r = await fetchHistory(run);
      first.push(r.ms);
      points = r.points;
    }
    const repeated: number[] = [];
    for (let i = 0; i < 9; i++) repeated.push((await fetchHistory(histRuns[0])).ms);
    report(
      `REST get-history of a ${fmt(points)}-point metric, first fetch, median of 9 metrics (each read from the store)`,
      `${fmt(median(first), 1)} ms`,
      '≤ 100 ms',
      median(first) <= 100 && points === 100_000,
    );
    report('  … those 9 first fetches, in order', first.map((t) => fmt(t, 0)).join(' / ') + ' ms');
    report('  … the 3 warm-up fetches before them, the first in fresh server and client processes', warmUp.map((t) => fmt(t, 0)).join(' / ') + ' ms');
    report('  … repeated fetch (kept from its second fetch while no point arrives), median of 9', `${fmt(median(repeated), 1)} ms`);

    // runs/search over 10,000 runs with a filter and an order.
    const sexp = ((await ok(s, 'POST', '/api/2.0/mlflow/experiments/create', { name: 'search' })) as { experiment_id: string }).experiment_id;
    const sruns = await createRuns(s, sexp, 10_000);
    await pool(sruns, 8, (run) => {
      const i = sruns.indexOf(run);
      return ok(s, 'POST', '/api/2.0/mlflow/runs/log-batch', {
        run_id: run,
        metrics: [
          { key: 'accuracy', value: (i % 997) / 997, timestamp: 1, step: 0 },
          { key: 'loss', value: 1 - (i % 991) / 991, timestamp: 1, step: 0 },
        ],
        params: [{ key: 'model', value: i % 3 === 0 ? 'cnn' : 'mlp' }, { key: 'lr', value: String(0.001 * (i % 10)) }],
        tags: [{ key: 'team', value: i % 2 ? 'vision' : 'nlp' }],
      });
    });
    const body = { experiment_ids: [sexp], filter: "metrics.accuracy > 0.5 and params.model = 'cnn'", order_by: ['metrics.loss ASC'], max_results: 100 };
    const times: number[] = [];
    let returned = 0;
    for (let i = 0; i < 20; i++) {
      const a = performance.now();
      const r = await ok(s, 'POST', '/api/2.0/mlflow/runs/search', body);
      times.push(performance.now() - a);
      returned = (r.runs as unknown[]).length;
    }
    report(`REST runs/search, 10,000 runs, filter + order, ${returned} returned`, `${fmt(median(times), 1)} ms`, '≤ 20 ms', median(times) <= 20);
    report('  … against MLflow 2.7.1 server (≈80 ms, issue #2)', `${fmt(80 / median(times), 1)} ×`);
  } finally {
    await stopServer(s);
  }
}

// ---- 7. cold open of a store holding 1,000,000 metric points --------------------------------------------
async function coldOpen(): Promise<void> {
  const dir = join(work, 'million');
  const store = await TrackingStore.open({ dir, checkpointIntervalMs: 0 });
  const runs: string[] = [];
  for (let r = 0; r < 20; r++) runs.push((await store.createRun({})).info.run_id);
  const pending: Promise<void>[] = [];
  for (let b = 0; b < 1000; b++) {
    pending.push(store.logBatch({ run_id: runs[b % 20], metrics: Array.from({ length: 1000 }, (_, i) => ({ key: `m${i % 4}`, value: Math.random(), timestamp: 1_700_000_000_000 + b, step: b * 250 + Math.floor(i / 4) })) }));
  }
  await Promise.all(pending);
  await store.close();
  // A fresh process, so nothing is warm: wasm compile, file read, schema check and journal replay all count.
  const script = `
    const t0 = performance.now();
    require('tsx/cjs');
    const { TrackingStore } = require(${JSON.stringify(join(root, 'extension/tracking/store/trackingStore.ts'))});
    const t1 = performance.now();
    TrackingStore.open({ dir: ${JSON.stringify(dir)}, checkpointIntervalMs: 0 }).then(async (s) => {
      const t2 = performance.now();
      const n = s.db.get('SELECT sum(count) AS n FROM latest_metrics').n;
      console.log(JSON.stringify({ open: t2 - t1, n }));
      process.exit(0);
    });`;
  const out = spawnSync(process.execPath, ['-e', script], { cwd: root, encoding: 'utf8' });
  if (out.status !== 0) throw new Error(out.stderr);
  const { open, n } = JSON.parse(out.stdout.trim().split('\n').pop()!) as { open: number; n: number };
  report(`Cold open of a store with ${fmt(n)} metric points`, `${fmt(open, 1)} ms`, '≤ 1000 ms', open <= 1000 && n === 1_000_000);
  // Ingest costs the same whatever the store already holds: 200,000 points into that store and into an empty one.
  const ingest = async (storeDir: string): Promise<number> => {
    const s = await TrackingStore.open({ dir: storeDir, checkpointIntervalMs: 0 });
    const run = (await s.createRun({})).info.run_id;
    const t0 = performance.now();
    const writes: Promise<void>[] = [];
    for (let b = 0; b < 200; b++) {
      writes.push(s.logBatch({ run_id: run, metrics: Array.from({ length: 1000 }, (_, i) => ({ key: `m${i % 4}`, value: Math.random(), timestamp: 1_700_000_000_000 + b, step: b * 250 + Math.floor(i / 4) })) }));
    }
    await Promise.all(writes);
    const rate = 200_000 / ((performance.now() - t0) / 1000);
    await s.close();
    return rate;
  };
  // Alternated, best of two each: the first ingest of a process warms the JIT, whichever store it goes to.
  let full = 0;
  let empty = 0;
  for (let k = 0; k < 2; k++) {
    empty = Math.max(empty, await ingest(join(work, `empty-ingest-${k}`)));
    full = Math.max(full, await ingest(dir));
  }
  report(`Store ingest into a store of ${fmt(n)} points vs an empty one`, `${fmt(full)} vs ${fmt(empty)} /s`, '≥ 90 %', full >= 0.9 * empty);
  await checkpointAfterSmallChange(dir);
}

// ---- 8. a checkpoint writes what changed: 1,000 more points into that store ----------------------------------
async function checkpointAfterSmallChange(dir: string): Promise<void> {
  const store = await TrackingStore.open({ dir, checkpointIntervalMs: 0 });
  const run = (store.searchRuns({ experiment_ids: ['0'], max_results: 1 })).runs![0].info.run_id;
  await store.logBatch({ run_id: run, metrics: Array.from({ length: 1000 }, (_, i) => ({ key: 'after', value: i, timestamp: 1_700_000_000_000, step: i })) });
  const t0 = performance.now();
  await store.checkpoint();
  const ms = performance.now() - t0;
  const { bytesWritten, pagesWritten, imageBytes } = store.lastCheckpoint!;
  report('Checkpoint after 1,000 points into the 1 M-point store: bytes written', `${fmt(bytesWritten / 1024)} KiB (${fmt(pagesWritten)} pages)`);
  report('  … against the image size', `${fmt((100 * bytesWritten) / imageBytes, 2)} % of ${fmt(imageBytes / 1048576, 1)} MiB`, '≤ 5 %', bytesWritten <= imageBytes * 0.05);
  report('  … the checkpoint\'s time (sql.js export included)', `${fmt(ms, 1)} ms`);
  const e0 = performance.now();
  store.db.db.export();
  report('  … of which sql.js export alone (the same image again)', `${fmt(performance.now() - e0, 1)} ms`);
  const c0 = performance.now();
  await store.close();
  report('  … graceful close of that store (final checkpoint)', `${fmt(performance.now() - c0, 1)} ms`);
}

/** `--scale [--points N]`: the store at scale only (bench/scale.ts); the CLI bundle is dist/cli.js or $MWB_CLI. */
async function scaleOnly(): Promise<void> {
  const at = process.argv.indexOf('--points');
  const points = at > 0 ? Number(process.argv[at + 1].replace(/[_,]/g, '')) : 100_000_000;
  if (!Number.isInteger(points) || points < 1) throw new Error(`--points takes a positive whole number, not ${process.argv[at + 1]}.`);
  const roundsAt = process.argv.indexOf('--rounds');
  const rounds = roundsAt > 0 ? Number(process.argv[roundsAt + 1]) : undefined;
  await benchScale({ points, rounds, cli: process.env.MWB_CLI ?? join(root, 'dist/cli.js'), report });
}

async function main(): Promise<void> {
  console.log(`MLflow Workbench benchmarks — node ${process.version}, ${new Date().toISOString()}\n`);
  if (process.argv.includes('--scale')) {
    await scaleOnly();
    const missed = results.filter((r) => r.ok === false);
    console.log(`\n${results.filter((r) => r.ok).length} targets met, ${missed.length} missed.`);
    agent.destroy();
    rmSync(work, { recursive: true, force: true });
    return;
  }
  const ceiling = await rawInsertCeiling();
  report('Raw sql.js insert, compact metrics table (the ceiling)', `${fmt(ceiling)} rows/s`);
  const wide = await mlflowLayoutRate();
  report("Raw sql.js insert, MLflow's wide-primary-key layout", `${fmt(wide)} rows/s`);
  const ingest = await storeIngest();
  report('Store ingest (logBatch, journal + fsync), in process', `${fmt(ingest)} metrics/s`);
  report('  … as a share of the ceiling', `${fmt((100 * ingest) / ceiling, 1)} %`);
  await restFigures(ceiling);
  await coldOpen();
  // Figures of other parts live beside their code. Each module runs in a process of its own, as each part
  // runs in production (language server, extension host): no module's heap or JIT state weighs on another's.
  // `npm run bench -- --core` stops after the tracking core's figures.
  const modules = process.argv.includes('--core') ? [] : ([['./languageServer', 'benchLanguageServer'], ['./registry', 'benchRegistry'], ['./panels', 'benchPanels'], ['./views', 'benchViews']] as const);
  for (const [modulePath, fn] of modules) {
    const child = spawnSync(process.execPath, ['--import', 'tsx', __filename, '--module', modulePath, fn], { cwd: root, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
    if (child.status !== 0) throw new Error(`bench ${modulePath} failed:\n${child.stderr}`);
    const rows = JSON.parse(child.stdout.trim().split('\n').pop()!) as BenchRows | Record<string, number>;
    if (Array.isArray(rows)) for (const r of rows) report(r.name, r.value, r.target, r.ok);
    else for (const [name, ms] of Object.entries(rows)) report(name, `${fmt(ms, 3)} ms`);
  }
  const missed = results.filter((r) => r.ok === false);
  console.log(`\n${results.filter((r) => r.ok).length} targets met, ${missed.length} missed.`);
  agent.destroy();
  rmSync(work, { recursive: true, force: true });
}

/** Child mode: `bench/run.ts --module <path> <function>` runs one module's figures and prints them as JSON. */
async function runModule(modulePath: string, fn: string): Promise<void> {
  const mod = (await import(modulePath)) as Record<string, () => Promise<BenchRows | Record<string, number>>>;
  console.log(JSON.stringify(await mod[fn]()));
}

const moduleArg = process.argv.indexOf('--module');
if (moduleArg > 0) {
  rmSync(work, { recursive: true, force: true });
  runModule(process.argv[moduleArg + 1], process.argv[moduleArg + 2]).then(
    () => process.exit(0),
    (err: unknown) => {
      console.error(err);
      process.exit(1);
    },
  );
} else main().catch((err: unknown) => {
  console.error(err);
  rmSync(work, { recursive: true, force: true });
  process.exit(1);
});
