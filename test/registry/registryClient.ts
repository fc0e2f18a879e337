// Test support: the Model Registry traffic of the MLflow Python client (`MlflowClient` / `mlflow.register_model`
// over `RestStore`), request by request, on top of MlflowRestClient's wire conventions:
// - GET sends the request message as a query string (lists as repeated keys); POST, PATCH and DELETE send it
//   as a JSON body (`json.dumps`), which is how MLflow's rest_utils.call_endpoint sends every non-GET method;
// - `version` is a string in every request, as the protobuf field is;
// - unset fields are left out (protobuf JSON), empty lists too.
import assert from 'node:assert/strict';
import { MlflowApiError, type HttpResult, type MlflowRestClient } from '../support/mlflowRestClient';
import type { ModelVersion, RegisteredModel, RegistryAuditEntry } from '../../extension/tracking/rest/types';

export type Method = 'GET' | 'POST' | 'PATCH' | 'DELETE';
export const WORKBENCH_PREFIX = '/api/2.0/mlflow-workbench';

function tagList(tags: Record<string, string> | undefined): Array<{ key: string; value: string }> | undefined {
  const list = Object.entries(tags ?? {}).map(([key, value]) => ({ key, value }));
  return list.length ? list : undefined;
}

function clean(fields: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(fields).filter(([, v]) => v !== undefined && !(Array.isArray(v) && v.length === 0)));
}

export class RegistryClient {
  constructor(
    readonly rest: MlflowRestClient,
    /** Extra headers on every request (e.g. X-MLflow-Workbench-User). */
    readonly headers: Record<string, string> = {},
  ) {}

  /** One RPC, answered as it comes (no status check). */
  raw(method: Method, endpoint: string, fields: Record<string, unknown> = {}, prefix = this.rest.apiPrefix): Promise<HttpResult> {
    const path = `${prefix}/${endpoint}`;
    const body = clean(fields);
    return this.rest.http(method, path, method === 'GET' ? { query: body, headers: this.headers } : { json: body, headers: this.headers });
  }

  /** One RPC; anything but 200 throws MlflowApiError. */
  async call<T = Record<string, unknown>>(method: Method, endpoint: string, fields: Record<string, unknown> = {}, prefix?: string): Promise<T> {
    const res = await this.raw(method, endpoint, fields, prefix);
    if (res.status !== 200) {
      let err: { error_code?: string; message?: string } = {};
      try {
        err = res.json();
      } catch {
        /* not JSON */
      }
      throw new MlflowApiError(method, endpoint, res.status, err.error_code, err.message, res.text);
    }
    return res.json<T>();
  }

  // ---- MlflowClient: registered models --------------------------------------------------------------

  async createRegisteredModel(name: string, tags?: Record<string, string>, description?: string): Promise<RegisteredModel> {
    return (await this.call<{ registered_model: RegisteredModel }>('POST', 'registered-models/create', { name, tags: tagList(tags), description })).registered_model;
  }

  async getRegisteredModel(name: string): Promise<RegisteredModel> {
    return (await this.call<{ registered_model: RegisteredModel }>('GET', 'registered-models/get', { name })).registered_model;
  }

  async renameRegisteredModel(name: string, newName: string): Promise<RegisteredModel> {
    return (await this.call<{ registered_model: RegisteredModel }>('POST', 'registered-models/rename', { name, new_name: newName })).registered_model;
  }

  async updateRegisteredModel(name: string, description?: string): Promise<RegisteredModel> {
    return (await this.call<{ registered_model: RegisteredModel }>('PATCH', 'registered-models/update', { name, description })).registered_model;
  }

  async deleteRegisteredModel(name: string): Promise<void> {
    await this.call('DELETE', 'registered-models/delete', { name });
  }

  searchRegisteredModels(opts: { filter?: string; maxResults?: number; orderBy?: string[]; pageToken?: string } = {}): Promise<{ registered_models?: RegisteredModel[]; next_page_token?: string }> {
    return this.call('GET', 'registered-models/search', { filter: opts.filter, max_results: opts.maxResults ?? 100, order_by: opts.orderBy, page_token: opts.pageToken });
  }

  /** RestStore sends GetLatestVersions as a POST (its first endpoint). */
  async getLatestVersions(name: string, stages?: string[]): Promise<ModelVersion[]> {
    return (await this.call<{ model_versions?: ModelVersion[] }>('POST', 'registered-models/get-latest-versions', { name, stages })).model_versions ?? [];
  }

  async setRegisteredModelTag(name: string, key: string, value: string): Promise<void> {
    await this.call('POST', 'registered-models/set-tag', { name, key, value });
  }

  async deleteRegisteredModelTag(name: string, key: string): Promise<void> {
    await this.call('DELETE', 'registered-models/delete-tag', { name, key });
  }

  // ---- MlflowClient: model versions -----------------------------------------------------------------

  async createModelVersion(name: string, source: string, opts: { runId?: string; tags?: Record<string, string>; runLink?: string; description?: string } = {}): Promise<ModelVersion> {
    return (
      await this.call<{ model_version: ModelVersion }>('POST', 'model-versions/create', {
        name,
        source,
        run_id: opts.runId,
        tags: tagList(opts.tags),
        run_link: opts.runLink,
        description: opts.description,
      })
    ).model_version;
  }

  async getModelVersion(name: string, version: string | number): Promise<ModelVersion> {
    return (await this.call<{ model_version: ModelVersion }>('GET', 'model-versions/get', { name, version: String(version) })).model_version;
  }

