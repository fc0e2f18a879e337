// TrackingClient over a TrackingStore in the same thread (tests and benches; the extension's views read their
// store worker over REST): reads are synchronous sql.js queries, writes go through the same validate → journal →
// fsync path as the REST server's.
import { readFile } from 'node:fs/promises';
import { ArtifactService } from '../tracking/server/artifactRoutes';
import type { RunColumns } from '../tracking/store/runColumns';
import type { TrackingStore } from '../tracking/store/trackingStore';
import type {
  Experiment, FileInfo, GcRequest, GcResponse, LoggedModel, MetricSummary, Page, Run, SearchLoggedModelsRequest, SearchTracesRequest, TraceData, TraceInfo,
} from '../tracking/rest/types';
import { listLocalArtifacts, localArtifactFile } from './artifactLocation';
import { normaliseSpans } from './traceSpans';
import { ClientError, toClientError } from './clientError';
import {
  page, searchRunsRequest, type ExperimentQuery, type LoggedModelQuery, type MetricPoints, type MetricSeries, type RegistryClient,
  type RunQuery, type SeriesQuery, type StepRange, type TraceDetail, type TraceQuery, type TrackingClient,
} from './trackingClient';

/** What the in-process client needs of the store's logged models (extension/loggedModels' LoggedModelStore). */
export interface LoggedModelSource {
  getLoggedModel(modelId: string): LoggedModel;
  searchLoggedModels(req: SearchLoggedModelsRequest): { models: LoggedModel[]; next_page_token?: string };
}

/** What the in-process client needs of the store's traces (extension/traces' TraceStore). */
export interface TraceSource {
  getTraceInfo(traceId: string): TraceInfo;
  searchTraces(req: SearchTracesRequest): { traces: TraceInfo[]; next_page_token?: string };
  readTraceData(traceId: string): TraceData | undefined;
  /** The same, reading the file off the event loop (a trace's spans can be many megabytes). */
  readTraceDataAsync?(traceId: string): Promise<TraceData | undefined>;
}

/** MLflow 3's entities in the same store; absent ones read as "none" (like a 2.x server over REST). */
export interface Mlflow3Sources {
  loggedModels?: LoggedModelSource;
  traces?: TraceSource;
}

export class InProcessClient implements TrackingClient {
  private readonly artifacts: ArtifactService;

  constructor(
    private readonly store: TrackingStore,
    /** The model registry in the same store (InProcessRegistryClient), or any other RegistryClient. */
    readonly registry: RegistryClient,
    private readonly mlflow3: Mlflow3Sources = {},
  ) {
    this.artifacts = new ArtifactService(store);
  }

  get target(): string {
    return `in-process store ${this.store.dir}`;
  }

  private async call<T>(fn: () => T | Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (err) {
      throw toClientError(err);
    }
  }

  searchExperiments(q: ExperimentQuery): Promise<Page<Experiment>> {
    return this.call(() => {
      const r = this.store.searchExperiments({ max_results: q.maxResults, page_token: q.pageToken, view_type: q.viewType });
      return page(r.experiments, r.next_page_token);
    });
  }

  getExperiment(id: string): Promise<Experiment> {
    return this.call(() => this.store.getExperiment(id));
  }

  createExperiment(name: string): Promise<string> {
    return this.call(() => this.store.createExperiment(name));
  }

  renameExperiment(id: string, name: string): Promise<void> {
    return this.call(() => this.store.renameExperiment(id, name));
  }

  deleteExperiment(id: string): Promise<void> {
    return this.call(() => this.store.deleteExperiment(id));
  }

  restoreExperiment(id: string): Promise<void> {
    return this.call(() => this.store.restoreExperiment(id));
  }

  setExperimentTag(id: string, key: string, value: string): Promise<void> {
    return this.call(() => this.store.setExperimentTag(id, key, value));
  }

  searchRuns(q: RunQuery): Promise<Page<Run>> {
    return this.call(() => {
      const r = this.store.searchRuns(searchRunsRequest(q));
      return page(r.runs, r.next_page_token);
    });
  }

  searchRunColumns(q: Omit<RunQuery, 'maxResults' | 'pageToken'>): Promise<RunColumns> {
    return this.call(() => this.store.searchRunColumns({ experiment_ids: q.experimentIds, filter: q.filter, run_view_type: q.viewType, order_by: q.orderBy }));
  }

  getRun(runId: string): Promise<Run> {
    return this.call(() => this.store.getRun(runId));
  }

  renameRun(runId: string, name: string): Promise<void> {
    return this.call(async () => {
      await this.store.updateRun({ run_id: runId, run_name: name });
    });
  }

