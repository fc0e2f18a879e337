// `npm run bench -- --scale [--points N]`: issue #12's "store at scale" figures, from one run, each beside its
// target. The real CLI server in its own process ingests N points (default 100,000,000 = 100 runs × 10 metrics ×
// 100,000 steps) through REST log-batch, 1,000 metrics a request, from 4 concurrent keep-alive clients, steps
// increasing per run; per 10 % of N: metrics/s, p50/p99/max request latency, the server's max RSS. Then bytes a
// point on disk, the graceful stop, the restart after kill -9 (first answer, first page of runs, a 1,000-bucket
// chart, a whole history), and rounds of kill -9 at random moments under load checking every acknowledged point.
//
// The client stays out of the way: a request's metrics JSON depends only on its batch of steps, so it is built
// once per batch and shared by the 100 runs' requests (only run_id differs); one keep-alive Agent.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, lstatSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export type Report = (name: string, value: string, target?: string, ok?: boolean) => void;

export interface ScaleOptions {
  points: number;
  /** The CLI bundle (dist/cli.js). */
  cli: string;
  report: Report;
  /** Durability rounds (kill -9 under load); default 3. */
  rounds?: number;
}

const RUNS = 100;
const KEYS = 10;
const STEPS_PER_REQUEST = 100; // × 10 keys = 1,000 metrics a request
const CONCURRENCY = 4;
const TOKEN = 'scale-bench';
const T0 = 1_700_000_000_000;

const fmt = (n: number, digits = 0): string => n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });
const pct = (xs: Float64Array, p: number): number => {
  if (xs.length === 0) return NaN;
  const sorted = Float64Array.from(xs).sort();
  return sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))];
};
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
const millions = (n: number): string => (n >= 1e6 ? `${fmt(n / 1e6, n % 1e6 ? 1 : 0)} M` : fmt(n));

// ---- the server process ---------------------------------------------------------------------------------------

interface Server {
  proc: ChildProcess;
  port: number;
  spawnedAt: number;
  exited: Promise<void>;
}

async function startServer(cli: string, store: string): Promise<Server> {
  const spawnedAt = performance.now();
  const proc = spawn(process.execPath, [cli, 'server', '--store', store, '--port', '0', '--token', TOKEN], { stdio: ['ignore', 'pipe', 'pipe'] });
  const exited = new Promise<void>((r) => proc.once('exit', () => r()));
  let err = '';
  proc.stderr!.on('data', (d: Buffer) => (err += d.toString()).length > 20_000 && (err = err.slice(-10_000)));
  const port = await new Promise<number>((resolve, reject) => {
    let out = '';
    proc.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /Tracking URI: http:\/\/[^:]+:(\d+)/.exec(out);
      if (m) resolve(Number(m[1]));
    });
    proc.once('exit', (code, signal) => reject(new Error(`server exited (${code ?? signal}) before serving:\n${err}`)));
  });
  return { proc, port, spawnedAt, exited };
}

async function stopGracefully(s: Server): Promise<number> {
  const t = performance.now();
  s.proc.kill('SIGTERM');
  await s.exited;
  return performance.now() - t;
}

async function kill9(s: Server): Promise<void> {
  s.proc.kill('SIGKILL');
  await s.exited;
}

function rssBytes(pid: number): number {
  try {
    const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) * 1024 : NaN;
  } catch {
    return NaN;
  }
}

/** What `du` counts: allocated blocks of every file under the folder. */
function duBytes(dir: string): number {
  let total = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) total += duBytes(p);
    else total += lstatSync(p).blocks * 512;
  }
  return total;
}

// ---- HTTP ---------------------------------------------------------------------------------------------------

let agent = new Agent({ keepAlive: true, maxSockets: 16 });

function call(s: Server, method: string, path: string, body?: string): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: '127.0.0.1', port: s.port, method, path, agent,
        headers: { Authorization: `Bearer ${TOKEN}`, 'Content-Type': 'application/json', ...(body !== undefined ? { 'Content-Length': Buffer.byteLength(body) } : {}) },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString() }));
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

