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
