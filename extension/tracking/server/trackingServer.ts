// The MLflow-compatible tracking server over node:http. It binds to loopback only, checks the Host header
// (DNS rebinding), a bearer token when one is set and foreign Origins, limits request bodies, and answers
// every predictable failure with MLflow's error JSON and a non-5xx status.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { timingSafeEqual } from 'node:crypto';
import { invalidParameter, MlflowError } from '../errors';
import type { TrackingStore } from '../store/trackingStore';
import type { JsonSlices } from '../store/metricHistory';
import { ArtifactService } from './artifactRoutes';
import { Fields, parseQuery } from './fields';
import { toJson } from '../rest/json';
import { trackingRoutes, type Reply, type Route } from './trackingRoutes';
import { chartRoutes } from './chartRoutes';
import { gcRoutes } from './gcRoute';
import { PathRouter } from './pathRoutes';
import { readLimitedBody } from './requestBody';
import { loggedModelRoutes } from '../../loggedModels/loggedModelRoutes';
import { traceRoutes } from '../../traces/traceRoutes';
import { safeSegments } from './artifactPaths';
import { actorFromHeaders } from '../../registry/audit';
import { RegistryStore } from '../../registry/registryStore';
import { registryRoutes, workbenchRoutes, type RegistryRoute } from '../../registry/registryRoutes';

/**
 * What /version answers. MLflow clients gate one feature on it (the 3.11 client's only use of
 * `_get_server_version` is rest_store.log_spans): from 3.4 on, the client also sends every span as OTLP
 * protobuf to /v1/traces and reads spans back from traces/get and traces/batchGet, which we serve as MLflow's
 * SQL-backed server does (extension/traces/otlpRoute.ts, traceStore.ts). Below 3.4 clients keep spans only in
 * the traces.json artifact. We announce the first version that turns span ingestion on and no later one, so
 * a future client gating some newer server feature on a later version does not assume we have it.
 */
export const SERVER_VERSION = '3.4.0';
const LOOPBACK_HOSTS = new Set(['127.0.0.1', 'localhost', '::1', '[::1]']);
const API_PREFIXES = ['/api/2.0/mlflow/', '/ajax-api/2.0/mlflow/'];
const ARTIFACTS_PREFIX = '/api/2.0/mlflow-artifacts/';
/** Our own RPCs (e.g. the registry audit trail), beside MLflow's. */
const WORKBENCH_PREFIXES = ['/api/2.0/mlflow-workbench/', '/ajax-api/2.0/mlflow-workbench/'];

export interface TrackingServerOptions {
  store: TrackingStore;
  host?: string;
  port?: number;
  /** When set, every request but /health needs `Authorization: Bearer <token>`. */
  token?: string;
  maxBodyBytes?: number;
  log?: (line: string) => void;
}

export interface RunningServer {
  readonly url: string;
  readonly host: string;
  readonly port: number;
  readonly server: Server;
  close(): Promise<void>;
}

export function isLoopbackHost(host: string): boolean {
  return LOOPBACK_HOSTS.has(host) || /^127(\.\d{1,3}){3}$/.test(host);
}

function hostName(header: string | undefined): string | undefined {
  if (!header) return undefined;
  const m = /^(\[[^\]]+\]|[^:]+)(?::\d+)?$/.exec(header.trim().toLowerCase());
  return m?.[1];
}

function sendJson(res: ServerResponse, status: number, body: string): void {
  // Encode once: node:http writes a large string to the socket several times slower than the same bytes.
  const bytes = Buffer.from(body, 'utf8');
  res.writeHead(status, { 'Content-Type': 'application/json', 'Content-Length': bytes.length, 'X-Content-Type-Options': 'nosniff' });
  res.end(bytes);
}

/**
 * A large answer in slices, chunked. The next slice is taken only once the last one has been flushed to the
 * socket: a slice may live in a buffer its maker reuses for the next. Waiting also gives the event loop a turn,
 * so the client reads the start of a long metric history while the rest is still being made (with two cores
 * the two sides overlap).
 */
async function sendJsonSlices(res: ServerResponse, slices: JsonSlices): Promise<void> {
  res.writeHead(200, { 'Content-Type': 'application/json', 'X-Content-Type-Options': 'nosniff' });
  for await (const slice of slices) {
    if (res.destroyed) return; // the client went away: stop making bytes nobody reads
    await flushed(res, slice);
  }
  res.end();
}

