// TrackingClient over the TrackingStore this window owns: reads are synchronous sql.js queries, writes go
// through the same validate → journal → fsync path as the REST server's.
import { readFile } from 'node:fs/promises';
import { ArtifactService } from '../tracking/server/artifactRoutes';
import { findRun } from '../tracking/store/operations';
import type { RunColumns } from '../tracking/store/runColumns';
import type { TrackingStore } from '../tracking/store/trackingStore';
import type { Experiment, FileInfo, MetricSummary, Page, Run } from '../tracking/rest/types';
import { localArtifactFile } from './artifactLocation';
import { ClientError, toClientError } from './clientError';
import type { ExperimentQuery, MetricPoints, RegistryClient, RunQuery, StepRange, TrackingClient } from './trackingClient';

function page<T>(items: T[], token: string | undefined): Page<T> {
  return token ? { items, next_page_token: token } : { items };
}

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
      const r = this.store.searchRuns({
        experiment_ids: q.experimentIds,
        filter: q.filter,
        run_view_type: q.viewType,
        max_results: q.maxResults,
        order_by: q.orderBy,
        page_token: q.pageToken,
      });
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
    return this.call(() => readMetricPoints(this.store, runId, key, range));
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

/**
 * Charts read millions of points: straight from the clustered (run, key, step) primary key into typed arrays,
 * without a Metric object per point (the store's getMetricHistory builds objects and orders by timestamp).
 * Belongs in tracking/store/reads.ts; kept here until the store grows a columnar, step-ranged read.
 */
function readMetricPoints(store: TrackingStore, runId: string, key: string, range?: StepRange): MetricPoints {
  const run = findRun(store.db, runId);
  const keyId = store.db.get<{ id: number }>('SELECT id FROM metric_keys WHERE key = ?', [key])?.id;
  const empty = { step: new Float64Array(0), timestamp: new Float64Array(0), value: new Float64Array(0) };
  if (keyId === undefined) return empty;
  const ranged = range !== undefined;
  const where = ranged ? 'run_id = ? AND key_id = ? AND step BETWEEN ? AND ?' : 'run_id = ? AND key_id = ?';
  const params = ranged ? [run.id, keyId, range.minStep, range.maxStep] : [run.id, keyId];
  const count = store.db.get<{ n: number }>(`SELECT count(*) AS n FROM metrics WHERE ${where}`, params)?.n ?? 0;
  const out = { step: new Float64Array(count), timestamp: new Float64Array(count), value: new Float64Array(count) };
  const stmt = store.db.statement(`SELECT step, timestamp, CASE WHEN is_nan THEN NULL ELSE value END FROM metrics WHERE ${where} ORDER BY step, timestamp, value`);
  let i = 0;
  try {
    stmt.bind(params);
    // The count and the rows come from the same synchronous snapshot, so they agree.
    while (i < count && stmt.step()) {
      const row = stmt.get();
      out.step[i] = row[0] as number;
      out.timestamp[i] = row[1] as number;
      out.value[i] = row[2] === null ? NaN : (row[2] as number);
      i++;
    }
  } finally {
    stmt.reset();
  }
  return out;
}
