// The wire contract of MLflow's tracking REST API (/api/2.0/mlflow/...), as this server speaks it.
// Store read paths return these shapes directly; the serializer omits empty fields and writes
// non-finite doubles as the strings MLflow uses.

export type RunStatus = 'RUNNING' | 'SCHEDULED' | 'FINISHED' | 'FAILED' | 'KILLED';
export const RUN_STATUSES: readonly RunStatus[] = ['RUNNING', 'SCHEDULED', 'FINISHED', 'FAILED', 'KILLED'];
export type LifecycleStage = 'active' | 'deleted';
export type ViewType = 'ACTIVE_ONLY' | 'DELETED_ONLY' | 'ALL';
export const VIEW_TYPES: readonly ViewType[] = ['ACTIVE_ONLY', 'DELETED_ONLY', 'ALL'];

export interface KeyValue {
  key: string;
  value: string;
}

export interface Experiment {
  experiment_id: string;
  name: string;
  artifact_location: string;
  lifecycle_stage: LifecycleStage;
  last_update_time: number;
  creation_time: number;
  tags?: KeyValue[];
}

export interface Metric {
  key: string;
  value: number;
  timestamp: number;
  step: number;
}

export interface MetricWithRunId extends Metric {
  run_id: string;
}

/** Our extension of a latest metric: the summary kept per (run, key). */
export interface MetricSummary extends Metric {
  min?: number;
  max?: number;
  count: number;
}

export interface RunInfo {
  run_id: string;
  run_uuid: string;
  run_name: string;
  experiment_id: string;
  user_id: string;
  status: RunStatus;
  start_time?: number;
  end_time?: number;
  artifact_uri: string;
  lifecycle_stage: LifecycleStage;
}

export interface Dataset {
  name: string;
  digest: string;
  source_type: string;
  source: string;
  schema?: string;
  profile?: string;
}

export interface DatasetInput {
  tags?: KeyValue[];
  dataset: Dataset;
}

export interface RunInputs {
  dataset_inputs?: DatasetInput[];
  model_inputs?: { model_id: string }[];
}

export interface RunOutputs {
  model_outputs?: { model_id: string; step: number }[];
}

export interface RunData {
  metrics?: Metric[];
  params?: KeyValue[];
  tags?: KeyValue[];
}

export interface Run {
  info: RunInfo;
  data: RunData;
  inputs: RunInputs;
  outputs?: RunOutputs;
}

export interface FileInfo {
  path: string;
  is_dir: boolean;
  file_size?: number;
}

// ---- Requests (fields as they arrive after protobuf-JSON coercion) ----

export interface MetricInput {
  key: string;
  value: number;
  timestamp: number;
  step?: number;
  /** MLflow 3: the logged model the metric is about (and the dataset it was computed on). */
  model_id?: string;
  dataset_name?: string;
  dataset_digest?: string;
}

export interface CreateRunRequest {
  experiment_id?: string;
  user_id?: string;
  run_name?: string;
  start_time?: number;
  tags?: KeyValue[];
}

export interface UpdateRunRequest {
  run_id: string;
  status?: RunStatus;
  end_time?: number;
  run_name?: string;
}

export interface LogBatchRequest {
  run_id: string;
  metrics?: MetricInput[];
  params?: KeyValue[];
  tags?: KeyValue[];
}

export interface SearchRunsRequest {
  experiment_ids?: string[];
  filter?: string;
  run_view_type?: ViewType;
  max_results?: number;
  order_by?: string[];
  page_token?: string;
}

export interface SearchExperimentsRequest {
  max_results?: number;
  page_token?: string;
  filter?: string;
  order_by?: string[];
  view_type?: ViewType;
}

export interface Page<T> {
  items: T[];
  next_page_token?: string;
}

// ---- Model Registry (/api/2.0/mlflow/registered-models/…, model-versions/…) ----

/** The public stages; `Deleted_Internal` (soft-deleted versions) never leaves the store. */
export type ModelVersionStage = 'None' | 'Staging' | 'Production' | 'Archived';
export const MODEL_VERSION_STAGES: readonly ModelVersionStage[] = ['None', 'Staging', 'Production', 'Archived'];
export type ModelVersionStatus = 'PENDING_REGISTRATION' | 'FAILED_REGISTRATION' | 'READY';

