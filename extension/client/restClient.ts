// TrackingClient over MLflow's REST API: the client of another window's workspace server, or of a remote
// MLflow tracking server (a team's shared one). Only standard MLflow routes are required; what a server lacks
// (the registry, say) surfaces as ENDPOINT_NOT_FOUND for the views to degrade on.
import type {
  Experiment, FileInfo, GcRequest, GcResponse, GetMetricSeriesRequest, GetMetricSummariesResponse, LoggedModel, Metric, MetricSummary, Page, RegistryAuditEntry, Run,
  SearchLoggedModelsRequest, SearchTracesRequest, TraceData, TraceInfo,
} from '../tracking/rest/types';
import { localArtifactFile } from './artifactLocation';
import { ClientError, isEndpointMissing } from './clientError';
import { HistorySummaryCache, wireNumber } from './metricSummaries';
import type { ModelVersion, RegisteredModel } from './registryTypes';
import { RestTransport, type TransportOptions } from './restTransport';
import { normaliseSpans, proxiedArtifactDir, proxiedArtifactPath, spansInTrackingStore, TRACE_ARTIFACT_LOCATION_TAG, TRACE_DATA_FILE } from './traceSpans';
import {
  page, quoteFilterValue, searchRunsRequest, type ExperimentQuery, type LoggedModelQuery, type MetricPoints, type MetricSeries,
  type ModelVersionInput, type RegistryClient, type RunQuery, type SeriesQuery, type StepRange, type TraceDetail, type TraceQuery,
  type TrackingClient,
} from './trackingClient';

const API = 'api/2.0/mlflow/';
const API3 = 'api/3.0/mlflow/';
/**
 * What MLflow's 3.x client sends as get-history's max_results (GET_METRIC_HISTORY_MAX_RESULTS). A 3.x server
 * reads a missing max_results as 0 and answers an empty page with a token it then refuses; 2.x ignores it.
 */
export const HISTORY_PAGE_SIZE = 25_000;
/** Largest page traces/search accepts (MLflow 3 refuses more than 500). */
const TRACE_PAGE_LIMIT = 500;
/** A server found without MLflow 3's routes is asked again after this long (it may have been upgraded). */
const MISSING_RECHECK_MS = 60_000;
/** Our own routes (extension/tracking/server/chartRoutes.ts): a plain MLflow server answers 404. */
const WORKBENCH = 'api/2.0/mlflow-workbench/';

export class RestRegistryClient implements RegistryClient {
  constructor(private readonly http: RestTransport) {}

  async searchRegisteredModels(q: { maxResults: number; pageToken?: string }): Promise<Page<RegisteredModel>> {
    const r = await this.http.get<{ registered_models?: RegisteredModel[]; next_page_token?: string }>(`${API}registered-models/search`, {
      max_results: q.maxResults,
      page_token: q.pageToken,
    });
    return page(r.registered_models, r.next_page_token);
  }

  async getRegisteredModel(name: string): Promise<RegisteredModel> {
    return (await this.http.get<{ registered_model: RegisteredModel }>(`${API}registered-models/get`, { name })).registered_model;
  }

  async searchModelVersions(q: { name: string; maxResults: number; pageToken?: string }): Promise<Page<ModelVersion>> {
    const r = await this.http.get<{ model_versions?: ModelVersion[]; next_page_token?: string }>(`${API}model-versions/search`, {
      filter: `name=${quoteFilterValue(q.name)}`,
      max_results: q.maxResults,
      page_token: q.pageToken,
      order_by: ['version_number DESC'],
    });
    return page(r.model_versions, r.next_page_token);
  }

  async createRegisteredModel(name: string, description?: string): Promise<RegisteredModel> {
    return (await this.http.post<{ registered_model: RegisteredModel }>(`${API}registered-models/create`, { name, description })).registered_model;
  }

  async renameRegisteredModel(name: string, newName: string): Promise<void> {
    await this.http.post(`${API}registered-models/rename`, { name, new_name: newName });
  }