  async updateModelVersion(name: string, version: string | number, description?: string): Promise<ModelVersion> {
    return (await this.call<{ model_version: ModelVersion }>('PATCH', 'model-versions/update', { name, version: String(version), description })).model_version;
  }

  async transitionModelVersionStage(name: string, version: string | number, stage: string, archiveExistingVersions = false): Promise<ModelVersion> {
    return (
      await this.call<{ model_version: ModelVersion }>('POST', 'model-versions/transition-stage', {
        name,
        version: String(version),
        stage,
        archive_existing_versions: archiveExistingVersions,
      })
    ).model_version;
  }

  async deleteModelVersion(name: string, version: string | number): Promise<void> {
    await this.call('DELETE', 'model-versions/delete', { name, version: String(version) });
  }

  searchModelVersions(opts: { filter?: string; maxResults?: number; orderBy?: string[]; pageToken?: string } = {}): Promise<{ model_versions?: ModelVersion[]; next_page_token?: string }> {
    return this.call('GET', 'model-versions/search', { filter: opts.filter, max_results: opts.maxResults ?? 10_000, order_by: opts.orderBy, page_token: opts.pageToken });
  }

  /** MlflowClient.search_model_versions(...) as a whole: pages followed to the end. */
  async searchAllModelVersions(filter?: string, pageSize = 10_000, orderBy?: string[]): Promise<ModelVersion[]> {
    const out: ModelVersion[] = [];
    let token: string | undefined;
    do {
      const page = await this.searchModelVersions({ filter, maxResults: pageSize, orderBy, pageToken: token });
      out.push(...(page.model_versions ?? []));
      token = page.next_page_token;
    } while (token);
    return out;
  }

  async getModelVersionDownloadUri(name: string, version: string | number): Promise<string> {
    return (await this.call<{ artifact_uri: string }>('GET', 'model-versions/get-download-uri', { name, version: String(version) })).artifact_uri;
  }

  async setModelVersionTag(name: string, version: string | number, key: string, value: string): Promise<void> {
    await this.call('POST', 'model-versions/set-tag', { name, version: String(version), key, value });
  }

  async deleteModelVersionTag(name: string, version: string | number, key: string): Promise<void> {
    await this.call('DELETE', 'model-versions/delete-tag', { name, version: String(version), key });
  }

  // ---- MlflowClient: aliases ------------------------------------------------------------------------

  async setRegisteredModelAlias(name: string, alias: string, version: string | number): Promise<void> {
    await this.call('POST', 'registered-models/alias', { name, alias, version: String(version) });
  }

  async deleteRegisteredModelAlias(name: string, alias: string): Promise<void> {
    await this.call('DELETE', 'registered-models/alias', { name, alias });
  }

  async getModelVersionByAlias(name: string, alias: string): Promise<ModelVersion> {
    return (await this.call<{ model_version: ModelVersion }>('GET', 'registered-models/alias', { name, alias })).model_version;
  }

  // ---- mlflow.register_model ------------------------------------------------------------------------

  /**
   * mlflow.register_model(model_uri, name): registered-models/create (an existing model is fine), then
   * model-versions/create with the source the client derives — for `runs:/<id>/<path>` the run's artifact
   * location underneath (runs/get) plus the run id — then model-versions/get until the version is READY.
   */
  async registerModel(modelUri: string, name: string, tags?: Record<string, string>): Promise<ModelVersion> {
    const created = await this.raw('POST', 'registered-models/create', { name });
    if (created.status !== 200) assert.equal(created.json<{ error_code: string }>().error_code, 'RESOURCE_ALREADY_EXISTS', created.text);
    let source = modelUri;
    let runId: string | undefined;
    const m = /^runs:\/([^/]+)\/?(.*)$/.exec(modelUri);
    if (m) {
      runId = m[1];
      const run = await this.rest.getRun(runId);
      source = m[2] ? `${run.info.artifact_uri.replace(/\/+$/, '')}/${m[2]}` : run.info.artifact_uri;
    }
    let mv = await this.createModelVersion(name, source, { runId, tags });
    for (let i = 0; mv.status === 'PENDING_REGISTRATION' && i < 100; i++) mv = await this.getModelVersion(name, mv.version);
    assert.equal(mv.status, 'READY');
    return mv;
  }

  // ---- ours -----------------------------------------------------------------------------------------

  async audit(name: string, opts: { maxResults?: number; pageToken?: string } = {}): Promise<{ name: string; entries?: RegistryAuditEntry[]; next_page_token?: string }> {
    return this.call('GET', 'registered-models/audit', { name, max_results: opts.maxResults, page_token: opts.pageToken }, WORKBENCH_PREFIX);
  }

  async auditEntries(name: string): Promise<RegistryAuditEntry[]> {
    return (await this.audit(name)).entries ?? [];
  }

  resolveUri(uri: string): Promise<{ name: string; version: string; artifact_uri: string; run_id?: string }> {
    return this.call('GET', 'model-uris/resolve', { uri }, WORKBENCH_PREFIX);
  }
}

/** Asserts MLflow's error shape: exact status and error_code, a message, JSON. */
export function assertError(res: HttpResult, status: number, code: string, what: string): void {
  assert.equal(res.status, status, `${what}: expected ${status} ${code}, got ${res.status} ${res.text}`);
  assert.match(String(res.headers['content-type']), /^application\/json/, what);
  const body = res.json<{ error_code?: unknown; message?: unknown }>();
  assert.equal(body.error_code, code, `${what}: ${res.text}`);
  assert.ok(typeof body.message === 'string' && body.message.length > 0, what);
}