export interface ModelVersionTag {
  key: string;
  value: string;
}

export interface ModelVersion {
  name: string;
  /** A string on the wire, an integer in the store. */
  version: string;
  creation_timestamp: number;
  last_updated_timestamp: number;
  user_id?: string;
  current_stage: ModelVersionStage;
  description?: string;
  source?: string;
  run_id?: string;
  status: ModelVersionStatus;
  status_message?: string;
  tags?: ModelVersionTag[];
  run_link?: string;
  aliases?: string[];
}

export interface RegisteredModelAlias {
  alias: string;
  version: string;
}

export interface RegisteredModel {
  name: string;
  creation_timestamp: number;
  last_updated_timestamp: number;
  user_id?: string;
  description?: string;
  /** Per stage, the highest live version in it. */
  latest_versions?: ModelVersion[];
  tags?: KeyValue[];
  aliases?: RegisteredModelAlias[];
}

/** Our extension (GET /api/2.0/mlflow-workbench/registered-models/audit): one recorded registry mutation. */
export interface RegistryAuditEntry {
  id: number;
  /** Epoch milliseconds. */
  timestamp: number;
  /** Who: the Basic-auth user name, the X-MLflow-Workbench-User header, or the server's OS user. */
  user: string;
  user_source: 'basic-auth' | 'header' | 'os';
  /** The RPC that made the change, e.g. `transitionModelVersionStage`. */
  action: string;
  /** The model's name when the change was made. */
  name: string;
  version?: string;
  before?: Record<string, unknown>;
  after?: Record<string, unknown>;
}

// ---- our chart routes (extension/tracking/server/chartRoutes.ts) ----------------------------------------

/** GET /api/2.0/mlflow-workbench/metrics/summaries?run_id=: the latest point, min, max and count per metric. */
export interface GetMetricSummariesResponse {
  summaries: MetricSummary[];
}

/**
 * POST /api/2.0/mlflow-workbench/gc (extension/tracking/store/gc.ts): `mlflow gc`'s selection. Ids may be lists
 * or comma-separated text as the CLI takes them; `older_than` is MLflow's duration (`30d`, `2d8h5m20s`).
 * `dry_run` answers what would be removed without removing it.
 */
export interface GcRequest {
  older_than?: string;
  run_ids?: string[] | string;
  experiment_ids?: string[] | string;
  logged_model_ids?: string[] | string;
  dry_run?: boolean;
}

/** What gc removed (or would remove), and the store folder's bytes on disk before and after. */
export interface GcResponse {
  run_ids: string[];
  experiment_ids: string[];
  logged_model_ids: string[];
  /** Artifact folders removed under the store's artifacts folder. */
  artifact_folders: number;
  bytes_before: number;
  bytes_after: number;
  dry_run: boolean;
}

/** The x axis of a chart: the step, or the timestamp (wall and relative time). */
export type SeriesAxis = 'step' | 'time';

/**
 * GET /api/2.0/mlflow-workbench/metrics/series: one metric of one run downsampled for a chart. `from`/`to` is
 * the inclusive x range (steps, or epoch ms on the time axis; the whole history when absent), `buckets` how
 * many columns the chart has (16..4096).
 */
export interface GetMetricSeriesRequest {
  run_id: string;
  metric_key: string;
  axis?: SeriesAxis;
  from?: number;
  to?: number;
  buckets: number;
}

/**
 * The answer: finite points only (NaN and ±Infinity cannot be plotted), columnar, in step order. Unless
 * `exact`, they are per bucket the first, minimum, maximum and last point, every bucket an exact summary of
 * its points; plus the nearest finite point on each side of the range, so a line reaches the chart's edges.
 */
export interface GetMetricSeriesResponse {
  /** Points in the whole history, NaN and ±Infinity included. */
  total: number;
  /** True when every finite point in the range is present. */
  exact: boolean;
  /** The history's extent over its finite points; absent when it has none. */
  extent?: { min_step: number; max_step: number; min_time: number; max_time: number };
  step: number[];
  timestamp: number[];
  value: number[];
}

// ---- MLflow 3: logged models (/api/2.0/mlflow/logged-models…), as MLflow 3.x serialises them