async function ok<T>(s: Server, method: string, path: string, body?: unknown): Promise<T> {
  const r = await call(s, method, path, body === undefined ? undefined : JSON.stringify(body));
  if (r.status !== 200) throw new Error(`${method} ${path} → ${r.status} ${r.text.slice(0, 300)}`);
  return JSON.parse(r.text) as T;
}

// ---- the load ---------------------------------------------------------------------------------------------------

/** Request i logs batch floor(i / RUNS) (steps b·100 … b·100+99, all 10 keys) to run i mod RUNS. */
class Load {
  private cache = new Map<number, string>();

  constructor(readonly runs: string[]) {}

  static value(key: number, step: number): number {
    // A training-like curve with noise: realistic doubles, not small integers.
    return (1 + key) / (1 + step * 1e-4) + Math.sin(step * 12.9898 + key * 78.233) * 0.01;
  }

  private metricsJson(batch: number): string {
    let json = this.cache.get(batch);
    if (json !== undefined) return json;
    const parts: string[] = [];
    for (let s = batch * STEPS_PER_REQUEST; s < (batch + 1) * STEPS_PER_REQUEST; s++) {
      for (let k = 0; k < KEYS; k++) parts.push(`{"key":"m${k}","value":${Load.value(k, s)},"timestamp":${T0 + s * 10},"step":${s}}`);
    }
    json = parts.join(',');
    this.cache.set(batch, json);
    if (this.cache.size > 4) this.cache.delete(this.cache.keys().next().value!);
    return json;
  }

  body(i: number): string {
    return `{"run_id":"${this.runs[i % RUNS]}","metrics":[${this.metricsJson(Math.floor(i / RUNS))}]}`;
  }
}

interface Window {
  from: number;
  to: number;
  seconds: number;
  latencies: Float64Array;
  rss: number;
}

/** Requests [from, to) with 4 clients; a window closes each time `windowRequests` more have completed. */
async function ingestMeasured(s: Server, load: Load, from: number, to: number, windowRequests: number, onWindow: (w: Window) => void): Promise<void> {
  let next = from;
  let done = 0;
  let windowStart = performance.now();
  let lat = new Float64Array(windowRequests);
  let latN = 0;
  let rss = rssBytes(s.proc.pid!);
  const sampler = setInterval(() => (rss = Math.max(rss, rssBytes(s.proc.pid!))), 100);
  let windowFrom = from;
  try {
    await Promise.all(
      Array.from({ length: CONCURRENCY }, async () => {
        while (next < to) {
          const i = next++;
          const body = load.body(i);
          const a = performance.now();
          const r = await call(s, 'POST', '/api/2.0/mlflow/runs/log-batch', body);
          const t = performance.now();
          if (r.status !== 200) throw new Error(`log-batch ${r.status} ${r.text.slice(0, 300)}`);
          lat[latN++] = t - a;
          done++;
          if (done % windowRequests === 0 || from + done === to) {
            onWindow({ from: windowFrom, to: from + done, seconds: (t - windowStart) / 1000, latencies: lat.subarray(0, latN), rss: Math.max(rss, rssBytes(s.proc.pid!)) });
            windowFrom = from + done;
            windowStart = t;
            lat = new Float64Array(windowRequests);
            latN = 0;
            rss = rssBytes(s.proc.pid!);
          }
        }
      }),
    );
  } finally {
    clearInterval(sampler);
  }
}

// ---- the phases -----------------------------------------------------------------------------------------------

interface Summary {
  key: string;
  step: number;
  count: number;
}