  async updateRegisteredModel(name: string, description: string): Promise<void> {
    await this.http.patch(`${API}registered-models/update`, { name, description });
  }

  async deleteRegisteredModel(name: string): Promise<void> {
    await this.http.delete(`${API}registered-models/delete`, { name });
  }

  async createModelVersion(input: ModelVersionInput): Promise<ModelVersion> {
    const r = await this.http.post<{ model_version: ModelVersion }>(`${API}model-versions/create`, {
      name: input.name,
      source: input.source,
      run_id: input.runId,
      description: input.description,
    });
    return r.model_version;
  }

  async updateModelVersion(name: string, version: string, description: string): Promise<void> {
    await this.http.patch(`${API}model-versions/update`, { name, version, description });
  }

  async transitionStage(name: string, version: string, stage: string, archiveExisting: boolean): Promise<ModelVersion> {
    const r = await this.http.post<{ model_version: ModelVersion }>(`${API}model-versions/transition-stage`, {
      name,
      version,
      stage,
      archive_existing_versions: archiveExisting,
    });
    return r.model_version;
  }

  async deleteModelVersion(name: string, version: string): Promise<void> {
    await this.http.delete(`${API}model-versions/delete`, { name, version });
  }

  async setAlias(name: string, alias: string, version: string): Promise<void> {
    await this.http.post(`${API}registered-models/alias`, { name, alias, version });
  }

  async deleteAlias(name: string, alias: string): Promise<void> {
    await this.http.delete(`${API}registered-models/alias`, { name, alias });
  }

  async audit(name: string, maxResults: number): Promise<RegistryAuditEntry[]> {
    const r = await this.http.get<{ entries?: RegistryAuditEntry[] }>('api/2.0/mlflow-workbench/registered-models/audit', { name, max_results: maxResults });
    return r.entries ?? [];
  }
}

export interface RestClientOptions extends TransportOptions {
  /**
   * The server's artifacts folder when it is on this machine (the workspace store this window serves from its
   * worker thread): `mlflow-artifacts:` artifacts then open as real files.
   */
  localArtifactsDir?: string;
}

export class RestClient implements TrackingClient {
  readonly registry: RegistryClient;
  private readonly http: RestTransport;
  private readonly summaries: HistorySummaryCache;
  private readonly localArtifactsDir: string | undefined;

  constructor(options: RestClientOptions) {
    this.http = new RestTransport(options);
    this.localArtifactsDir = options.localArtifactsDir;
    this.registry = new RestRegistryClient(this.http);
    this.summaries = new HistorySummaryCache((runId, key) => this.history(runId, key));
  }

  get target(): string {
    return this.http.baseUri;
  }

  async searchExperiments(q: ExperimentQuery): Promise<Page<Experiment>> {
    const r = await this.http.post<{ experiments?: Experiment[]; next_page_token?: string }>(`${API}experiments/search`, {
      max_results: q.maxResults,
      page_token: q.pageToken,
      view_type: q.viewType,
    });
    return page(r.experiments, r.next_page_token);
  }

  async getExperiment(id: string): Promise<Experiment> {
    return (await this.http.get<{ experiment: Experiment }>(`${API}experiments/get`, { experiment_id: id })).experiment;
  }

  async createExperiment(name: string): Promise<string> {
    return (await this.http.post<{ experiment_id: string }>(`${API}experiments/create`, { name })).experiment_id;
  }

  async renameExperiment(id: string, name: string): Promise<void> {
    await this.http.post(`${API}experiments/update`, { experiment_id: id, new_name: name });
  }

  async deleteExperiment(id: string): Promise<void> {
    await this.http.post(`${API}experiments/delete`, { experiment_id: id });
  }

  async restoreExperiment(id: string): Promise<void> {
    await this.http.post(`${API}experiments/restore`, { experiment_id: id });
  }

  async setExperimentTag(id: string, key: string, value: string): Promise<void> {
    await this.http.post(`${API}experiments/set-experiment-tag`, { experiment_id: id, key, value });
  }

