// Test support: reproduces the HTTP traffic of the MLflow Python client (`mlflow` 3.7, `requests` underneath)
// against a tracking server, request by request (reference §2.7), so tests can replay what
// `mlflow.set_experiment/start_run/log_*/end_run/search_runs` send without Python.
//
// Wire details mirrored from the Python client:
// - every request carries `User-Agent: mlflow-python-client/3.7.0`, `Accept: */*`, `Accept-Encoding: gzip, deflate`
//   and `Authorization: Bearer <MLFLOW_TRACKING_TOKEN>` (or Basic when username/password are set: Basic wins);
// - GET sends the request message as a query string (requests' `params=`: quote_plus encoding, a list is a
//   repeated key, booleans as `True`/`False`), with no body and no Content-Type;
// - POST sends `json.dumps(body)` (Python spacing, ensure_ascii) with `Content-Type: application/json`;
//   int64 fields go out as JSON numbers, NaN/±Infinity doubles as the strings "NaN"/"Infinity"/"-Infinity";
// - artifacts go through the artifact proxy: `mlflow-artifacts:/<exp>/<run>/artifacts` is mapped to
//   `<tracking uri>/api/2.0/mlflow-artifacts/artifacts/<exp>/<run>/artifacts`, files are PUT with a guessed
//   Content-Type, lists are `GET /api/2.0/mlflow-artifacts/artifacts?path=...` with basenames prefixed client-side.
// No retries: the real client retries 429/5xx, which would only hide server bugs here; every call is recorded
// in `calls` so tests can assert that no 5xx was ever answered.
import { request, type IncomingHttpHeaders } from 'node:http';
import { posix } from 'node:path';

export const PY_CLIENT_VERSION = '3.7.0';
export const USER_AGENT = `mlflow-python-client/${PY_CLIENT_VERSION}`;
export const API_PREFIX = '/api/2.0/mlflow';
export const AJAX_PREFIX = '/ajax-api/2.0/mlflow';
export const ARTIFACTS_PREFIX = '/api/2.0/mlflow-artifacts';

// Limits the Python client chunks log_batch by (mlflow.utils.validation).
export const MAX_PARAMS_TAGS_PER_BATCH = 100;
export const MAX_METRICS_PER_BATCH = 1000;
export const MAX_ENTITIES_PER_BATCH = 1000;

// ---- wire shapes (as the server sends them; doubles may be strings) ------------------------------------

export type WireDouble = number | 'NaN' | 'Infinity' | '-Infinity';
export interface KeyValue {
  key: string;
  value: string;
}
export interface Experiment {
  experiment_id: string;
  name: string;
  artifact_location: string;
  lifecycle_stage: 'active' | 'deleted';
  last_update_time: number;
  creation_time: number;
  tags?: KeyValue[];
}
export interface RunInfo {
  run_id: string;
  run_uuid: string;
  run_name: string;
  experiment_id: string;
  user_id: string;
  status: string;
  start_time?: number;
  end_time?: number;
  artifact_uri: string;
  lifecycle_stage: 'active' | 'deleted';
}
export interface Metric {
  key: string;
  value: number;
  timestamp: number;
  step: number;
  run_id?: string;
}
export interface Run {
  info: RunInfo;
  data: { metrics?: Metric[]; params?: KeyValue[]; tags?: KeyValue[] };
  inputs?: Record<string, unknown>;
  outputs?: Record<string, unknown>;
}
export interface FileInfo {
  path: string;
  is_dir: boolean;
  file_size?: number;
}

export function toWireDouble(v: number): WireDouble {
  if (Number.isFinite(v)) return v;
  return Number.isNaN(v) ? 'NaN' : v > 0 ? 'Infinity' : '-Infinity';
}

/** What the Python client's proto parsing makes of a double on the wire. */
export function fromWireDouble(v: unknown): number {
  if (typeof v === 'number') return v;
  if (v === 'NaN') return NaN;
  if (v === 'Infinity') return Infinity;
  if (v === '-Infinity') return -Infinity;
  throw new Error(`not a protobuf-JSON double: ${JSON.stringify(v)}`);
}

