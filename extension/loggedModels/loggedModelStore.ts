// MLflow 3's logged models, in the tracking store's database and journal. Same write path as tracking and the
// registry: validate → build a LoggedModelOp with every id and time decided → TrackingStore.commitOp (apply in
// a transaction, journal, ack after fsync). Reads query sql.js directly and return the REST shapes.
//
// As in MLflow's SQL store: ids are `m-<32 hex>`; files live under `<experiment artifact location>/models/<id>/
// artifacts`; deletion is soft (get answers 404 unless allow_deleted, search skips it, but tags, params and
// finalize still reach it); run metrics logged with a model_id are the model's metrics (reads.ts).
import { randomUUID } from 'node:crypto';
import { invalidParameter, notFound } from '../tracking/errors';
import type { KeyValue, LoggedModel, LoggedModelStatus, SearchLoggedModelsRequest } from '../tracking/rest/types';
import { LOGGED_MODEL_STATUSES } from '../tracking/rest/types';
import type { TrackingStore } from '../tracking/store/trackingStore';
import { generateRunName } from '../tracking/store/runNames';
import { modelNotFound, type LoggedModelOp } from './operations';
import { pyRepr } from '../projects/python/pyRepr';
import { readLoggedModels } from './reads';
import { compileLoggedModelSearch } from './search';

export interface CreateLoggedModelRequest {
  experiment_id: string;
  name?: string;
  model_type?: string;
  source_run_id?: string;
  params?: KeyValue[];
  tags?: KeyValue[];
}

/** What the registry needs of a logged model (a `models:/m-…` source, a version's model_id). */
export interface LoggedModelRef {
  modelId: string;
  name: string;
  artifactUri: string;
  sourceRunId?: string;
}

const BAD_NAME_CHARS = ['/', ':', '.', '%', '"', "'"];

function pairs(list: KeyValue[] | undefined, what: string): [string, string][] {
  return (list ?? []).map((p, i) => {
    if (typeof p !== 'object' || p === null) throw invalidParameter(`Invalid value for ${what}[${i}]: expected an object with key and value.`);
    if (typeof p.key !== 'string' || p.key === '') throw invalidParameter(`Missing value for required parameter '${what}[${i}].key'.`);
    return [p.key, p.value === undefined || p.value === null ? '' : String(p.value)];
  });
}

function validateModelIdText(modelId: unknown): string {
  if (typeof modelId !== 'string' || modelId === '') throw invalidParameter("Missing value for required parameter 'model_id'.");
  return modelId;
}

/**
 * A status by proto name or number, as MLflow reads it: a name must be one of the enum's; a number outside it
 * is read by protobuf as the field's default, so it sets LOGGED_MODEL_STATUS_UNSPECIFIED (0).
 */
export function parseLoggedModelStatus(raw: unknown): number {
  if (raw === undefined || raw === null || raw === '') {
    throw invalidParameter("Missing value for required parameter 'status'. See the API docs for more information about request parameters.");
  }
  const n = typeof raw === 'number' ? raw : typeof raw === 'string' && /^-?\d+$/.test(raw) ? Number(raw) : NaN;
  if (Number.isInteger(n)) return n >= 0 && n < LOGGED_MODEL_STATUSES.length ? n : 0;
  const byName = LOGGED_MODEL_STATUSES.indexOf(raw as LoggedModelStatus);
  if (byName >= 0) return byName;
  throw invalidParameter(`Invalid value ${JSON.stringify(raw)} for parameter 'status' supplied. Expected one of ${LOGGED_MODEL_STATUSES.join(', ')}.`);
}

export class LoggedModelStore {
  constructor(private readonly tracking: TrackingStore) {}

  private get db() {
    return this.tracking.db;
  }

  private commit(op: LoggedModelOp): Promise<void> {
    return this.tracking.commitOp(op);
  }

  async createLoggedModel(req: CreateLoggedModelRequest): Promise<LoggedModel> {
    const name = req.name || undefined;
    if (name !== undefined && BAD_NAME_CHARS.some((c) => name.includes(c))) {
      throw invalidParameter(
        `Invalid model name (${pyRepr(name)}) provided. Model name must be a non-empty string and cannot contain the following characters: ('/', ':', '.', '%', '"', "'")`,
      );
    }
    if (typeof req.experiment_id !== 'string' || req.experiment_id === '') throw invalidParameter("Missing value for required parameter 'experiment_id'.");
    const experiment = this.tracking.getExperiment(req.experiment_id);
    if (experiment.lifecycle_stage !== 'active') {
      throw invalidParameter(`The experiment ${experiment.experiment_id} must be in the 'active' state. Current state is ${experiment.lifecycle_stage}.`);
    }
    const modelId = `m-${randomUUID().replace(/-/g, '')}`;
    await this.commit({
      t: 'loggedModel.create',
      modelId,
      experimentId: Number(experiment.experiment_id),
      name: name ?? generateRunName(),
      artifactLocation: `${experiment.artifact_location.replace(/\/+$/, '')}/models/${modelId}/artifacts`,
      time: this.tracking.now(),
      modelType: req.model_type ?? '',
      sourceRunId: req.source_run_id ?? '',
      params: pairs(req.params, 'params'),
      tags: pairs(req.tags, 'tags'),
    });
    return this.getLoggedModel(modelId);
  }