  async searchRuns(q: RunQuery): Promise<Page<Run>> {
    const r = await this.http.post<{ runs?: Run[]; next_page_token?: string }>(`${API}runs/search`, searchRunsRequest(q));
    return page(r.runs?.map(normaliseRun), r.next_page_token);
  }

  async getRun(runId: string): Promise<Run> {
    return normaliseRun((await this.http.get<{ run: Run }>(`${API}runs/get`, { run_id: runId })).run);
  }

  async renameRun(runId: string, name: string): Promise<void> {
    await this.http.post(`${API}runs/update`, { run_id: runId, run_name: name });
  }

  async deleteRun(runId: string): Promise<void> {
    await this.http.post(`${API}runs/delete`, { run_id: runId });
  }

  async restoreRun(runId: string): Promise<void> {
    await this.http.post(`${API}runs/restore`, { run_id: runId });
  }

  async setRunTag(runId: string, key: string, value: string): Promise<void> {
    await this.http.post(`${API}runs/set-tag`, { run_id: runId, key, value });
  }

  async deleteRunTag(runId: string, key: string): Promise<void> {
    await this.http.post(`${API}runs/delete-tag`, { run_id: runId, key });
  }

  /** Whether the server has our chart routes; unknown until the first call answers. */
  private chartRoutes: boolean | undefined;

  /** Runs `call` against our chart routes; undefined once the server turns out not to have them. */
  private async ours<T>(call: () => Promise<T>): Promise<T | undefined> {
    if (this.chartRoutes === false) return undefined;
    try {
      const r = await call();
      this.chartRoutes = true;
      return r;
    } catch (err) {
      if (!isEndpointMissing(err)) throw err;
      this.chartRoutes = false;
      return undefined;
    }
  }

  async metricSummaries(run: Run): Promise<MetricSummary[]> {
    // A workspace server keeps the summaries; a plain MLflow server gets them computed from full histories.
    const kept = await this.ours(() => this.http.get<GetMetricSummariesResponse>(`${WORKBENCH}metrics/summaries`, { run_id: run.info.run_id }));
    if (!kept) return this.summaries.summaries(run);
    // Values, minima and maxima may arrive as "NaN"/"Infinity" strings.
    return (kept.summaries ?? []).map((s) => {
      const out: MetricSummary = { ...s, value: wireNumber(s.value as number | string) };
      if (s.min !== undefined) out.min = wireNumber(s.min as number | string);
      if (s.max !== undefined) out.max = wireNumber(s.max as number | string);
      return out;
    }).sort((a, b) => a.key.localeCompare(b.key));
  }

  metricSeries(runId: string, key: string, query: SeriesQuery): Promise<MetricSeries | undefined> {
    const q: GetMetricSeriesRequest = { run_id: runId, metric_key: key, axis: query.axis, from: query.from, to: query.to, buckets: query.buckets };
    return this.ours(() => this.http.get<MetricSeries>(`${WORKBENCH}metrics/series`, { ...q }));
  }
  async gc(request: GcRequest = {}): Promise<GcResponse> {
    return this.http.post<GcResponse>(`${WORKBENCH}gc`, request);
  }


  readonly rangedMetricReads = false;

  async metricPoints(runId: string, key: string, range?: StepRange): Promise<MetricPoints> {
    // get-history has no step filter: read all, then cut.
    const all = await this.history(runId, key);
    const kept = range ? all.filter((m) => m.step >= range.minStep && m.step <= range.maxStep) : all;
    kept.sort((a, b) => a.step - b.step || a.timestamp - b.timestamp || wireNumber(a.value) - wireNumber(b.value));
    const out = { step: new Float64Array(kept.length), timestamp: new Float64Array(kept.length), value: new Float64Array(kept.length) };
    kept.forEach((m, i) => {
      out.step[i] = Number(m.step ?? 0);
      out.timestamp[i] = Number(m.timestamp);
      out.value[i] = wireNumber(m.value as number | string);
    });
    return out;
  }

