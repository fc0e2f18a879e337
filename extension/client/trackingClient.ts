// The one interface every view and command talks to. Two implementations: RestClient (the views: this window's
// store worker, another window's server, or a remote MLflow server) and InProcessClient (a store in the same
// thread: tests and benches). Nothing here imports vscode.
import type {
  Experiment, FileInfo, GcRequest, GcResponse, GetMetricSeriesResponse, LoggedModel, MetricSummary, Page, RegistryAuditEntry, Run, SearchRunsRequest, TraceData,
  TraceInfo, ViewType,
} from '../tracking/rest/types';
import type { RunColumns } from '../tracking/store/runColumns';
import type { ColumnarPoints, SeriesQuery, StepBounds } from '../tracking/store/seriesReads';
import type { ModelVersion, RegisteredModel } from './registryTypes';

export interface RunQuery {
  experimentIds: string[];
  filter?: string;
  viewType: ViewType;
  maxResults: number;
  pageToken?: string;
  orderBy?: string[];
}

// Chart reads share the store's shapes (type-only: nothing of the store is loaded by a REST window).
/** One metric's points, columnar, in step order (then timestamp); NaN values stay NaN. */
export type MetricPoints = ColumnarPoints;
/** Inclusive step range of a metric read. */
export type StepRange = StepBounds;
/** A chart's request for one metric's line: x range (steps, or epoch ms on the time axis) and bucket count. */
export type { SeriesQuery };

/** A metric downsampled by the store from its chunk summaries (GetMetricSeriesResponse: finite points only). */
export type MetricSeries = GetMetricSeriesResponse;

export interface ExperimentQuery {
  viewType: ViewType;
  maxResults: number;
  pageToken?: string;
}

/** MLflow 3 logged models of some experiments; `filter` in logged-models/search's grammar. */
export interface LoggedModelQuery {
  experimentIds: string[];
  filter?: string;
  maxResults: number;
  pageToken?: string;
}

/** An experiment's traces, newest first. */
export interface TraceQuery {
  experimentId: string;
  filter?: string;
  maxResults: number;
  pageToken?: string;
}

/** One trace: its info, and its spans when they could be read (undefined: the server keeps none we can reach). */
export interface TraceDetail {
  info: TraceInfo;
  data?: TraceData;
}

export interface TrackingClient {
  /** What this client talks to, for logs and tooltips ("in-process store …", "http://…"). */
  readonly target: string;
  readonly registry: RegistryClient;

  searchExperiments(query: ExperimentQuery): Promise<Page<Experiment>>;
  getExperiment(id: string): Promise<Experiment>;
  createExperiment(name: string): Promise<string>;
  renameExperiment(id: string, name: string): Promise<void>;
  deleteExperiment(id: string): Promise<void>;
  restoreExperiment(id: string): Promise<void>;
  setExperimentTag(id: string, key: string, value: string): Promise<void>;

  searchRuns(query: RunQuery): Promise<Page<Run>>;
  /**
   * Every run a query matches, column by column, in one read: only a client over a store in this process
   * has it (the runs table's fast open); others page through searchRuns.
   */
  searchRunColumns?(query: Omit<RunQuery, 'maxResults' | 'pageToken'>): Promise<RunColumns>;
  getRun(runId: string): Promise<Run>;
  renameRun(runId: string, name: string): Promise<void>;
  deleteRun(runId: string): Promise<void>;
  restoreRun(runId: string): Promise<void>;
  setRunTag(runId: string, key: string, value: string): Promise<void>;
  deleteRunTag(runId: string, key: string): Promise<void>;
  /** Latest, min and max per metric. A server without our summaries gets them computed from histories. */
  metricSummaries(run: Run): Promise<MetricSummary[]>;
  /** Every point of one metric (only steps in `range` when given), columnar, for charts (panels, issue 6). */
  metricPoints(runId: string, key: string, range?: StepRange): Promise<MetricPoints>;
  /**
   * True when `metricPoints` with a range reads only that range (cheap refetch on zoom); false when it has to
   * fetch the whole history (MLflow's REST API has no step-range read), so callers keep what they fetched.
   */
  readonly rangedMetricReads: boolean;
  /**
   * One metric's line for a chart, downsampled where the points are (every bucket's extremes kept), so only
   * about 4 points per bucket travel. Undefined when the server cannot (a plain MLflow server): callers then
   * read the points themselves.
   */
  metricSeries(runId: string, key: string, query: SeriesQuery): Promise<MetricSeries | undefined>;

