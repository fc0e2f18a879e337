// A load generator run as its own process (so its work never shares a thread that a test measures): logs
// `points` metric points through REST runs/log-batch, 1,000 metrics a request, `concurrency` requests in flight,
// into `runs` new runs of one experiment with `keys` metrics each. Value of (run r, key k, step s) = valueOf(r, k, s).
// Prints one JSON line: { runIds, steps, requests, ms }.
//   node --import tsx test/support/logBatchLoad.ts <json options>
import { Agent, request } from 'node:http';

export interface LoadOptions {
  url: string;
  token?: string;
  experimentId: string;
  points: number;
  runs: number;
  keys: number;
  concurrency: number;
}

export interface LoadResult {
  runIds: string[];
  steps: number;
  requests: number;
  ms: number;
}

export const valueOf = (run: number, key: number, step: number): number => run * 1000 + key + step / 8;
export const keyName = (key: number): string => `metric_${key}`;
export const TIME0 = 1_700_000_000_000;

const agent = new Agent({ keepAlive: true, maxSockets: 64 });

function post(o: LoadOptions, path: string, body: unknown): Promise<unknown> {
  const data = Buffer.from(JSON.stringify(body));
  return new Promise((resolve, reject) => {
    const req = request(
      `${o.url}/api/2.0/mlflow/${path}`,
      {
        method: 'POST',
        agent,
        headers: { 'Content-Type': 'application/json', 'Content-Length': data.length, ...(o.token ? { Authorization: `Bearer ${o.token}` } : {}) },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          if (res.statusCode !== 200) reject(new Error(`${path} → ${res.statusCode}: ${text.slice(0, 300)}`));
          else resolve(JSON.parse(text));
        });
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(data);
  });
}

export async function runLoad(o: LoadOptions): Promise<LoadResult> {
  const started = Date.now();
  const stepsPerRequest = Math.max(1, Math.floor(1000 / o.keys));
  const steps = Math.max(stepsPerRequest, Math.round(o.points / (o.runs * o.keys) / stepsPerRequest) * stepsPerRequest);
  const runIds: string[] = [];
  for (let r = 0; r < o.runs; r++) {
    const created = (await post(o, 'runs/create', { experiment_id: o.experimentId, run_name: `load-${r}`, start_time: TIME0 })) as { run: { info: { run_id: string } } };
    runIds.push(created.run.info.run_id);
  }
  // Jobs interleave the runs, as several training scripts logging at once would.
  const jobs: Array<{ run: number; from: number }> = [];
  for (let from = 0; from < steps; from += stepsPerRequest) for (let r = 0; r < o.runs; r++) jobs.push({ run: r, from });
  let next = 0;
  let requests = 0;
  const worker = async (): Promise<void> => {
    for (;;) {
      const job = jobs[next++];
      if (!job) return;
      const metrics = [];
      for (let s = job.from; s < job.from + stepsPerRequest; s++) {
        for (let k = 0; k < o.keys; k++) metrics.push({ key: keyName(k), value: valueOf(job.run, k, s), timestamp: TIME0 + s, step: s });
      }
      await post(o, 'runs/log-batch', { run_id: runIds[job.run], metrics });
      requests++;
    }
  };
  await Promise.all(Array.from({ length: o.concurrency }, worker));
  return { runIds, steps, requests, ms: Date.now() - started };
}

if (require.main === module) {
  runLoad(JSON.parse(process.argv[2]) as LoadOptions).then(
    (r) => {
      process.stdout.write(`${JSON.stringify(r)}\n`);
      agent.destroy();
    },
    (err: unknown) => {
      process.stderr.write(`${(err as Error).stack ?? String(err)}\n`);
      process.exit(1);
    },
  );
}
