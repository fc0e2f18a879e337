// `mlflow-workbench server --store <dir> --host 127.0.0.1 --port <n> [--token <t>]`: the same tracking server
// the extension hosts, for runs started outside the editor and for CI pipelines.
// `mlflow-workbench gc --store <dir> [--older-than …] [--run-ids …] …`: `mlflow gc` for the store, through the
// server that owns it when one does (its owner.lock names port and token), else on the store directly.
import { resolve } from 'node:path';
import type { GcRequest, GcResponse } from '../tracking/rest/types';
import { StoreOwnedError, TrackingStore } from '../tracking/store/trackingStore';
import { isLoopbackHost, startTrackingServer } from '../tracking/server/trackingServer';
import type { OwnerInfo } from '../tracking/store/ownerLock';

const USAGE = `Usage: mlflow-workbench server [--store <dir>] [--host 127.0.0.1] [--port <n>] [--token <t>]
       mlflow-workbench gc [--store <dir>] [--older-than <d>] [--run-ids <ids>] [--experiment-ids <ids>]
                           [--logged-model-ids <ids>] [--dry-run]

  --store   the store folder (default ./.mlflow)
  --host    a loopback address to bind (default 127.0.0.1)
  --port    the port (default 5000; 0 picks a free one)
  --token   require 'Authorization: Bearer <token>' (what MLFLOW_TRACKING_TOKEN sends)
  --checkpoint-bytes  fold the journal into the database file once it holds this many bytes (default 8 MiB)

  gc permanently removes deleted runs, experiments and logged models with their metric histories and
  artifacts, as 'mlflow gc' does, and returns the space on disk:
  --older-than        only what was deleted at least this long ago ('30d', '2d8h5m20s')
  --run-ids           comma-separated runs (each must be deleted); default: every deleted run
  --experiment-ids    comma-separated experiments (each must be deleted), with all their runs;
                      default: every deleted experiment
  --logged-model-ids  comma-separated logged models (each must be deleted); default: every deleted one
  --dry-run           only print what would be removed`;

const FLAGS = new Set(['dry-run']);

function parseArgs(argv: string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const m = /^--([a-z-]+)(?:=(.*))?$/.exec(arg);
    if (!m) throw new Error(`Unexpected argument '${arg}'.`);
    const value = m[2] ?? (FLAGS.has(m[1]) ? 'true' : argv[++i]);
    if (value === undefined) throw new Error(`Option --${m[1]} needs a value.`);
    out[m[1]] = value;
  }
  return out;
}

async function serve(args: Record<string, string>): Promise<void> {
  for (const k of Object.keys(args)) if (!['store', 'host', 'port', 'token', 'checkpoint-bytes'].includes(k)) throw new Error(`Unknown option --${k}.`);
  const checkpointBytes = args['checkpoint-bytes'] === undefined ? undefined : Number(args['checkpoint-bytes']);
  if (checkpointBytes !== undefined && !(checkpointBytes > 0)) throw new Error('--checkpoint-bytes takes a positive number.');
  const host = args.host ?? '127.0.0.1';
  if (!isLoopbackHost(host)) throw new Error(`--host ${host} is not a loopback address; the server binds to loopback only.`);
  const port = Number(args.port ?? 5000);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`--port ${args.port} is not a port number.`);
  const dir = resolve(args.store ?? '.mlflow');
  let store: TrackingStore;
  try {
    store = await TrackingStore.open({ dir, checkpointBytes });
  } catch (err) {
    if (err instanceof StoreOwnedError) {
      const o = err.owner;
      const where = o.port ? ` It serves http://${o.host ?? '127.0.0.1'}:${o.port}; use that tracking URI instead.` : '';
      throw new Error(`The store ${dir} is in use by process ${o.pid}.${where}`, { cause: err });
    }
    throw err;
  }
  const server = await startTrackingServer({ store, host, port, token: args.token, log: (l) => console.error(l) });
  store.publishServer(host, server.port, args.token);
  console.log(`MLflow Workbench tracking server`);
  console.log(`  store:        ${dir}`);
  console.log(`Tracking URI: ${server.url}`);
  console.log(`  export MLFLOW_TRACKING_URI=${server.url}`);
  if (args.token) console.log('  export MLFLOW_TRACKING_TOKEN=<the token you passed>');
  let stopping = false;
  const stop = async (): Promise<void> => {
    if (stopping) return;
    stopping = true;
    await server.close();
    await store.close();
    process.exit(0);
  };
  process.on('SIGINT', () => void stop());
  process.on('SIGTERM', () => void stop());
}

