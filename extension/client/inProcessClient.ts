// TrackingClient over the TrackingStore this window owns: reads are synchronous sql.js queries, writes go
// through the same validate → journal → fsync path as the REST server's.
import { readFile } from 'node:fs/promises';
import { ArtifactService } from '../tracking/server/artifactRoutes';
import type { RunColumns } from '../tracking/store/runColumns';
import type { TrackingStore } from '../tracking/store/trackingStore';
import type { Experiment, FileInfo, MetricSummary, Page, Run } from '../tracking/rest/types';
import { localArtifactFile } from './artifactLocation';
import { ClientError, toClientError } from './clientError';
import {
  page, searchRunsRequest, type ExperimentQuery, type MetricPoints, type MetricSeries, type RegistryClient, type RunQuery, type SeriesQuery,
  type StepRange, type TrackingClient,
} from './trackingClient';

export class InProcessClient implements TrackingClient {
  private readonly artifacts: ArtifactService;

  constructor(
    private readonly store: TrackingStore,
    /** The model registry in the same store (InProcessRegistryClient), or any other RegistryClient. */
    readonly registry: RegistryClient,
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

  dispose(): void {
    /* the session owns the store's lifetime */
  }
}