  /** Direct children of `path` (the run's artifact root when empty), paths relative to that root. */
  listArtifacts(runId: string, path?: string): Promise<FileInfo[]>;
  readArtifact(runId: string, path: string): Promise<Uint8Array>;
  /** A file on this machine holding the artifact, when there is one (opened as a real file then). */
  localArtifactPath(run: Run, path: string): string | undefined;

  // ---- MLflow 3 (issue 11). A server without these routes (MLflow 2.x) answers as if there were none:
  // empty pages, never an error; a single lookup by id still fails with NOT_FOUND/ENDPOINT_NOT_FOUND.

  /** Logged models, newest first. Those a run produced: filter `source_run_id = '<run id>'`. */
  searchLoggedModels(query: LoggedModelQuery): Promise<Page<LoggedModel>>;
  getLoggedModel(modelId: string): Promise<LoggedModel>;
  /** Direct children of `path` under the model's artifact location, paths relative to it. */
  listLoggedModelArtifacts(model: LoggedModel, path?: string): Promise<FileInfo[]>;
  readLoggedModelArtifact(model: LoggedModel, path: string): Promise<Uint8Array>;
  /** An experiment's traces, newest first, paged. */
  searchTraces(query: TraceQuery): Promise<Page<TraceInfo>>;
  /** One trace with its spans, read where MLflow's client reads them (tracking store or traces.json artifact). */
  getTrace(traceId: string): Promise<TraceDetail>;

  /**
   * `mlflow gc` on the store: deleted runs, experiments and logged models removed for good with their histories
   * and artifacts, and the space returned (extension/tracking/store/gc.ts); `dry_run` only says what would go.
   * Our route over REST: a plain MLflow server answers ENDPOINT_NOT_FOUND (there `mlflow gc` runs on its machine).
   */
  gc(request?: GcRequest): Promise<GcResponse>;

  dispose(): void;
}

/** logged-models/search's filter for the models a run produced. */
export function runModelsFilter(runId: string): string {
  return `source_run_id = ${quoteFilterValue(runId)}`;
}

export interface ModelVersionInput {
  name: string;
  source: string;
  runId?: string;
  description?: string;
}

export interface RegistryClient {
  searchRegisteredModels(query: { maxResults: number; pageToken?: string }): Promise<Page<RegisteredModel>>;
  getRegisteredModel(name: string): Promise<RegisteredModel>;
  searchModelVersions(query: { name: string; maxResults: number; pageToken?: string }): Promise<Page<ModelVersion>>;
  createRegisteredModel(name: string, description?: string): Promise<RegisteredModel>;
  renameRegisteredModel(name: string, newName: string): Promise<void>;
  updateRegisteredModel(name: string, description: string): Promise<void>;
  deleteRegisteredModel(name: string): Promise<void>;
  createModelVersion(input: ModelVersionInput): Promise<ModelVersion>;
  updateModelVersion(name: string, version: string, description: string): Promise<void>;
  transitionStage(name: string, version: string, stage: string, archiveExisting: boolean): Promise<ModelVersion>;
  deleteModelVersion(name: string, version: string): Promise<void>;
  setAlias(name: string, alias: string, version: string): Promise<void>;
  deleteAlias(name: string, alias: string): Promise<void>;
  /**
   * A model's audit trail, newest last (our extension, for the registered-model page, issue 6). A plain MLflow
   * server has no such route: that surfaces as ENDPOINT_NOT_FOUND.
   */
  audit(name: string, maxResults: number): Promise<RegistryAuditEntry[]>;
}

export function page<T>(items: T[] | undefined, token: string | undefined): Page<T> {
  return token ? { items: items ?? [], next_page_token: token } : { items: items ?? [] };
}

/** A runs query in the REST contract's words, the same for the store and for runs/search. */
export function searchRunsRequest(q: RunQuery): SearchRunsRequest {
  return {
    experiment_ids: q.experimentIds,
    filter: q.filter,
    run_view_type: q.viewType,
    max_results: q.maxResults,
    order_by: q.orderBy,
    page_token: q.pageToken,
  };
}

/** MLflow filter strings quote with single quotes; a value holding one is quoted with double quotes. */
export function quoteFilterValue(value: string): string {
  return value.includes("'") ? `"${value.replace(/"/g, '\\"')}"` : `'${value}'`;
}