/** gc through the owning server's route of ours, with its token. */
async function gcThroughServer(owner: OwnerInfo, req: GcRequest): Promise<GcResponse> {
  const host = owner.host && owner.host.includes(':') ? `[${owner.host}]` : (owner.host ?? '127.0.0.1');
  const res = await fetch(`http://${host}:${owner.port}/api/2.0/mlflow-workbench/gc`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', ...(owner.token ? { Authorization: `Bearer ${owner.token}` } : {}) },
    body: JSON.stringify(req),
  });
  const body = (await res.json()) as GcResponse & { message?: string };
  if (!res.ok) throw new Error(body.message ?? `the server answered ${res.status}`);
  return body;
}

const mb = (bytes: number): string => `${(bytes / 1e6).toFixed(1)} MB`;

async function gc(args: Record<string, string>): Promise<void> {
  for (const k of Object.keys(args)) {
    if (!['store', 'older-than', 'run-ids', 'experiment-ids', 'logged-model-ids', 'dry-run'].includes(k)) throw new Error(`Unknown option --${k}.`);
  }
  const dir = resolve(args.store ?? '.mlflow');
  const req: GcRequest = {
    older_than: args['older-than'],
    run_ids: args['run-ids'],
    experiment_ids: args['experiment-ids'],
    logged_model_ids: args['logged-model-ids'],
    dry_run: args['dry-run'] === 'true',
  };
  let result: GcResponse;
  let via = '';
  try {
    const store = await TrackingStore.open({ dir, checkpointIntervalMs: 0 });
    try {
      result = await store.gc(req);
    } finally {
      await store.close();
    }
  } catch (err) {
    if (!(err instanceof StoreOwnedError)) throw err;
    const o = err.owner;
    if (!o.port) throw new Error(`The store ${dir} is in use by process ${o.pid}, which serves no tracking server to ask; run gc from its window.`, { cause: err });
    result = await gcThroughServer(o, req);
    via = ` (through the server of process ${o.pid} on port ${o.port})`;
  }
  const verb = result.dry_run ? 'would be' : 'has been';
  for (const id of result.run_ids) console.log(`Run with ID ${id} ${verb} permanently deleted.`);
  for (const id of result.logged_model_ids) console.log(`Logged model with ID ${id} ${verb} permanently deleted.`);
  for (const id of result.experiment_ids) console.log(`Experiment with ID ${id} ${verb} permanently deleted.`);
  const counts = `${result.run_ids.length} runs, ${result.experiment_ids.length} experiments, ${result.logged_model_ids.length} logged models`;
  if (result.dry_run) console.log(`gc would remove ${counts}${via}.`);
  else console.log(`gc removed ${counts} and ${result.artifact_folders} artifact folders${via}; the store went from ${mb(result.bytes_before)} to ${mb(result.bytes_after)}.`);
}

async function main(argv: string[]): Promise<void> {
  const [command, ...rest] = argv;
  if (command === 'server') return serve(parseArgs(rest));
  if (command === 'gc') return gc(parseArgs(rest));
  if (command === undefined || command === '--help' || command === '-h' || command === 'help') {
    console.log(USAGE);
    return;
  }
  throw new Error(`Unknown command '${command}'.\n\n${USAGE}`);
}

main(process.argv.slice(2)).catch((err: unknown) => {
  console.error(`mlflow-workbench: ${(err as Error).message}`);
  process.exit(1);
});