export async function benchScale(options: ScaleOptions): Promise<void> {
  const { report, cli } = options;
  const stepsPerSeries = Math.max(STEPS_PER_REQUEST, Math.ceil(options.points / (RUNS * KEYS) / STEPS_PER_REQUEST) * STEPS_PER_REQUEST);
  const batches = stepsPerSeries / STEPS_PER_REQUEST;
  const total = RUNS * KEYS * stepsPerSeries;
  const requests = RUNS * batches;
  const windowRequests = Math.max(1, Math.round(requests / 10));
  const work = mkdtempSync(join(tmpdir(), 'mwb-scale-'));
  const store = join(work, 'store');
  report(`Scale bench: ${fmt(total)} points = ${RUNS} runs × ${KEYS} metrics × ${fmt(stepsPerSeries)} steps, log-batch of 1,000, ${CONCURRENCY} clients`, '');
  let server = await startServer(cli, store);
  try {
    const exp = (await ok<{ experiment_id: string }>(server, 'POST', '/api/2.0/mlflow/experiments/create', { name: 'scale' })).experiment_id;
    const runs: string[] = [];
    for (let r = 0; r < RUNS; r++) {
      runs.push((await ok<{ run: { info: { run_id: string } } }>(server, 'POST', '/api/2.0/mlflow/runs/create', { experiment_id: exp, start_time: T0 + r, run_name: `scale-${r}` })).run.info.run_id);
    }
    const load = new Load(runs);

    // 1. ingest, per window
    const rates: number[] = [];
    let window = 0;
    let peakRss = 0;
    await ingestMeasured(server, load, 0, requests, windowRequests, (w) => {
      window++;
      const pts = (w.to - w.from) * 1000;
      const rate = pts / w.seconds;
      rates.push(rate);
      const p50 = pct(w.latencies, 0.5);
      const p99 = pct(w.latencies, 0.99);
      const max = pct(w.latencies, 1);
      const last = w.to === requests;
      report(`Window ${window} (${millions(w.from * 1000)}–${millions(w.to * 1000)} points): log-batch`, `${fmt(rate)} metrics/s`);
      report('  … p50 request', `${fmt(p50, 1)} ms`);
      report('  … p99 request', `${fmt(p99, 1)} ms`, '≤ 50 ms', p99 <= 50);
      report('  … max request', `${fmt(max, 1)} ms`, '≤ 100 ms', max <= 100);
      report('  … server RSS (max sampled in the window)', `${fmt(w.rss / 1e6)} MB`);
      peakRss = Math.max(peakRss, w.rss);
      if (last) report('Server RSS, peak over the whole ingest', `${fmt(peakRss / 1e6)} MB`, '≤ 600 MB at 100 M points', peakRss <= 600e6);
    });
    const ratio = rates[rates.length - 1] / rates[0];
    report('Last window throughput / first window throughput', `${fmt(100 * ratio, 1)} %`, '≥ 90 %', ratio >= 0.9);

    // 2. graceful stop, then the store's size
    const stopMs = await stopGracefully(server);
    report('Graceful stop (SIGTERM → exit)', `${fmt(stopMs)} ms`, '≤ 1000 ms', stopMs <= 1000);
    const bytes = duBytes(store);
    report(`Store on disk after the stop (du), ${fmt(bytes / 1e6)} MB`, `${fmt(bytes / total, 1)} bytes/point`, '≤ 24 bytes/point', bytes / total <= 24);

    // 3. restart, a little more, kill -9, restart: the first answers
    server = await startServer(cli, store);
    let issued = requests;
    const little = RUNS; // one batch more for every run
    await ingestMeasured(server, load, issued, issued + little, little, () => undefined);
    issued += little;
    await kill9(server);
    server = await startServer(cli, store);
    let health = await call(server, 'GET', '/health');
    while (health.status !== 200) health = await call(server, 'GET', '/health');
    const firstAnswer = performance.now() - server.spawnedAt;
    report('After kill -9: first answer (/health), from the restart', `${fmt(firstAnswer)} ms`, '≤ 1000 ms', firstAnswer <= 1000);
    const page = await ok<{ runs: unknown[] }>(server, 'POST', '/api/2.0/mlflow/runs/search', { experiment_ids: [exp], max_results: 100 });
    const firstPage = performance.now() - server.spawnedAt;
    report(`  … first page of runs (runs/search, ${page.runs.length})`, `${fmt(firstPage)} ms`, '≤ 1000 ms', firstPage <= 1000 && page.runs.length === 100);
    report('  … server RSS right after opening', `${fmt(rssBytes(server.proc.pid!) / 1e6)} MB`);
    let a = performance.now();
    const chart = await ok<{ step: number[] }>(server, 'GET', `/api/2.0/mlflow-workbench/metrics/series?run_id=${runs[0]}&metric_key=m0&buckets=1000`);
    const chartMs = performance.now() - a;
    report(`  … 1,000-bucket chart of one run (${fmt(chart.step.length)} points drawn)`, `${fmt(chartMs, 1)} ms`, '≤ 150 ms', chartMs <= 150 && chart.step.length > 0);
    a = performance.now();
    const hist = await call(server, 'GET', `/api/2.0/mlflow/metrics/get-history?run_id=${runs[1]}&metric_key=m1`);
    const histMs = performance.now() - a;
    const histPoints = (JSON.parse(hist.text) as { metrics: unknown[] }).metrics.length;
    const fullSize = stepsPerSeries + STEPS_PER_REQUEST;
    report(`  … whole get-history of ${fmt(histPoints)} points (body read)`, `${fmt(histMs, 1)} ms`, '≤ 100 ms (100,000 points)', histMs <= 100 && histPoints === fullSize);

    // 4. durability: kill -9 at random moments under load; every acknowledged point is there after a restart
    const acked = new Map<number, Set<number>>(); // run index → acknowledged batches
    const rounds = options.rounds ?? 3;
    let lost = 0;
    let checked = 0;
    for (let round = 0; round < rounds; round++) {
      let stop = false;
      const from = issued;
      let next = from;
      const clients = Array.from({ length: CONCURRENCY }, async () => {
        while (!stop) {
          const i = next++;
          try {
            const r = await call(server, 'POST', '/api/2.0/mlflow/runs/log-batch', load.body(i));
            if (r.status === 200) {
              const set = acked.get(i % RUNS) ?? new Set<number>();
              set.add(Math.floor(i / RUNS));
              acked.set(i % RUNS, set);
            } else if (!stop) throw new Error(`log-batch ${r.status} ${r.text.slice(0, 200)}`);
          } catch (err) {
            if (!stop) throw err;
          }
        }
      });
      await sleep(200 + Math.random() * 1300);
      stop = true;
      await kill9(server);
      await Promise.all(clients);
      issued = next;
      agent.destroy();
      agent = new Agent({ keepAlive: true, maxSockets: 16 });
      server = await startServer(cli, store);
      // Every run: each key's count covers every batch acknowledged, its latest step the last one.
      for (let r = 0; r < RUNS; r++) {
        const sums = (await ok<{ summaries: Summary[] }>(server, 'GET', `/api/2.0/mlflow-workbench/metrics/summaries?run_id=${runs[r]}`)).summaries;
        const set = acked.get(r) ?? new Set<number>();
        const lastAcked = set.size ? Math.max(...set) : batches;
        for (let k = 0; k < KEYS; k++) {
          const s = sums.find((x) => x.key === `m${k}`);
          checked++;
          if (!s || s.count < (batches + 1 + set.size) * STEPS_PER_REQUEST || s.step < (lastAcked + 1) * STEPS_PER_REQUEST - 1) lost++;
        }
      }
      // A sample of series point by point: every acknowledged step is in the history.
      for (const r of [0, Math.floor(RUNS / 2), RUNS - 1]) {
        const h = await ok<{ metrics?: { step: number }[] }>(server, 'GET', `/api/2.0/mlflow/metrics/get-history?run_id=${runs[r]}&metric_key=m${r % KEYS}`);
        const steps = new Set((h.metrics ?? []).map((m) => m.step));
        for (const b of acked.get(r) ?? []) {
          checked++;
          for (let st = b * STEPS_PER_REQUEST; st < (b + 1) * STEPS_PER_REQUEST; st++) {
            if (!steps.has(st)) {
              lost++;
              break;
            }
          }
        }
      }
    }
    const ackedPoints = [...acked.values()].reduce((n, s) => n + s.size, 0) * 1000;
    report(
      `Durability: ${rounds} × kill -9 under load, ${fmt(ackedPoints)} points acknowledged, ${fmt(checked)} checks`,
      lost === 0 ? 'none lost, store opens' : `${fmt(lost)} checks failed`,
      'no acknowledged point lost',
      lost === 0,
    );
    await stopGracefully(server);
  } catch (err) {
    if (server.proc.exitCode === null && server.proc.signalCode === null) await kill9(server);
    throw err;
  } finally {
    agent.destroy();
    rmSync(work, { recursive: true, force: true });
  }
}