  deleteRun(runId: string): Promise<void> {
    return this.call(() => this.store.deleteRun(runId));
  }

  restoreRun(runId: string): Promise<void> {
    return this.call(() => this.store.restoreRun(runId));
  }

  setRunTag(runId: string, key: string, value: string): Promise<void> {
    return this.call(() => this.store.setTag(runId, key, value));
  }

  deleteRunTag(runId: string, key: string): Promise<void> {
    return this.call(() => this.store.deleteTag(runId, key));
  }

  metricSummaries(run: Run): Promise<MetricSummary[]> {
    return this.call(() => this.store.getMetricSummaries(run.info.run_id).sort((a, b) => a.key.localeCompare(b.key)));
  }

  readonly rangedMetricReads = true;

  metricPoints(runId: string, key: string, range?: StepRange): Promise<MetricPoints> {
    return this.call(() => this.store.getMetricPoints(runId, key, range));
  }

  metricSeries(runId: string, key: string, query: SeriesQuery): Promise<MetricSeries> {
    return this.call(() => this.store.getMetricSeries(runId, key, query));
  }

  gc(request: GcRequest = {}): Promise<GcResponse> {
    return this.call(() => this.store.gc(request));
  }

  listArtifacts(runId: string, path?: string): Promise<FileInfo[]> {
    return this.call(() => this.artifacts.listRunArtifacts(runId, path).files ?? []);
  }

  readArtifact(runId: string, path: string): Promise<Uint8Array> {
    return this.call(async () => {
      const file = this.localArtifactPath(this.store.getRun(runId), path);
      if (!file) throw new ClientError('INVALID_PARAMETER_VALUE', `The artifacts of run ${runId} are not stored on this machine.`);
      return readFile(file);
    });
  }

  localArtifactPath(run: Run, path: string): string | undefined {
    return localArtifactFile(this.store.artifactsDir, run.info.artifact_uri, path);
  }

  searchLoggedModels(q: LoggedModelQuery): Promise<Page<LoggedModel>> {
    return this.call(() => {
      const source = this.mlflow3.loggedModels;
      if (!source) return page<LoggedModel>([], undefined);
      const r = source.searchLoggedModels({
        experiment_ids: q.experimentIds,
        filter: q.filter,
        order_by: [{ field_name: 'creation_timestamp', ascending: false }],
        max_results: q.maxResults,
        page_token: q.pageToken,
      });
      return page(r.models, r.next_page_token);
    });
  }

  getLoggedModel(modelId: string): Promise<LoggedModel> {
    return this.call(() => {
      const source = this.mlflow3.loggedModels;
      if (!source) throw new ClientError('RESOURCE_DOES_NOT_EXIST', `Logged model with id=${modelId} not found`);
      return source.getLoggedModel(modelId);
    });
  }

  listLoggedModelArtifacts(model: LoggedModel, path?: string): Promise<FileInfo[]> {
    return this.call(() => {
      const dir = localArtifactFile(this.store.artifactsDir, model.info.artifact_uri, path ?? '');
      return dir ? listLocalArtifacts(dir, (path ?? '').replace(/\/+$/, '')) : [];
    });
  }

  readLoggedModelArtifact(model: LoggedModel, path: string): Promise<Uint8Array> {
    return this.call(async () => {
      const file = localArtifactFile(this.store.artifactsDir, model.info.artifact_uri, path);
      if (!file) throw new ClientError('INVALID_PARAMETER_VALUE', `The artifacts of logged model ${model.info.model_id} are not stored on this machine.`);
      return readFile(file);
    });
  }

  searchTraces(q: TraceQuery): Promise<Page<TraceInfo>> {
    return this.call(() => {
      const source = this.mlflow3.traces;
      if (!source) return page<TraceInfo>([], undefined);
      const r = source.searchTraces({
        locations: [{ type: 'MLFLOW_EXPERIMENT', mlflow_experiment: { experiment_id: q.experimentId } }],
        filter: q.filter,
        order_by: ['timestamp_ms DESC'],
        max_results: q.maxResults,
        page_token: q.pageToken,
      });
      return page(r.traces, r.next_page_token);
    });
  }

  getTrace(traceId: string): Promise<TraceDetail> {
    return this.call(async () => {
      const source = this.mlflow3.traces;
      if (!source) throw new ClientError('RESOURCE_DOES_NOT_EXIST', `Trace with ID ${traceId} is not found.`);
      const info = source.getTraceInfo(traceId);
      const data = source.readTraceDataAsync ? await source.readTraceDataAsync(traceId) : source.readTraceData(traceId);
      return { info, data: data && { spans: normaliseSpans(data.spans) } };
    });
  }

  dispose(): void {
    /* the session owns the store's lifetime */
  }
}