function parseMetrics<T extends { value: unknown }>(metrics: T[] | undefined): Array<T & { value: number }> | undefined {
  return metrics?.map((m) => ({ ...m, value: fromWireDouble(m.value) }));
}

/** A run as the Python client sees it after parsing: metric values are numbers (NaN/±Infinity included). */
export function parseRun(raw: Run): Run {
  const metrics = parseMetrics(raw.data?.metrics);
  return { ...raw, data: { ...raw.data, ...(metrics ? { metrics } : {}) } };
}

// ---- encodings of Python's json / requests ------------------------------------------------------------

/** `json.dumps(v)`: `", "` and `": "` separators, non-ASCII escaped (ensure_ascii), NaN refused (allow_nan=False). */
export function pyJsonDumps(v: unknown): string {
  if (v === null || v === undefined) return 'null';
  if (typeof v === 'boolean') return v ? 'true' : 'false';
  if (typeof v === 'number') {
    if (!Number.isFinite(v)) throw new Error(`Out of range float values are not JSON compliant: ${v}`);
    return String(v);
  }
  if (typeof v === 'string') return JSON.stringify(v).replace(/[\u0080-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
  if (Array.isArray(v)) return `[${v.map(pyJsonDumps).join(', ')}]`;
  if (typeof v === 'object') {
    const entries = Object.entries(v as Record<string, unknown>).filter(([, x]) => x !== undefined);
    return `{${entries.map(([k, x]) => `${pyJsonDumps(k)}: ${pyJsonDumps(x)}`).join(', ')}}`;
  }
  throw new Error(`cannot serialise ${typeof v}`);
}

/** urllib's quote_plus: unreserved characters kept, space as '+', everything else %XX of its UTF-8 bytes. */
export function quotePlus(s: string): string {
  let out = '';
  for (const b of Buffer.from(s, 'utf8')) {
    const c = String.fromCharCode(b);
    if (/[A-Za-z0-9_.~-]/.test(c)) out += c;
    else if (b === 0x20) out += '+';
    else out += `%${b.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return out;
}

/** requests' `params=`: None dropped, lists as repeated keys, booleans as True/False. */
export function encodeQuery(params: Record<string, unknown> | undefined): string {
  const parts: string[] = [];
  for (const [k, v] of Object.entries(params ?? {})) {
    for (const item of Array.isArray(v) ? v : [v]) {
      if (item === undefined || item === null) continue;
      const text = typeof item === 'boolean' ? (item ? 'True' : 'False') : String(item);
      parts.push(`${quotePlus(k)}=${quotePlus(text)}`);
    }
  }
  return parts.join('&');
}

/** requests' requote_uri for a URL path: reserved and already-escaped characters kept, the rest %-encoded. */
export function requotePath(path: string): string {
  let out = '';
  const bytes = Buffer.from(path, 'utf8');
  for (let i = 0; i < bytes.length; i++) {
    const b = bytes[i];
    const c = String.fromCharCode(b);
    if (b === 0x25 && /^[0-9A-Fa-f]{2}$/.test(bytes.subarray(i + 1, i + 3).toString('latin1'))) out += c;
    else if (b < 0x80 && /[A-Za-z0-9\-._~!#$&'()*+,/:;=?@[\]]/.test(c)) out += c;
    else out += `%${b.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return out;
}

const MIME: Record<string, string> = {
  '.txt': 'text/plain', '.log': 'text/plain', '.json': 'application/json', '.csv': 'text/csv', '.html': 'text/html',
  '.png': 'image/png', '.jpg': 'image/jpeg', '.jpeg': 'image/jpeg', '.yaml': 'application/yaml', '.md': 'text/markdown',
};

/** mlflow's _guess_mime_type: mimetypes.guess_type, else application/octet-stream. */
export function guessMimeType(name: string): string {
  return MIME[posix.extname(name).toLowerCase()] ?? 'application/octet-stream';
}

// ---- raw HTTP ------------------------------------------------------------------------------------------

export interface HttpResult {
  status: number;
  headers: IncomingHttpHeaders;
  body: Buffer;
  text: string;
  /** Parses the body as JSON (throws when it is not). */
  json<T = Record<string, unknown>>(): T;
}

export interface RawRequest {
  method: string;
  /** Sent exactly as given (no normalisation of `..`, no re-encoding): include the query string. */
  path: string;
  headers?: Record<string, string | number | undefined>;
  body?: string | Buffer;
  timeoutMs?: number;
}

/**
 * One request over node:http. Unlike fetch it can send any Host header, a body on GET and raw paths such as
 * `/a/../b` untouched.
 */
export function rawRequest(baseUrl: string, req: RawRequest): Promise<HttpResult> {
  const base = new URL(baseUrl);
  const headers: Record<string, string | number> = {};
  for (const [k, v] of Object.entries(req.headers ?? {})) if (v !== undefined) headers[k] = v;
  const body = req.body === undefined ? undefined : Buffer.isBuffer(req.body) ? req.body : Buffer.from(req.body, 'utf8');
  if (body && !Object.keys(headers).some((k) => k.toLowerCase() === 'content-length')) headers['Content-Length'] = body.length;
  return new Promise((resolve, reject) => {
    const r = request(
      { host: base.hostname.replace(/^\[|\]$/g, ''), port: base.port, method: req.method, path: req.path, headers, timeout: req.timeoutMs ?? 30_000 },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('error', reject);
        res.on('end', () => {
          const buf = Buffer.concat(chunks);
          const text = buf.toString('utf8');
          resolve({
            status: res.statusCode ?? 0,
            headers: res.headers,
            body: buf,
            text,
            json: <T>() => JSON.parse(text) as T,
          });
        });
      },
    );
    r.on('timeout', () => r.destroy(new Error(`timeout: ${req.method} ${req.path}`)));
    r.on('error', reject);
    r.end(body);
  });
}

// ---- the client ------------------------------------------------------------------------------------------

export class MlflowApiError extends Error {
  constructor(
    readonly method: string,
    readonly path: string,
    readonly status: number,
    readonly errorCode: string | undefined,
    readonly serverMessage: string | undefined,
    readonly body: string,
  ) {
    super(`${method} ${path} → ${status} ${errorCode ?? ''}: ${serverMessage ?? body.slice(0, 300)}`);
    this.name = 'MlflowApiError';
  }
}

export interface CallRecord {
  method: string;
  path: string;
  status: number;
}

export interface ClientOptions {
  /** MLFLOW_TRACKING_URI. */
  trackingUri: string;
  /** MLFLOW_TRACKING_TOKEN → `Authorization: Bearer <token>`. */
  token?: string;
  /** MLFLOW_TRACKING_USERNAME / _PASSWORD → Basic auth (wins over the token). */
  username?: string;
  password?: string;
  /** Where the tracking RPCs are mounted: `/api/2.0/mlflow` (client) or `/ajax-api/2.0/mlflow` (UI). */
  apiPrefix?: string;
  /** The `mlflow.user` tag / user_id (getpass.getuser()). */
  user?: string;
  /** The `mlflow.source.name` tag (the script's path). */
  sourceName?: string;
  now?: () => number;
}

export interface StartRunOptions {
  runName?: string;
  nested?: boolean;
  tags?: Record<string, string>;
  description?: string;
  experimentId?: string;
  /** Resume an existing run (start_run(run_id=...)). */
  runId?: string;
}

export interface SearchRunsOptions {
  experimentIds?: string[];
  filter?: string;
  runViewType?: 'ACTIVE_ONLY' | 'DELETED_ONLY' | 'ALL';
  orderBy?: string[];
  /** max_results of each request (mlflow.search_runs pages by 10000). */
  pageSize?: number;
}

export interface MetricPoint {
  value: number;
  step?: number;
  timestamp?: number;
}

export class MlflowRestClient {
  readonly calls: CallRecord[] = [];
  readonly trackingUri: string;
  readonly apiPrefix: string;
  activeExperimentId: string | undefined;
  private readonly runStack: string[] = [];
  /** The client's per-run artifact repository cache (utils._artifact_repos_cache), filled by a runs/get. */
  private readonly artifactRepos = new Map<string, string>();
  private readonly now: () => number;

  constructor(readonly options: ClientOptions) {
    this.trackingUri = options.trackingUri.replace(/\/+$/, '');
    this.apiPrefix = options.apiPrefix ?? API_PREFIX;
    this.now = options.now ?? Date.now;
  }

  /** The headers `requests` sends for this client (without Content-Type). */
  baseHeaders(): Record<string, string> {
    const h: Record<string, string> = { 'User-Agent': USER_AGENT, 'Accept-Encoding': 'gzip, deflate', Accept: '*/*', Connection: 'keep-alive' };
    const { username, password, token } = this.options;
    if (username !== undefined && password !== undefined) h.Authorization = `Basic ${Buffer.from(`${username}:${password}`).toString('base64')}`;
    else if (token) h.Authorization = `Bearer ${token}`;
    return h;
  }

  /** Any request with this client's headers; recorded in `calls`. */
  async http(method: string, path: string, opts: { query?: Record<string, unknown>; json?: unknown; body?: Buffer | string; headers?: Record<string, string> } = {}): Promise<HttpResult> {
    const qs = encodeQuery(opts.query);
    const fullPath = qs ? `${path}${path.includes('?') ? '&' : '?'}${qs}` : path;
    const headers: Record<string, string> = { ...this.baseHeaders(), ...(opts.headers ?? {}) };
    let body = opts.body;
    if (opts.json !== undefined) {
      body = pyJsonDumps(opts.json);
      headers['Content-Type'] = 'application/json';
    }
    const res = await rawRequest(this.trackingUri, { method, path: fullPath, headers, body });
    this.calls.push({ method, path: fullPath, status: res.status });
    return res;
  }

  /** One RPC: GET with the fields as a query string, anything else with a JSON body; non-200 throws MlflowApiError. */
  async call<T = Record<string, unknown>>(method: 'GET' | 'POST', endpoint: string, fields: Record<string, unknown> = {}): Promise<T> {
    const path = `${this.apiPrefix}/${endpoint}`;
    const res = await this.http(method, path, method === 'GET' ? { query: fields } : { json: fields });
    return this.decode<T>(method, path, res);
  }

  private decode<T>(method: string, path: string, res: HttpResult): T {
    if (res.status !== 200) {
      let code: string | undefined;
      let message: string | undefined;
      try {
        const err = res.json<{ error_code?: string; message?: string }>();
        code = err.error_code;
        message = err.message;
      } catch {
        /* not JSON */
      }
      throw new MlflowApiError(method, path, res.status, code, message, res.text);
    }
    return res.json<T>();
  }

  get<T = Record<string, unknown>>(endpoint: string, query: Record<string, unknown> = {}): Promise<T> {
    return this.call<T>('GET', endpoint, query);
  }

  post<T = Record<string, unknown>>(endpoint: string, body: Record<string, unknown> = {}): Promise<T> {
    return this.call<T>('POST', endpoint, body);
  }

  // ---- experiments ----------------------------------------------------------------------------------------

  async getExperiment(experimentId: string): Promise<Experiment> {
    return (await this.get<{ experiment: Experiment }>('experiments/get', { experiment_id: experimentId })).experiment;
  }

  async getExperimentByName(name: string): Promise<Experiment> {
    return (await this.get<{ experiment: Experiment }>('experiments/get-by-name', { experiment_name: name })).experiment;
  }

  async createExperiment(name: string, opts: { artifactLocation?: string; tags?: Record<string, string> } = {}): Promise<string> {
    const tags = Object.entries(opts.tags ?? {}).map(([key, value]) => ({ key, value }));
    const body: Record<string, unknown> = { name };
    if (opts.artifactLocation) body.artifact_location = opts.artifactLocation;
    if (tags.length) body.tags = tags;
    return (await this.post<{ experiment_id: string }>('experiments/create', body)).experiment_id;
  }

  async deleteExperiment(experimentId: string): Promise<void> {
    await this.post('experiments/delete', { experiment_id: experimentId });
  }

  async restoreExperiment(experimentId: string): Promise<void> {
    await this.post('experiments/restore', { experiment_id: experimentId });
  }

  /** MlflowClient.search_experiments, all pages: POST experiments/search. */
  async searchExperiments(opts: { viewType?: string; filter?: string; orderBy?: string[]; pageSize?: number } = {}): Promise<{ experiments: Experiment[]; pages: number }> {
    const experiments: Experiment[] = [];
    let token: string | undefined;
    let pages = 0;
    do {
      const body: Record<string, unknown> = { max_results: opts.pageSize ?? 1000, view_type: opts.viewType ?? 'ACTIVE_ONLY' };
      if (opts.filter) body.filter = opts.filter;
      if (opts.orderBy?.length) body.order_by = opts.orderBy;
      if (token) body.page_token = token;
      const page = await this.post<{ experiments?: Experiment[]; next_page_token?: string }>('experiments/search', body);
      pages++;
      experiments.push(...(page.experiments ?? []));
      token = page.next_page_token;
    } while (token);
    return { experiments, pages };
  }

  /** mlflow.set_experiment(name): get-by-name → (RESOURCE_DOES_NOT_EXIST) create → get. */
  async setExperiment(name: string): Promise<Experiment> {
    let exp: Experiment;
    try {
      exp = await this.getExperimentByName(name);
    } catch (err) {
      if (!(err instanceof MlflowApiError && err.errorCode === 'RESOURCE_DOES_NOT_EXIST')) throw err;
      try {
        exp = await this.getExperiment(await this.createExperiment(name));
      } catch (err2) {
        // Another process created it in between.
        if (!(err2 instanceof MlflowApiError && err2.errorCode === 'RESOURCE_ALREADY_EXISTS')) throw err2;
        exp = await this.getExperimentByName(name);
      }
    }
    if (exp.lifecycle_stage === 'deleted') {
      throw new Error(`Cannot set a deleted experiment '${name}' as the active experiment. You can restore the experiment, or permanently delete the experiment to create a new one.`);
    }
    this.activeExperimentId = exp.experiment_id;
    return exp;
  }

  // ---- runs ---------------------------------------------------------------------------------------------

  activeRunId(): string | undefined {
    return this.runStack[this.runStack.length - 1];
  }

  private runIdOr(runId: string | undefined): string {
    const id = runId ?? this.activeRunId();
    if (!id) throw new Error('No active run.');
    return id;
  }

  async getRun(runId: string): Promise<Run> {
    const { run } = await this.get<{ run: Run }>('runs/get', { run_uuid: runId, run_id: runId });
    return parseRun(run);
  }

  /** mlflow.start_run(...): runs/create with the client's context tags, or a resume of an existing run. */
  async startRun(opts: StartRunOptions = {}): Promise<Run> {
    const parent = this.activeRunId();
    if (parent && !opts.nested && !opts.runId) {
      throw new Error(`Run with UUID ${parent} is already active. To start a new run, first end the current run with mlflow.end_run(). To start a nested run, call start_run with nested=True`);
    }
    if (opts.runId) {
      const existing = await this.getRun(opts.runId);
      const update: Record<string, unknown> = { run_uuid: opts.runId, run_id: opts.runId, status: 'RUNNING' };
      if (existing.info.end_time !== undefined) update.end_time = existing.info.end_time;
      await this.post('runs/update', update);
      if (opts.tags) await this.logBatch({ tags: opts.tags }, opts.runId);
      const run = await this.getRun(opts.runId);
      this.runStack.push(opts.runId);
      return run;
    }
    const user: Record<string, string> = { ...(opts.tags ?? {}) };
    if (opts.description) user['mlflow.note.content'] = opts.description;
    if (opts.nested && parent) user['mlflow.parentRunId'] = parent;
    if (opts.runName) user['mlflow.runName'] = opts.runName;
    // context_registry.resolve_tags: the context providers' tags first, the user's override them.
    const tags: Record<string, string> = {
      'mlflow.user': this.options.user ?? 'tester',
      'mlflow.source.name': this.options.sourceName ?? 'train.py',
      'mlflow.source.type': 'LOCAL',
      ...user,
    };
    const body: Record<string, unknown> = {
      experiment_id: opts.experimentId ?? this.activeExperimentId ?? '0',
      user_id: tags['mlflow.user'] ?? 'unknown',
      start_time: this.now(),
      tags: Object.entries(tags).map(([key, value]) => ({ key, value })),
    };
    if (opts.runName) body.run_name = opts.runName;
    const { run } = await this.post<{ run: Run }>('runs/create', body);
    this.runStack.push(run.info.run_id);
    return parseRun(run);
  }

  /** mlflow.end_run(status): runs/get (the client prints the run's URL) → runs/update status + end_time. */
  async endRun(status: 'FINISHED' | 'FAILED' | 'KILLED' = 'FINISHED'): Promise<RunInfo> {
    const runId = this.runIdOr(undefined);
    await this.getRun(runId);
    const { run_info } = await this.post<{ run_info: RunInfo }>('runs/update', { run_uuid: runId, run_id: runId, status, end_time: this.now() });
    this.runStack.pop();
    return run_info;
  }

  /** Forgets the active run without ending it, as a crashed script leaves it: the run stays RUNNING. */
  abandonRun(): string | undefined {
    return this.runStack.pop();
  }

  async deleteRun(runId: string): Promise<void> {
    await this.post('runs/delete', { run_id: runId });
  }

  async restoreRun(runId: string): Promise<void> {
    await this.post('runs/restore', { run_id: runId });
  }

  // ---- logging ------------------------------------------------------------------------------------------

  /** mlflow.log_param: value sent as str(value). */
  async logParam(key: string, value: string | number | boolean, runId?: string): Promise<void> {
    const id = this.runIdOr(runId);
    await this.post('runs/log-parameter', { run_uuid: id, run_id: id, key, value: pyStr(value) });
  }

  async logParams(params: Record<string, string | number | boolean>, runId?: string): Promise<number> {
    return this.logBatch({ params }, runId);
  }

  /** mlflow.log_metric: timestamp = now (ms), step 0 unless given. */
  async logMetric(key: string, value: number, opts: { step?: number; timestamp?: number; runId?: string } = {}): Promise<void> {
    const id = this.runIdOr(opts.runId);
    await this.post('runs/log-metric', { run_uuid: id, run_id: id, key, value: toWireDouble(value), timestamp: opts.timestamp ?? this.now(), step: opts.step ?? 0 });
  }

  async logMetrics(metrics: Record<string, number>, opts: { step?: number; timestamp?: number; runId?: string } = {}): Promise<number> {
    const timestamp = opts.timestamp ?? this.now();
    const list = Object.entries(metrics).map(([key, value]) => ({ key, value, timestamp, step: opts.step ?? 0 }));
    return this.logBatch({ metrics: list }, opts.runId);
  }

  async setTag(key: string, value: string, runId?: string): Promise<void> {
    const id = this.runIdOr(runId);
    await this.post('runs/set-tag', { run_uuid: id, run_id: id, key, value: pyStr(value) });
  }

  async setTags(tags: Record<string, string>, runId?: string): Promise<number> {
    return this.logBatch({ tags }, runId);
  }

  /**
   * MlflowClient.log_batch, chunked as TrackingServiceClient does: params and tags in slices of 100 zipped
   * together, each topped up with metrics to at most 1000 entities; the remaining metrics in slices of 1000.
   * Returns the number of runs/log-batch requests sent.
   */
  async logBatch(
    batch: { metrics?: Array<{ key: string; value: number; timestamp: number; step?: number }>; params?: Record<string, string | number | boolean>; tags?: Record<string, string> },
    runId?: string,
  ): Promise<number> {
    const id = this.runIdOr(runId);
    let metrics = (batch.metrics ?? []).map((m) => ({ key: m.key, value: toWireDouble(m.value), timestamp: m.timestamp, step: m.step ?? 0 }));
    const params = Object.entries(batch.params ?? {}).map(([key, value]) => ({ key, value: pyStr(value) }));
    const tags = Object.entries(batch.tags ?? {}).map(([key, value]) => ({ key, value }));
    const paramChunks = chunk(params, MAX_PARAMS_TAGS_PER_BATCH);
    const tagChunks = chunk(tags, MAX_PARAMS_TAGS_PER_BATCH);
    let requests = 0;
    const send = async (m: unknown[], p: unknown[], t: unknown[]): Promise<void> => {
      const body: Record<string, unknown> = { run_id: id };
      if (m.length) body.metrics = m;
      if (p.length) body.params = p;
      if (t.length) body.tags = t;
      await this.post('runs/log-batch', body);
      requests++;
    };
    for (let i = 0; i < Math.max(paramChunks.length, tagChunks.length); i++) {
      const p = paramChunks[i] ?? [];
      const t = tagChunks[i] ?? [];
      const room = Math.max(Math.min(MAX_ENTITIES_PER_BATCH - p.length - t.length, MAX_METRICS_PER_BATCH), 0);
      const m = metrics.slice(0, room);
      metrics = metrics.slice(room);
      await send(m, p, t);
    }
    for (const m of chunk(metrics, MAX_METRICS_PER_BATCH)) await send(m, [], []);
    return requests;
  }

  // ---- artifacts ----------------------------------------------------------------------------------------

  /**
   * The artifact repository URL the Python client derives from a run's `mlflow-artifacts:` artifact_uri: the
   * first artifact call for a run does a runs/get, later ones use the cached repository.
   */
  async artifactRepoUrl(runId?: string): Promise<string> {
    const id = this.runIdOr(runId);
    let uri = this.artifactRepos.get(id);
    if (uri === undefined) {
      uri = (await this.getRun(id)).info.artifact_uri;
      this.artifactRepos.set(id, uri);
    }
    const m = /^mlflow-artifacts:(?:\/\/([^/]+))?(\/.*)$/.exec(uri);
    if (!m) throw new Error(`not an mlflow-artifacts URI: ${uri}`);
    const base = m[1] ? `http://${m[1]}` : this.trackingUri;
    return `${base}${ARTIFACTS_PREFIX}/artifacts${m[2].replace(/\/+$/, '')}`;
  }

  private async artifactRepoPath(runId?: string): Promise<string> {
    return new URL(await this.artifactRepoUrl(runId)).pathname;
  }

  /** mlflow.log_artifact(local_file, artifact_path) with the file's bytes given directly. */
  async logArtifactBytes(fileName: string, bytes: Buffer | string, artifactPath?: string, runId?: string): Promise<HttpResult> {
    const root = await this.artifactRepoPath(runId);
    const rel = artifactPath ? posix.join(artifactPath, fileName) : fileName;
    const path = requotePath(posix.join(root, rel));
    const res = await this.http('PUT', path, { body: Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes, 'utf8'), headers: { 'Content-Type': guessMimeType(fileName) } });
    return this.decodeArtifact(res, 'PUT', path);
  }

  /** mlflow.log_text(text, artifact_file): a temp file named like artifact_file's basename, logged to its dirname. */
  async logText(text: string, artifactFile: string, runId?: string): Promise<HttpResult> {
    const dir = posix.dirname(artifactFile);
    return this.logArtifactBytes(posix.basename(artifactFile), text, dir === '.' ? undefined : dir, runId);
  }

  private decodeArtifact(res: HttpResult, method: string, path: string): HttpResult {
    if (res.status !== 200) this.decode(method, path, res);
    return res;
  }

  /**
   * MlflowClient.list_artifacts for an mlflow-artifacts run: GET /api/2.0/mlflow-artifacts/artifacts?path=<root>/<path>.
   * `raw` is what the server sent (basenames); `files` has them prefixed with `path`, as the client does.
   */
  async listArtifacts(path?: string, runId?: string): Promise<{ files: FileInfo[]; raw: { files?: FileInfo[] } }> {
    const root = (await this.artifactRepoPath(runId)).slice(`${ARTIFACTS_PREFIX}/artifacts/`.length);
    const listPath = `${ARTIFACTS_PREFIX}/artifacts`;
    const res = await this.http('GET', listPath, { query: { path: path ? posix.join(root, path) : root } });
    const raw = this.decode<{ files?: FileInfo[] }>('GET', listPath, res);
    const files = (raw.files ?? []).map((f) => ({ ...f, path: path ? posix.join(path, f.path) : f.path }));
    return { files, raw };
  }

  /** The tracking API's artifacts/list (what the UI calls): paths come back with the `path` prefix. */
  async listArtifactsViaTracking(runId: string, path?: string): Promise<{ root_uri?: string; files?: FileInfo[] }> {
    const q: Record<string, unknown> = { run_id: runId, run_uuid: runId };
    if (path !== undefined) q.path = path;
    return this.get('artifacts/list', q);
  }

  /** Downloads one artifact file through the proxy (a non-200 answer throws MlflowApiError). */
  async downloadArtifact(path: string, runId?: string): Promise<HttpResult> {
    const full = requotePath(posix.join(await this.artifactRepoPath(runId), path));
    const res = await this.http('GET', full);
    return this.decodeArtifact(res, 'GET', full);
  }

  // ---- search and history -------------------------------------------------------------------------------

  /** mlflow.search_runs: POST runs/search, repeated while next_page_token is present. */
  async searchRuns(opts: SearchRunsOptions = {}): Promise<{ runs: Run[]; pages: number; tokens: string[] }> {
    const runs: Run[] = [];
    const tokens: string[] = [];
    let token: string | undefined;
    let pages = 0;
    do {
      const body: Record<string, unknown> = {
        experiment_ids: opts.experimentIds ?? [this.activeExperimentId ?? '0'],
        run_view_type: opts.runViewType ?? 'ACTIVE_ONLY',
        max_results: opts.pageSize ?? 10000,
      };
      if (opts.filter) body.filter = opts.filter;
      if (opts.orderBy?.length) body.order_by = opts.orderBy;
      if (token) body.page_token = token;
      const page = await this.post<{ runs?: Run[]; next_page_token?: string }>('runs/search', body);
      pages++;
      runs.push(...(page.runs ?? []).map(parseRun));
      token = page.next_page_token;
      if (token) tokens.push(token);
      if (pages > 10_000) throw new Error('runs/search never stops paging');
    } while (token);
    return { runs, pages, tokens };
  }

  /** MlflowClient.get_metric_history: GET metrics/get-history, following next_page_token. */
  async getMetricHistory(runId: string, key: string, pageSize?: number): Promise<Metric[]> {
    const out: Metric[] = [];
    let token: string | undefined;
    let pages = 0;
    do {
      const q: Record<string, unknown> = { run_uuid: runId, run_id: runId, metric_key: key };
      if (pageSize !== undefined) q.max_results = pageSize;
      if (token) q.page_token = token;
      const page = await this.get<{ metrics?: Array<Metric & { value: WireDouble }>; next_page_token?: string }>('metrics/get-history', q);
      out.push(...(parseMetrics(page.metrics) ?? []));
      token = page.next_page_token;
      if (++pages > 100_000) throw new Error('metrics/get-history never stops paging');
    } while (token);
    return out;
  }
}

function pyStr(v: string | number | boolean): string {
  if (typeof v === 'boolean') return v ? 'True' : 'False';
  return String(v);
}

function chunk<T>(items: T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}