/** Resolves once `chunk` has left for the socket, or the response is gone. */
function flushed(res: ServerResponse, chunk: Uint8Array): Promise<void> {
  return new Promise<void>((resolve) => {
    const done = (): void => {
      res.off('close', done);
      resolve();
    };
    res.once('close', done);
    res.write(chunk, done);
  });
}

function sendError(res: ServerResponse, err: MlflowError, status = err.httpStatus): void {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  sendJson(res, status, JSON.stringify(err.toJSON()));
}

function readBody(req: IncomingMessage, limit: number): Promise<Buffer> {
  return readLimitedBody(req, limit, (declared) =>
    invalidParameter(declared === undefined ? `Request body exceeds the limit of ${limit} bytes.` : `Request body of ${declared} bytes exceeds the limit of ${limit} bytes.`),
  );
}

function parseJsonBody(req: IncomingMessage, body: Buffer): Record<string, unknown> {
  const type = String(req.headers['content-type'] ?? '').toLowerCase();
  if (!/^application\/json\s*(;.*)?$/.test(type)) {
    throw invalidParameter(`Bad Request. Content-Type must be 'application/json', got '${type}'.`);
  }
  if (body.length === 0) return {};
  let parsed: unknown;
  try {
    parsed = JSON.parse(body.toString('utf8'));
    // Old clients send the JSON document as a JSON string.
    if (typeof parsed === 'string') parsed = JSON.parse(parsed);
  } catch (e) {
    throw invalidParameter(`Malformed JSON in request body: ${(e as Error).message}`);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw invalidParameter('Malformed request body: expected a JSON object.');
  return parsed as Record<string, unknown>;
}

function requiredQuery(url: URL, ...names: string[]): string {
  for (const n of names) {
    const v = url.searchParams.get(n);
    if (v) return v;
  }
  throw invalidParameter(`Missing value for required parameter '${names[0]}'.`);
}

export async function startTrackingServer(options: TrackingServerOptions): Promise<RunningServer> {
  const host = options.host ?? '127.0.0.1';
  if (!isLoopbackHost(host)) throw new Error(`Refusing to listen on ${host}: the tracking server binds to loopback only.`);
  const store = options.store;
  const routes = trackingRoutes(store);
  // The model registry shares the store's database and journal (extension/registry).
  const registry = new RegistryStore(store);
  const registryRouteMap = registryRoutes(registry);
  const workbenchRouteMap = workbenchRoutes(registry);
  const chartRouteMap = new Map([...chartRoutes(store), ...gcRoutes(store)]);
  const artifacts = new ArtifactService(store);
  // Routes with path parameters or outside /api/2.0/mlflow/ (MLflow 3's logged models and traces).
  const pathRouter = new PathRouter();
  pathRouter.add(...loggedModelRoutes(store, artifacts));
  pathRouter.add(...traceRoutes(store, artifacts));
  const maxBody = options.maxBodyBytes ?? 32 * 1024 * 1024;
  const expected = options.token ? Buffer.from(options.token) : undefined;
  let port = 0;

  const authorised = (req: IncomingMessage): boolean => {
    if (!expected) return true;
    const auth = String(req.headers.authorization ?? '');
    let presented: string | undefined;
    if (/^bearer /i.test(auth)) presented = auth.slice(7).trim();
    else if (/^basic /i.test(auth)) {
      // MLFLOW_TRACKING_USERNAME/PASSWORD win over the token in the Python client; accept the token as password.
      const decoded = Buffer.from(auth.slice(6).trim(), 'base64').toString('utf8');
      presented = decoded.slice(decoded.indexOf(':') + 1);
    }
    if (presented === undefined) return false;
    const given = Buffer.from(presented);
    return given.length === expected.length && timingSafeEqual(given, expected);
  };

  const originAllowed = (req: IncomingMessage): boolean => {
    // Browsers send Origin on cross-site requests; only pages served by this very server may call it.
    const origin = req.headers.origin;
    if (origin === undefined) return true;
    try {
      const u = new URL(origin);
      return u.protocol === 'http:' && isLoopbackHost(u.hostname) && Number(u.port || 80) === port;
    } catch {
      return false;
    }
  };

  async function reply(res: ServerResponse, body: Reply): Promise<void> {
    if ('rawResponse' in body) {
      const raw = (body as { rawResponse: { status: number; contentType: string; body: Buffer } }).rawResponse;
      res.writeHead(raw.status, { 'Content-Type': raw.contentType, 'Content-Length': raw.body.length, 'X-Content-Type-Options': 'nosniff' });
      return void res.end(raw.body);
    }
    if ('rawJsonSlices' in body) return sendJsonSlices(res, (body as { rawJsonSlices: JsonSlices }).rawJsonSlices);
    sendJson(res, 200, 'rawJson' in body ? (body as { rawJson: string }).rawJson : toJson(body));
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const name = hostName(req.headers.host);
    if (!name || !isLoopbackHost(name)) {
      return sendError(res, new MlflowError('PERMISSION_DENIED', `Invalid Host header: '${req.headers.host ?? ''}'. This server only answers loopback names.`));
    }
    if (!originAllowed(req)) return sendError(res, new MlflowError('PERMISSION_DENIED', 'Cross-origin requests are not allowed.'));
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const path = url.pathname;
    if (path === '/health') {
      res.writeHead(200, { 'Content-Type': 'text/plain' });
      return void res.end('OK');
    }
    if (!authorised(req)) {
      res.setHeader('WWW-Authenticate', 'Bearer realm="mlflow-workbench"');
      return sendError(res, new MlflowError('UNAUTHENTICATED', 'Missing or invalid token. Set MLFLOW_TRACKING_TOKEN to the token of this tracking server.'));
    }
    // WHATWG URL parsing silently resolves `..`/`.` segments (also as %2e) and turns `\` into `/`, re-targeting
    // the request; refuse them as MLflow does (no client sends them) instead of serving another path.
    const rawPath = (req.url ?? '/').split('?')[0];
    if (rawPath.includes('\\') || /(^|\/)(\.|%2e){1,2}(\/|$)/i.test(rawPath)) {
      throw invalidParameter(`Invalid path: '${rawPath}'. Dot segments and backslashes are not allowed in request paths.`);
    }
    const method = req.method ?? 'GET';
    if (path === '/version') {
      // Flask's default type, as MLflow answers it.
      res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8' });
      return void res.end(SERVER_VERSION);
    }
    if (path === '/api/3.0/mlflow/server-info') return reply(res, { store_type: 'SqlStore', workspaces_enabled: false });

    const pathMatch = pathRouter.match(path);
    if (pathMatch) {
      const { route, params } = pathMatch;
      if (!route.methods.includes(method)) {
        res.setHeader('Allow', route.methods.join(', '));
        return sendError(res, new MlflowError('BAD_REQUEST', `Method ${method} is not allowed for ${path}; use ${route.methods.join(' or ')}.`), 405);
      }
      const fields = route.rawBody ? new Fields(parseQuery(url.searchParams), true) : await fieldsOf(req, method, url);
      return reply(res, await route.handler(fields.with(params), { method, actor: actorFromHeaders(req.headers), req }));
    }

    if (path.startsWith(ARTIFACTS_PREFIX)) return handleArtifacts(req, res, method, path.slice(ARTIFACTS_PREFIX.length), url);
    if (path === '/get-artifact' && method === 'GET') {
      return artifacts.downloadRunArtifact(requiredQuery(url, 'run_uuid', 'run_id'), url.searchParams.get('path') ?? undefined, res);
    }
    if (path === '/ajax-api/2.0/mlflow/upload-artifact' && method === 'POST') {
      return reply(res, await artifacts.uploadRunArtifact(requiredQuery(url, 'run_uuid', 'run_id'), url.searchParams.get('path') ?? undefined, req));
    }

    if (path === '/model-versions/get-artifact' && method === 'GET') {
      // The UI's download of one file of a model version, through the artifact proxy's confinement.
      const uri = registry.getModelVersionDownloadUri(requiredQuery(url, 'name'), requiredQuery(url, 'version'));
      if (!uri.startsWith('mlflow-artifacts:/')) throw invalidParameter(`The artifacts of this model version (${uri}) are not stored on this server.`);
      const sub = safeSegments(requiredQuery(url, 'path'));
      return artifacts.download([uri.slice('mlflow-artifacts:/'.length).replace(/\/+$/, ''), ...sub].join('/'), res);
    }

    const prefix = API_PREFIXES.find((p) => path.startsWith(p));
    const ownPrefix = prefix ? undefined : WORKBENCH_PREFIXES.find((p) => path.startsWith(p));
    const route: Route | RegistryRoute | undefined = prefix
      ? (routes.get(path.slice(prefix.length)) ?? registryRouteMap.get(path.slice(prefix.length)))
      : ownPrefix
        ? (workbenchRouteMap.get(path.slice(ownPrefix.length)) ?? chartRouteMap.get(path.slice(ownPrefix.length)))
        : undefined;
    if (prefix && path.slice(prefix.length) === 'artifacts/list') {
      if (method !== 'GET') return sendError(res, new MlflowError('BAD_REQUEST', `Method ${method} is not allowed for ${path}.`), 405);
      const f = await fieldsOf(req, method, url);
      const runId = f.str('run_id') || f.str('run_uuid');
      if (!runId) throw invalidParameter("Missing value for required parameter 'run_id'.");
      return reply(res, artifacts.listRunArtifacts(runId, f.str('path')));
    }
    if (!route) return sendError(res, new MlflowError('ENDPOINT_NOT_FOUND', `No API endpoint ${path}`));
    if (!route.methods.includes(method)) {
      res.setHeader('Allow', route.methods.join(', '));
      return sendError(res, new MlflowError('BAD_REQUEST', `Method ${method} is not allowed for ${path}; use ${route.methods.join(' or ')}.`), 405);
    }
    const fields = await fieldsOf(req, method, url);
    return reply(res, await route.handler(fields, { method, actor: actorFromHeaders(req.headers) }));
  }

  async function fieldsOf(req: IncomingMessage, method: string, url: URL): Promise<Fields> {
    // GET reads the query string; a GET without one falls back to a JSON body, like MLflow.
    if (method === 'GET' && url.search.length > 1) return new Fields(parseQuery(url.searchParams), true);
    const body = await readBody(req, maxBody);
    if (method === 'GET' && body.length === 0) return new Fields({}, true);
    // A DELETE may carry its fields in the query string instead of a body (MLflow reads either).
    if (method === 'DELETE' && body.length === 0) return new Fields(url.search.length > 1 ? parseQuery(url.searchParams) : {}, true);
    return new Fields(parseJsonBody(req, body), false);
  }

  async function handleArtifacts(req: IncomingMessage, res: ServerResponse, method: string, rest: string, url: URL): Promise<void> {
    const mpu = /^mpu\/(create|complete|abort)\//.exec(rest);
    if (mpu) return artifacts.multipart();
    if (rest === 'artifacts' && method === 'GET') return reply(res, artifacts.list(url.searchParams.get('path') ?? ''));
    if (!rest.startsWith('artifacts/')) return sendError(res, new MlflowError('ENDPOINT_NOT_FOUND', `No API endpoint ${url.pathname}`));
    // Decode each segment once; safeSegments refuses what a second decoding would turn into traversal.
    let segments: string[];
    try {
      segments = rest.slice('artifacts/'.length).split('/').map(decodeURIComponent);
    } catch {
      throw invalidParameter('Invalid path: malformed percent-encoding.');
    }
    if (segments.some((s) => s.includes('/'))) throw invalidParameter('Invalid path: an encoded slash is not allowed in an artifact path.');
    const relPath = segments.join('/');
    switch (method) {
      case 'PUT':
        return reply(res, await artifacts.upload(relPath, req));
      case 'GET':
        return artifacts.download(relPath, res);
      case 'DELETE':
        return reply(res, artifacts.delete(relPath));
      default:
        return sendError(res, new MlflowError('BAD_REQUEST', `Method ${method} is not allowed for ${url.pathname}.`), 405);
    }
  }

  const server = createServer((req, res) => {
    handle(req, res).catch((err: unknown) => {
      if (err instanceof MlflowError) return sendError(res, err);
      options.log?.(`internal error on ${req.method} ${req.url}: ${(err as Error)?.stack ?? String(err)}`);
      sendError(res, new MlflowError('INTERNAL_ERROR', `Internal error: ${(err as Error)?.message ?? String(err)}`));
    });
  });
  server.keepAliveTimeout = 65_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  port = (server.address() as AddressInfo).port;
  const urlHost = host.includes(':') ? `[${host}]` : host;
  return {
    url: `http://${urlHost}:${port}`,
    host,
    port,
    server,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