  /**
   * A whole metric history as MLflow's 3.x client reads it: max_results always sent, next_page_token followed
   * until the server stops giving one (a 2.x server ignores both and answers everything at once). A server
   * known to be a workspace server (it answered our chart routes) is asked without max_results: it then
   * streams the whole history from its JSON cache in one answer.
   */
  async history(runId: string, key: string): Promise<Metric[]> {
    const all: Metric[] = [];
    const whole = this.chartRoutes === true;
    let pageToken: string | undefined;
    do {
      const r = await this.http.get<{ metrics?: Metric[]; next_page_token?: string }>(`${API}metrics/get-history`, {
        run_id: runId,
        metric_key: key,
        max_results: whole ? undefined : HISTORY_PAGE_SIZE,
        page_token: pageToken,
      });
      const got = r.metrics ?? [];
      for (const m of got) all.push(m);
      // A token after an empty page would loop forever on a server that keeps answering it.
      pageToken = got.length ? r.next_page_token || undefined : undefined;
    } while (pageToken);
    return all;
  }

  async listArtifacts(runId: string, path?: string): Promise<FileInfo[]> {
    const r = await this.http.get<{ files?: FileInfo[] }>(`${API}artifacts/list`, { run_id: runId, path: path || undefined });
    return r.files ?? [];
  }

  readArtifact(runId: string, path: string): Promise<Uint8Array> {
    // The UI's download route exists on every MLflow server and reads through its artifact repository.
    return this.http.bytes('get-artifact', { run_uuid: runId, path });
  }

  localArtifactPath(run: Run, path: string): string | undefined {
    return this.localArtifactsDir === undefined ? undefined : localArtifactFile(this.localArtifactsDir, run.info.artifact_uri, path);
  }

  // ---- MLflow 3: logged models and traces. A 2.x server answers 404 (ENDPOINT_NOT_FOUND): "none".

  /** Route families the server turned out to lack: not asked again for a while (trees refresh often). */
  private readonly missing = new Map<'loggedModels' | 'traces', number>();

  private async absent<T>(family: 'loggedModels' | 'traces', call: () => Promise<T>): Promise<T | undefined> {
    const since = this.missing.get(family);
    if (since !== undefined && Date.now() - since < MISSING_RECHECK_MS) return undefined;
    const r = await absentAsEmpty(call);
    if (r === undefined) this.missing.set(family, Date.now());
    else this.missing.delete(family);
    return r;
  }

  async searchLoggedModels(q: LoggedModelQuery): Promise<Page<LoggedModel>> {
    const body: SearchLoggedModelsRequest = {
      experiment_ids: q.experimentIds,
      filter: q.filter,
      order_by: [{ field_name: 'creation_timestamp', ascending: false }],
      max_results: q.maxResults,
      page_token: q.pageToken,
    };
    const r = await this.absent('loggedModels', () => this.http.post<{ models?: LoggedModel[]; next_page_token?: string }>(`${API}logged-models/search`, body));
    return page(r?.models, r?.next_page_token);
  }

  async getLoggedModel(modelId: string): Promise<LoggedModel> {
    return (await this.http.get<{ model: LoggedModel }>(`${API}logged-models/${encodeURIComponent(modelId)}`)).model;
  }

  async listLoggedModelArtifacts(model: LoggedModel, path?: string): Promise<FileInfo[]> {
    // MLflow's own route first; a server without it may still proxy the model's mlflow-artifacts: root.
    try {
      const r = await this.http.get<{ files?: FileInfo[] }>(`${API}logged-models/${encodeURIComponent(model.info.model_id)}/artifacts/directories`, {
        artifact_directory_path: path || undefined,
      });
      return r.files ?? [];
    } catch (err) {
      if (!isEndpointMissing(err)) throw err;
    }
    const dir = proxiedArtifactDir(model.info.artifact_uri, path);
    if (dir === undefined) return [];
    const r = await absentAsEmpty(() => this.http.get<{ files?: FileInfo[] }>('api/2.0/mlflow-artifacts/artifacts', { path: dir }));
    // The proxy names files relative to the listed folder; the tree wants them relative to the model's root.
    const prefix = path ? `${path.replace(/\/+$/, '')}/` : '';
    return (r?.files ?? []).map((f) => ({ ...f, path: f.path.startsWith(prefix) ? f.path : `${prefix}${f.path}` }));
  }