  async logLoggedModelParams(modelId: unknown, params: KeyValue[] | undefined): Promise<void> {
    await this.commit({ t: 'loggedModel.logParams', modelId: validateModelIdText(modelId), params: pairs(params, 'params') });
  }

  getLoggedModel(modelId: string, allowDeleted = false): LoggedModel {
    const id = validateModelIdText(modelId);
    const row = this.db.get<{ lifecycle_stage: string }>('SELECT lifecycle_stage FROM logged_models WHERE model_id = ?', [id]);
    if (!row || (!allowDeleted && row.lifecycle_stage === 'deleted')) throw modelNotFound(id);
    return readLoggedModels(this.db, [id])[0];
  }

  async finalizeLoggedModel(modelId: unknown, status: unknown): Promise<LoggedModel> {
    const id = validateModelIdText(modelId);
    await this.commit({ t: 'loggedModel.finalize', modelId: id, status: parseLoggedModelStatus(status), time: this.tracking.now() });
    // MLflow answers the model even when it is deleted: finalize reaches deleted models too.
    return readLoggedModels(this.db, [id])[0];
  }

  async deleteLoggedModel(modelId: unknown): Promise<void> {
    await this.commit({ t: 'loggedModel.delete', modelId: validateModelIdText(modelId), time: this.tracking.now() });
  }

  async setLoggedModelTags(modelId: unknown, tags: KeyValue[] | undefined): Promise<void> {
    await this.commit({ t: 'loggedModel.setTags', modelId: validateModelIdText(modelId), tags: pairs(tags, 'tags') });
  }

  async deleteLoggedModelTag(modelId: unknown, key: unknown): Promise<void> {
    if (typeof key !== 'string' || key === '') throw invalidParameter("Missing value for required parameter 'tag_key'.");
    await this.commit({ t: 'loggedModel.deleteTag', modelId: validateModelIdText(modelId), key });
  }

  searchLoggedModels(req: SearchLoggedModelsRequest): { models: LoggedModel[]; next_page_token?: string } {
    const q = compileLoggedModelSearch({
      experimentIds: req.experiment_ids ?? [],
      filter: req.filter,
      datasets: req.datasets,
      orderBy: req.order_by,
      maxResults: req.max_results,
      pageToken: req.page_token,
    });
    const ids = this.db.rows(q.sql, q.params).map((r) => r[0] as string);
    const out: { models: LoggedModel[]; next_page_token?: string } = { models: readLoggedModels(this.db, ids.slice(0, q.maxResults)) };
    if (ids.length > q.maxResults) out.next_page_token = q.nextToken();
    return out;
  }

  /** The model's id, name, location and source run, deleted or not; undefined when there is none. */
  findLoggedModel(modelId: string): LoggedModelRef | undefined {
    const row = this.db.get<{ name: string; artifact_location: string; source_run_id: string | null }>(
      'SELECT name, artifact_location, source_run_id FROM logged_models WHERE model_id = ?',
      [modelId],
    );
    if (!row) return undefined;
    const ref: LoggedModelRef = { modelId, name: row.name, artifactUri: row.artifact_location };
    if (row.source_run_id) ref.sourceRunId = row.source_run_id;
    return ref;
  }

  /** For the artifact proxy: does `<experimentId>/models/<modelId>/` belong to a model of that experiment? */
  ownsArtifactFolder(experimentId: string, modelId: string): boolean {
    const row = this.db.get<{ experiment_id: number }>('SELECT experiment_id FROM logged_models WHERE model_id = ?', [modelId]);
    return row !== undefined && String(row.experiment_id) === experimentId;
  }

  /** The model's folder under the artifact proxy (`<exp>/models/<id>/artifacts`), or a 404 for an unknown model. */
  artifactProxyPath(modelId: string): string {
    const ref = this.findLoggedModel(validateModelIdText(modelId));
    if (!ref) throw modelNotFound(modelId);
    const prefix = 'mlflow-artifacts:/';
    if (!ref.artifactUri.startsWith(prefix)) throw notFound(`The artifacts of logged model ${modelId} are not stored on this server.`);
    return ref.artifactUri.slice(prefix.length).replace(/^\/+/, '');
  }
}
