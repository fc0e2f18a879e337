// `mlflow-workbench server --store <dir> --host 127.0.0.1 --port <n> [--token <t>]`: the same tracking server
// the extension hosts, for runs started outside the editor and for CI pipelines.
import { resolve } from 'node:path';
import { StoreOwnedError, TrackingStore } from '../tracking/store/trackingStore';
import { isLoopbackHost, startTrackingServer } from '../tracking/server/trackingServer';

const USAGE = `Usage: mlflow-workbench server [--store <dir>] [--host 127.0.0.1] [--port <n>] [--token <t>]

  --store   the store folder (default ./.mlflow)
  --host    a loopback address to bind (default 127.0.0.1)
  --port    the port (default 5000; 0 picks a free one)
  --token   require 'Authorization: Bearer <token>' (what MLFLOW_TRACKING_TOKEN sends)
  --checkpoint-bytes  fold the journal into the database file once it holds this many bytes (default 8 MiB)`;

function parseArgs(argv: string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const m = /^--([a-z-]+)(?:=(.*))?$/.exec(arg);
    if (!m) throw new Error(`Unexpected argument '${arg}'.`);
    const value = m[2] ?? argv[++i];
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

async function main(argv: string[]): Promise<void> {
  const [command, ...rest] = argv;
  if (command === 'server') return serve(parseArgs(rest));
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