  async readLoggedModelArtifact(model: LoggedModel, path: string): Promise<Uint8Array> {
    try {
      // The UI's download route, like get-artifact for runs.
      return await this.http.bytes(`ajax-api/2.0/mlflow/logged-models/${encodeURIComponent(model.info.model_id)}/artifacts/files`, { artifact_file_path: path });
    } catch (err) {
      if (!isEndpointMissing(err)) throw err;
    }
    const proxied = proxiedArtifactPath(model.info.artifact_uri, path);
    if (!proxied) throw new ClientError('RESOURCE_DOES_NOT_EXIST', `Cannot read ${path} of logged model ${model.info.model_id} from this server.`);
    return this.http.bytes(proxied);
  }

  async searchTraces(q: TraceQuery): Promise<Page<TraceInfo>> {
    const body: SearchTracesRequest = {
      locations: [{ type: 'MLFLOW_EXPERIMENT', mlflow_experiment: { experiment_id: q.experimentId } }],
      filter: q.filter,
      order_by: ['timestamp_ms DESC'],
      max_results: Math.min(q.maxResults, TRACE_PAGE_LIMIT),
      page_token: q.pageToken,
    };
    const r = await this.absent('traces', () => this.http.post<{ traces?: TraceInfo[]; next_page_token?: string }>(`${API3}traces/search`, body));
    return page(r?.traces, r?.next_page_token);
  }

  async getTrace(traceId: string): Promise<TraceDetail> {
    const id = encodeURIComponent(traceId);
    const info = (await this.http.get<{ trace: { trace_info: TraceInfo } }>(`${API3}traces/${id}`, { trace_id: traceId })).trace.trace_info;
    return { info, data: await this.traceData(info) };
  }

  /** Spans where MLflow's client looks: traces/get when the tag says so, else the traces.json artifact. */
  private async traceData(info: TraceInfo): Promise<TraceData | undefined> {
    if (spansInTrackingStore(info)) {
      const r = await absentAsEmpty(() =>
        this.http.get<{ trace?: { spans?: unknown[] } }>(`${API3}traces/get`, { trace_id: info.trace_id, allow_partial: 'False' }),
      );
      if (r?.trace) return { spans: normaliseSpans(r.trace.spans) };
    }
    const proxied = proxiedArtifactPath(info.tags?.[TRACE_ARTIFACT_LOCATION_TAG], TRACE_DATA_FILE);
    if (!proxied) return undefined;
    let bytes: Uint8Array;
    try {
      bytes = await this.http.bytes(proxied);
    } catch (err) {
      if (isEndpointMissing(err) || (err instanceof ClientError && (err.status === 404 || err.code === 'RESOURCE_DOES_NOT_EXIST'))) return undefined;
      throw err;
    }
    try {
      const parsed = JSON.parse(new TextDecoder().decode(bytes)) as { spans?: unknown[] };
      return { spans: normaliseSpans(parsed.spans) };
    } catch {
      throw new ClientError('BAD_RESPONSE', `The spans of trace ${info.trace_id} (${TRACE_DATA_FILE}) are not valid JSON.`);
    }
  }

  dispose(): void {
    /* stateless over HTTP */
  }
}

/** A route the server lacks (MLflow 2.x for MLflow 3's entities) reads as "nothing there". */
async function absentAsEmpty<T>(call: () => Promise<T>): Promise<T | undefined> {
  try {
    return await call();
  } catch (err) {
    if (isEndpointMissing(err)) return undefined;
    throw err;
  }
}

/** Metric values may arrive as "NaN"/"Infinity" strings; views want numbers. */
function normaliseRun(run: Run): Run {
  run.data ??= {};
  const metrics = run.data.metrics;
  if (metrics?.some((m) => typeof m.value !== 'number')) {
    run.data.metrics = metrics.map((m) => ({ ...m, value: wireNumber(m.value as number | string) }));
  }
  return run;
}