export type LoggedModelStatus = 'LOGGED_MODEL_STATUS_UNSPECIFIED' | 'LOGGED_MODEL_PENDING' | 'LOGGED_MODEL_READY' | 'LOGGED_MODEL_UPLOAD_FAILED';
/** In the order of the proto enum (0 = unspecified), so a number maps by index. */
export const LOGGED_MODEL_STATUSES: readonly LoggedModelStatus[] = [
  'LOGGED_MODEL_STATUS_UNSPECIFIED',
  'LOGGED_MODEL_PENDING',
  'LOGGED_MODEL_READY',
  'LOGGED_MODEL_UPLOAD_FAILED',
];

/** A metric as a logged model answers it: where it came from travels with it. */
export interface LoggedModelMetric extends Metric {
  model_id?: string;
  run_id?: string;
  dataset_name?: string;
  dataset_digest?: string;
}

export interface LoggedModelInfo {
  model_id: string;
  experiment_id: string;
  name: string;
  creation_timestamp_ms: number;
  last_updated_timestamp_ms: number;
  /** `mlflow-artifacts:/<experiment>/models/<model_id>/artifacts` on this server. */
  artifact_uri: string;
  status: LoggedModelStatus;
  status_message?: string;
  model_type?: string;
  source_run_id?: string;
  tags?: KeyValue[];
  /** The registered versions this model became. */
  registrations?: { name: string; version: string }[];
}

export interface LoggedModel {
  info: LoggedModelInfo;
  data?: { params?: KeyValue[]; metrics?: LoggedModelMetric[] };
}

export interface SearchLoggedModelsRequest {
  experiment_ids: string[];
  filter?: string;
  /** MLflow's shape: a list of `{field_name, ascending, dataset_name?, dataset_digest?}`. */
  order_by?: { field_name: string; ascending?: boolean; dataset_name?: string; dataset_digest?: string }[];
  /** Restricts metric filters and orders to metrics of these datasets. */
  datasets?: { dataset_name: string; dataset_digest?: string }[];
  max_results?: number;
  page_token?: string;
}

// ---- MLflow 3: traces (/api/3.0/mlflow/traces…)

export type TraceState = 'STATE_UNSPECIFIED' | 'OK' | 'ERROR' | 'IN_PROGRESS';
export const TRACE_STATES: readonly TraceState[] = ['STATE_UNSPECIFIED', 'OK', 'ERROR', 'IN_PROGRESS'];

export interface TraceLocation {
  type: 'MLFLOW_EXPERIMENT' | 'TRACE_LOCATION_TYPE_UNSPECIFIED' | 'INFERENCE_TABLE';
  mlflow_experiment?: { experiment_id: string };
}

/**
 * TraceInfoV3 as MLflow's JSON gives it: `request_time` is an RFC 3339 timestamp string
 * (`2026-12-08T00:19:05.991Z`) and `execution_duration` a protobuf Duration string (`0.003s`).
 */
export interface TraceInfo {
  trace_id: string;
  client_request_id?: string;
  trace_location: TraceLocation;
  request_preview?: string;
  response_preview?: string;
  request_time: string;
  execution_duration?: string;
  state: TraceState;
  trace_metadata?: Record<string, string>;
  tags?: Record<string, string>;
}

export interface SearchTracesRequest {
  /** `[{type: 'MLFLOW_EXPERIMENT', mlflow_experiment: {experiment_id}}]` */
  locations: TraceLocation[];
  filter?: string;
  order_by?: string[];
  max_results?: number;
  page_token?: string;
}

/** One span of a trace's `traces.json` artifact (what the Python client uploads; attributes JSON-encoded). */
export interface TraceSpan {
  trace_id: string;
  span_id: string;
  parent_span_id?: string | null;
  name: string;
  start_time_unix_nano: number | string;
  end_time_unix_nano?: number | string | null;
  status?: { code: string; message?: string };
  /** Each value is JSON text, e.g. `"\"CHAIN\""` for `mlflow.spanType`, `{"x": 3}` for `mlflow.spanInputs`. */
  attributes?: Record<string, string>;
  events?: { name: string; time_unix_nano: number | string; attributes?: Record<string, unknown> }[];
}

export interface TraceData {
  spans: TraceSpan[];
}
