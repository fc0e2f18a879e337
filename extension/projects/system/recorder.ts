// The run record of a project run, written over MLflow's REST API to whatever tracking server the workspace
// uses (this window's, another window's, or a remote one) — the same calls `mlflow run` makes through
// MlflowClient, plus the upload of the output log through the artifact proxy.
import { createReadStream, statSync } from 'node:fs';
import { Readable } from 'node:stream';
import { isNotFound } from '../../client/clientError';
import { joinUrl, RestTransport } from '../../client/restTransport';
import type { Run } from '../../tracking/rest/types';
import { ProjectError } from '../core/errors';

/** MLflow's log_batch accepts at most 100 params per call. */
const PARAMS_PER_BATCH = 100;

export interface TrackingEndpoint {
  uri: string;
  token?: string;
}

export class RunRecorder {
  private readonly transport: RestTransport;

  constructor(readonly endpoint: TrackingEndpoint) {
    this.transport = new RestTransport({ baseUri: endpoint.uri, token: endpoint.token });
  }

  /** _resolve_experiment_id: an ID is used as is; a name is looked up and created when missing. */
  async resolveExperiment(choice: { id?: string; name?: string }): Promise<string> {
    if (choice.id) {
      await this.call(() => this.transport.get('api/2.0/mlflow/experiments/get', { experiment_id: choice.id }), `experiment ${choice.id}`);
      return choice.id;
    }
    if (!choice.name) return '0';
    try {
      const r = await this.transport.get<{ experiment: { experiment_id: string } }>('api/2.0/mlflow/experiments/get-by-name', { experiment_name: choice.name });
      return r.experiment.experiment_id;
    } catch (e) {
      if (!isNotFound(e)) throw this.wrap(e, `experiment '${choice.name}'`);
    }
    const created = await this.call(() => this.transport.post<{ experiment_id: string }>('api/2.0/mlflow/experiments/create', { name: choice.name }), `creating experiment '${choice.name}'`);
    return created.experiment_id;
  }

  async createRun(req: { experimentId: string; tags: Array<[string, string]>; runName?: string; user: string; startTime: number }): Promise<Run> {
    const body: Record<string, unknown> = {
      experiment_id: req.experimentId,
      user_id: req.user,
      start_time: req.startTime,
      tags: req.tags.map(([key, value]) => ({ key, value })),
    };
    if (req.runName) body.run_name = req.runName;
    const r = await this.call(() => this.transport.post<{ run: Run }>('api/2.0/mlflow/runs/create', body), 'creating the run');
    return r.run;
  }

  async logParams(runId: string, params: Array<[string, string]>): Promise<void> {
    for (let i = 0; i < params.length; i += PARAMS_PER_BATCH) {
      const batch = params.slice(i, i + PARAMS_PER_BATCH).map(([key, value]) => ({ key, value }));
      await this.call(() => this.transport.post('api/2.0/mlflow/runs/log-batch', { run_id: runId, params: batch, metrics: [], tags: [] }), 'logging the parameters');
    }
  }

  async setTags(runId: string, tags: Array<[string, string]>): Promise<void> {
    if (!tags.length) return;
    await this.call(() => this.transport.post('api/2.0/mlflow/runs/log-batch', { run_id: runId, params: [], metrics: [], tags: tags.map(([key, value]) => ({ key, value })) }), 'tagging the run');
  }

  async getRun(runId: string): Promise<Run> {
    const r = await this.call(() => this.transport.get<{ run: Run }>('api/2.0/mlflow/runs/get', { run_id: runId }), 'reading the run');
    return r.run;
  }

  async terminate(runId: string, status: 'FINISHED' | 'FAILED' | 'KILLED', endTime: number): Promise<void> {
    await this.call(() => this.transport.post('api/2.0/mlflow/runs/update', { run_id: runId, status, end_time: endTime }), 'ending the run');
  }

  /**
   * Uploads a local file as an artifact of the run through the artifact proxy (`mlflow-artifacts:` URIs, what
   * the workspace store and `mlflow server --serve-artifacts` hand out). Other stores (s3://, …) need their
   * own clients: the caller is told, nothing is written elsewhere.
   */
  async uploadArtifact(artifactUri: string, artifactPath: string, file: string): Promise<void> {
    const m = /^mlflow-artifacts:(?:\/\/[^/]*)?\/?(.*)$/.exec(artifactUri);
    if (!m) throw new ProjectError('tracking', `The run's artifacts live at ${artifactUri}, which MLflow Workbench cannot write to (only the tracking server's artifact proxy, mlflow-artifacts:/).`);
    const segments = [...m[1].split('/'), ...artifactPath.split('/')].filter(Boolean).map(encodeURIComponent);
    const url = joinUrl(this.endpoint.uri, `api/2.0/mlflow-artifacts/artifacts/${segments.join('/')}`);
    const headers: Record<string, string> = { 'Content-Type': 'text/plain; charset=utf-8', 'Content-Length': String(statSync(file).size) };
    if (this.endpoint.token) headers.Authorization = `Bearer ${this.endpoint.token}`;
    let res: Response;
    try {
      res = await fetch(url, {
        method: 'PUT',
        headers,
        body: Readable.toWeb(createReadStream(file)) as ReadableStream<Uint8Array>,
        duplex: 'half',
      } as RequestInit & { duplex: 'half' });
    } catch (e) {
      throw new ProjectError('tracking', `Cannot reach the tracking server at ${this.endpoint.uri} to upload ${artifactPath}: ${(e as Error).message}`);
    }
    if (!res.ok) throw new ProjectError('tracking', `Uploading ${artifactPath} failed: HTTP ${res.status} ${(await res.text()).slice(0, 300)}`);
  }

  private async call<T>(fn: () => Promise<T>, what: string): Promise<T> {
    try {
      return await fn();
    } catch (e) {
      throw this.wrap(e, what);
    }
  }

  private wrap(e: unknown, what: string): ProjectError {
    const message = e instanceof Error ? e.message : String(e);
    return new ProjectError('tracking', `The tracking server at ${this.endpoint.uri} refused ${what}: ${message}`);
  }
}
