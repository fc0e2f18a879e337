// Test support for the logged-model suites: JSON over real HTTP to a CLI server, answers kept whole (status +
// body) so tests can assert MLflow's error codes as well as results.
import { rawRequest } from '../support/mlflowRestClient';
import type { CliServer } from '../support/cliServer';
import type { LoggedModel } from '../../extension/tracking/rest/types';

export interface Answer<T = Record<string, unknown>> {
  status: number;
  body: T & { error_code?: string; message?: string };
}

export class Api {
  /** Every status answered, so a suite can check that none was a 5xx. */
  readonly statuses: number[] = [];

  constructor(readonly server: CliServer) {}

  async req<T = Record<string, unknown>>(method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<Answer<T>> {
    const r = await rawRequest(this.server.url, {
      method,
      path,
      headers: { Authorization: `Bearer ${this.server.token}`, ...(body === undefined ? {} : { 'Content-Type': 'application/json' }), ...headers },
      body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
    });
    this.statuses.push(r.status);
    let parsed: unknown;
    try {
      parsed = r.text ? JSON.parse(r.text) : {};
    } catch {
      parsed = { raw: r.text };
    }
    return { status: r.status, body: parsed as Answer<T>['body'] };
  }

  /** A 200 answer's body; anything else fails with the answer in the message. */
  async ok<T = Record<string, unknown>>(method: string, path: string, body?: unknown): Promise<T> {
    const a = await this.req<T>(method, path, body);
    if (a.status !== 200) throw new Error(`${method} ${path} → ${a.status} ${JSON.stringify(a.body)}`);
    return a.body;
  }

  async createExperiment(name: string): Promise<string> {
    return (await this.ok<{ experiment_id: string }>('POST', '/api/2.0/mlflow/experiments/create', { name })).experiment_id;
  }

  async createRun(experimentId: string): Promise<string> {
    return (await this.ok<{ run: { info: { run_id: string } } }>('POST', '/api/2.0/mlflow/runs/create', { experiment_id: experimentId, start_time: 1 })).run.info.run_id;
  }

  async createModel(body: Record<string, unknown>): Promise<LoggedModel> {
    return (await this.ok<{ model: LoggedModel }>('POST', '/api/2.0/mlflow/logged-models', body)).model;
  }

  async getModel(id: string): Promise<LoggedModel> {
    return (await this.ok<{ model: LoggedModel }>('GET', `/api/2.0/mlflow/logged-models/${id}`)).model;
  }

  async search(body: Record<string, unknown>): Promise<{ models?: LoggedModel[]; next_page_token?: string }> {
    return this.ok('POST', '/api/2.0/mlflow/logged-models/search', body);
  }
}
