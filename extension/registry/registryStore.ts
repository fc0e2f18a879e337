// The model registry: MLflow's registered models, versions, tags, aliases and stages, in the tracking store's
// database and journal. Same write path as tracking: validate → build a RegistryOp with every id, version
// number, time and actor decided → TrackingStore.commitOp (apply in a transaction, journal, ack after fsync).
// Reads query sql.js directly and return the REST shapes.
import { realpathSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { invalidParameter, notFound } from '../tracking/errors';
import type { KeyValue, ModelVersion, ModelVersionStage, RegisteredModel, RegistryAuditEntry } from '../tracking/rest/types';
import { decodePageToken, encodePageToken } from '../tracking/search/pageToken';
import type { TrackingStore } from '../tracking/store/trackingStore';
import type { Pair } from '../tracking/store/operations';
import { type Actor, deletedModelId, localActor, readAudit } from './audit';
import { type ModelRef, type ModelVersionLookup, resolveModelRef, resolveModelUri, type VersionRecord } from './modelUris';
import { findLiveVersion, findModel, maxVersion, type RegistryOp } from './operations';
import { hydrateVersions, readLatestVersions, readModelVersion, readRegisteredModels } from './reads';
import { compileModelSearch, compileVersionSearch, type RegistrySearchRequest } from './search';
import { isLocal, validateModelVersionSource } from './sourceValidation';
import { LoggedModelStore } from '../loggedModels/loggedModelStore';
import { modelNotFound } from '../loggedModels/operations';
import {
  ACTIVE_STAGES, canonicalStage, parseVersion, STAGE_DELETED, validateAliasAssignable, validateAliasName, validateModelName,
  validateRegistryTag,
} from './validation';

type Distribute<T> = T extends unknown ? Omit<T, 'time' | 'actor'> : never;
type OpBody = Distribute<RegistryOp>;

/** realpath that tolerates a missing tail: the deepest existing ancestor is resolved, the rest appended. */
function realpathLenient(path: string): string {
  let probe = resolve(path);
  const missing: string[] = [];
  for (;;) {
    try {
      return join(realpathSync(probe), ...missing);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code !== 'ENOENT' && code !== 'ENOTDIR') throw err;
      const parent = dirname(probe);
      if (parent === probe) return resolve(path);
      missing.unshift(basename(probe));
      probe = parent;
    }
  }
}

export interface CreateModelVersionRequest {
  name: string;
  source: string;
  run_id?: string;
  tags?: KeyValue[];
  run_link?: string;
  description?: string;
  /** MLflow 3: the logged model (`m-…`) this version is made from. */
  model_id?: string;
}

export class RegistryStore implements ModelVersionLookup {
  private readonly loggedModels: LoggedModelStore;

  constructor(private readonly tracking: TrackingStore) {
    this.loggedModels = new LoggedModelStore(tracking);
  }

  private get db() {
    return this.tracking.db;
  }

  private commit(op: OpBody, actor: Actor): Promise<void> {
    return this.tracking.commitOp({ ...op, time: this.tracking.now(), actor } as RegistryOp);
  }

  private modelId(name: string): number {
    return findModel(this.db, validateModelName(name)).id;
  }

  // ---- ModelVersionLookup (the models:/ resolver's view) -------------------------------------------

  modelExists(name: string): boolean {
    return this.db.get('SELECT 1 AS x FROM registered_models WHERE name = ?', [name]) !== undefined;
  }

  private record(name: string, where: string, params: (string | number)[]): VersionRecord | undefined {
    const row = this.db.get<{ version: number; storage_location: string | null; source: string | null; run_id: string | null }>(
      `SELECT v.version, v.storage_location, v.source, v.run_id FROM model_versions v JOIN registered_models m ON m.id = v.model_id
       WHERE m.name = ? AND v.current_stage != ? AND ${where} ORDER BY v.version DESC LIMIT 1`,
      [name, STAGE_DELETED, ...params],
    );
    if (!row) return undefined;
    const record: VersionRecord = { name, version: row.version, artifactUri: row.storage_location || row.source || '' };
    if (row.run_id) record.runId = row.run_id;
    return record;
  }

  version(name: string, version: number): VersionRecord | undefined {
    return this.record(name, 'v.version = ?', [version]);
  }

  latest(name: string, stage?: ModelVersionStage): VersionRecord | undefined {
    return stage === undefined ? this.record(name, '1', []) : this.record(name, 'v.current_stage = ?', [stage]);
  }

  alias(name: string, alias: string): VersionRecord | undefined {
    return this.record(name, 'v.version = (SELECT a.version FROM registered_model_aliases a WHERE a.model_id = m.id AND a.alias = ?)', [alias]);
  }

  /** A logged model that is not deleted (MLflow's registry looks them up with get_logged_model). */
  loggedModel(modelId: string): { name: string; artifactUri: string; runId?: string } | undefined {
    const ref = this.loggedModels.findLoggedModel(modelId);
    if (!ref || this.db.get("SELECT 1 AS x FROM logged_models WHERE model_id = ? AND lifecycle_stage = 'deleted'", [modelId])) return undefined;
    return ref.sourceRunId ? { name: ref.name, artifactUri: ref.artifactUri, runId: ref.sourceRunId } : { name: ref.name, artifactUri: ref.artifactUri };
  }

  /** Resolves any models:/ URI to a live version (see modelUris.ts). */
  resolve(uri: string): VersionRecord {
    return resolveModelUri(uri, this);
  }

  // ---- registered models ---------------------------------------------------------------------------

  async createRegisteredModel(name: unknown, tags?: KeyValue[], description?: string, actor: Actor = localActor()): Promise<RegisteredModel> {
    const valid = validateModelName(name);
    const pairs: Pair[] = (tags ?? []).map((t) => validateRegistryTag(t?.key, t?.value, 'Registered model'));
    // Internal ids are never reused: a deleted model's tombstone in the audit trail keeps its id.
    const id =
      (this.db.get<{ id: number | null }>('SELECT max(id) AS id FROM (SELECT max(id) AS id FROM registered_models UNION ALL SELECT max(model_id) FROM registry_audit)')?.id ?? 0) + 1;
    await this.commit({ t: 'createRegisteredModel', id, name: valid, description: description ?? null, tags: pairs }, actor);
    return this.getRegisteredModel(valid);
  }

  getRegisteredModel(name: unknown): RegisteredModel {
    return readRegisteredModels(this.db, [this.modelId(name as string)])[0];
  }

  async renameRegisteredModel(name: unknown, newName: unknown, actor: Actor = localActor()): Promise<RegisteredModel> {
    const from = validateModelName(name);
    const to = validateModelName(newName, 'new_name');
    await this.commit({ t: 'renameRegisteredModel', name: from, newName: to }, actor);
    return this.getRegisteredModel(to);
  }

  async updateRegisteredModel(name: unknown, description: string | undefined, actor: Actor = localActor()): Promise<RegisteredModel> {
    const valid = validateModelName(name);
    // As in MLflow, an absent description (protobuf's default) clears it.
    await this.commit({ t: 'updateRegisteredModel', name: valid, description: description ?? '' }, actor);
    return this.getRegisteredModel(valid);
  }

  async deleteRegisteredModel(name: unknown, actor: Actor = localActor()): Promise<void> {
    await this.commit({ t: 'deleteRegisteredModel', name: validateModelName(name) }, actor);
  }

  searchRegisteredModels(req: RegistrySearchRequest): { registered_models: RegisteredModel[]; next_page_token?: string } {
    const q = compileModelSearch(req);
    const ids = this.db.rows(q.sql, q.params).map((r) => r[0] as number);
    const out: { registered_models: RegisteredModel[]; next_page_token?: string } = { registered_models: readRegisteredModels(this.db, ids.slice(0, q.maxResults)) };
    if (ids.length > q.maxResults) out.next_page_token = encodePageToken(q.offset + q.maxResults);
    return out;
  }

  getLatestVersions(name: unknown, stages?: string[]): ModelVersion[] {
    const id = this.modelId(name as string);
    const wanted = stages && stages.length ? new Set<string>(stages.map(canonicalStage)) : undefined;
    return readLatestVersions(this.db, id, wanted);
  }

  async setRegisteredModelTag(name: unknown, key: unknown, value: unknown, actor: Actor = localActor()): Promise<void> {
    const valid = validateModelName(name);
    const [k, v] = validateRegistryTag(key, value, 'Registered model');
    await this.commit({ t: 'setRegisteredModelTag', name: valid, key: k, value: v }, actor);
  }

  async deleteRegisteredModelTag(name: unknown, key: unknown, actor: Actor = localActor()): Promise<void> {
    const valid = validateModelName(name);
    const [k] = validateRegistryTag(key, '', 'Registered model');
    await this.commit({ t: 'deleteRegisteredModelTag', name: valid, key: k }, actor);
  }

  // ---- model versions ------------------------------------------------------------------------------

  async createModelVersion(req: CreateModelVersionRequest, actor: Actor = localActor()): Promise<ModelVersion> {
    const name = validateModelName(req.name);
    if (typeof req.source !== 'string' || req.source === '') throw invalidParameter("Missing value for required parameter 'source'.");
    const tags: Pair[] = (req.tags ?? []).map((t) => validateRegistryTag(t?.key, t?.value, 'Model version'));
    const modelId = req.model_id || undefined;
    const logged = modelId === undefined ? undefined : this.loggedModel(modelId);
    const sourceContext = {
      findRun: (runId: string) => {
        const row = this.db.get<{ artifact_uri: string }>('SELECT artifact_uri FROM runs WHERE run_uuid = ?', [runId]);
        return row ? { runId, artifactUri: row.artifact_uri } : undefined;
      },
      artifactsRoot: this.tracking.artifactsDir,
      resolveModelUri: (uri: string) => this.resolve(uri),
      realpath: realpathLenient,
    };
    // As in MLflow, the source is judged before the model is looked up. With a model_id, a local source must
    // lie inside the logged model's artifact folder instead of a run's.
    let checked: { storageLocation: string; runId: string };
    if (modelId !== undefined && isLocal(req.source)) {
      if (!logged) throw modelNotFound(modelId);
      const inModel = validateModelVersionSource(req.source, modelId, { ...sourceContext, findRun: () => ({ runId: modelId, artifactUri: logged.artifactUri }) });
      checked = { storageLocation: inModel.storageLocation, runId: req.run_id ?? '' };
    } else {
      checked = validateModelVersionSource(req.source, req.run_id ?? '', sourceContext);
    }
    if (modelId !== undefined) {
      // MLflow takes the version's run from the logged model when the request names none.
      if (!logged) throw modelNotFound(modelId);
      if (!checked.runId && logged.runId) checked = { ...checked, runId: logged.runId };
    }
    const model = findModel(this.db, name);
    // The number is max over every version the model ever had, soft-deleted ones included, plus one.
    const version = maxVersion(this.db, model.id) + 1;
    await this.commit(
      {
        t: 'createModelVersion',
        name,
        version,
        source: req.source,
        storageLocation: checked.storageLocation,
        runId: checked.runId,
        runLink: req.run_link ?? '',
        description: req.description ?? '',
        tags,
        ...(modelId !== undefined ? { modelId } : {}),
      },
      actor,
    );
    return readModelVersion(this.db, model.id, version)!;
  }

  private liveVersion(name: unknown, version: unknown): { modelId: number; name: string; version: number } {
    const valid = validateModelName(name);
    const v = parseVersion(version);
    const model = findModel(this.db, valid);
    findLiveVersion(this.db, model, v);
    return { modelId: model.id, name: valid, version: v };
  }

  getModelVersion(name: unknown, version: unknown): ModelVersion {
    const mv = this.liveVersion(name, version);
    return readModelVersion(this.db, mv.modelId, mv.version)!;
  }

  async updateModelVersion(name: unknown, version: unknown, description: string | undefined, actor: Actor = localActor()): Promise<ModelVersion> {
    const valid = validateModelName(name);
    const v = parseVersion(version);
    // Here MLflow checks presence: an absent description is stored as NULL (and then omitted on the wire).
    await this.commit({ t: 'updateModelVersion', name: valid, version: v, description: description ?? null }, actor);
    return this.getModelVersion(valid, v);
  }

  async transitionModelVersionStage(name: unknown, version: unknown, stage: unknown, archiveExisting: boolean, actor: Actor = localActor()): Promise<ModelVersion> {
    const valid = validateModelName(name);
    const v = parseVersion(version);
    const target = canonicalStage(stage);
    if (archiveExisting && !ACTIVE_STAGES.includes(target)) {
      // MLflow raises this without an error code (a 500 the Python client would retry for minutes); it is a
      // bad parameter, so it is answered as one.
      throw invalidParameter(
        `Model version transition cannot archive existing model versions because '${String(stage)}' is not an Active stage. Valid stages are ${ACTIVE_STAGES.join(', ')}`,
      );
    }
    await this.commit({ t: 'transitionModelVersionStage', name: valid, version: v, stage: target, archiveExisting }, actor);
    return this.getModelVersion(valid, v);
  }

  async deleteModelVersion(name: unknown, version: unknown, actor: Actor = localActor()): Promise<void> {
    await this.commit({ t: 'deleteModelVersion', name: validateModelName(name), version: parseVersion(version) }, actor);
  }

  searchModelVersions(req: RegistrySearchRequest): { model_versions: ModelVersion[]; next_page_token?: string } {
    const q = compileVersionSearch(req);
    const rows = this.db.rows(q.sql, q.params);
    const out: { model_versions: ModelVersion[]; next_page_token?: string } = { model_versions: hydrateVersions(this.db, rows.slice(0, q.maxResults), true) };
    if (rows.length > q.maxResults) out.next_page_token = encodePageToken(q.offset + q.maxResults);
    return out;
  }

  /** Where a version's files are: its resolved storage location (see sourceValidation.ts), else its source. */
  getModelVersionDownloadUri(name: unknown, version: unknown): string {
    const ref: ModelRef = { kind: 'version', name: validateModelName(name), version: parseVersion(version) };
    return resolveModelRef(ref, this).artifactUri;
  }

  async setModelVersionTag(name: unknown, version: unknown, key: unknown, value: unknown, actor: Actor = localActor()): Promise<void> {
    const valid = validateModelName(name);
    const v = parseVersion(version);
    const [k, val] = validateRegistryTag(key, value, 'Model version');
    await this.commit({ t: 'setModelVersionTag', name: valid, version: v, key: k, value: val }, actor);
  }

  async deleteModelVersionTag(name: unknown, version: unknown, key: unknown, actor: Actor = localActor()): Promise<void> {
    const valid = validateModelName(name);
    const v = parseVersion(version);
    const [k] = validateRegistryTag(key, '', 'Model version');
    await this.commit({ t: 'deleteModelVersionTag', name: valid, version: v, key: k }, actor);
  }

  // ---- aliases -------------------------------------------------------------------------------------

  async setRegisteredModelAlias(name: unknown, alias: unknown, version: unknown, actor: Actor = localActor()): Promise<void> {
    const valid = validateModelName(name);
    const a = validateAliasAssignable(alias);
    const v = parseVersion(version);
    await this.commit({ t: 'setRegisteredModelAlias', name: valid, alias: a, version: v }, actor);
  }

  async deleteRegisteredModelAlias(name: unknown, alias: unknown, actor: Actor = localActor()): Promise<void> {
    const valid = validateModelName(name);
    const a = validateAliasName(alias);
    await this.commit({ t: 'deleteRegisteredModelAlias', name: valid, alias: a }, actor);
  }

  getModelVersionByAlias(name: unknown, alias: unknown): ModelVersion {
    const valid = validateModelName(name);
    const a = validateAliasName(alias);
    const found = resolveModelRef({ kind: 'alias', name: valid, alias: a }, this);
    return this.getModelVersion(found.name, found.version);
  }

  // ---- audit ---------------------------------------------------------------------------------------

  /**
   * A model's history, oldest first. For a model that no longer exists, the record of its deletion (the
   * rest went with it). Pages with MLflow-style offset tokens.
   */
  getAudit(name: unknown, maxResults = 1000, pageToken?: string): { name: string; entries: RegistryAuditEntry[]; next_page_token?: string } {
    const valid = validateModelName(name);
    if (!Number.isSafeInteger(maxResults) || maxResults < 1 || maxResults > 10_000) {
      throw invalidParameter(`Invalid value ${maxResults} for parameter 'max_results': it must be between 1 and 10000.`);
    }
    const live = this.db.get<{ id: number }>('SELECT id FROM registered_models WHERE name = ?', [valid])?.id;
    const id = live ?? deletedModelId(this.db, valid);
    if (id === undefined) throw notFound(`Registered Model with name=${valid} not found`);
    const offset = decodePageToken(pageToken);
    const rows = readAudit(this.db, id, offset, maxResults + 1);
    const out: { name: string; entries: RegistryAuditEntry[]; next_page_token?: string } = { name: valid, entries: rows.slice(0, maxResults) };
    if (rows.length > maxResults) out.next_page_token = encodePageToken(offset + maxResults);
    return out;
  }

  /** The alias-or-version view of a models:/ URI, for our resolve endpoint and the extension. */
  resolveForClient(uri: string): { name: string; version?: string; model_id?: string; artifact_uri: string; run_id?: string } {
    if (typeof uri !== 'string' || uri === '') throw invalidParameter("Missing value for required parameter 'uri'.");
    const r = this.resolve(uri);
    if (r.modelId !== undefined) {
      // A logged model (models:/m-…): no registered version, the logged model's id instead.
      const out: { name: string; model_id: string; artifact_uri: string; run_id?: string } = { name: r.name, model_id: r.modelId, artifact_uri: r.artifactUri };
      if (r.runId) out.run_id = r.runId;
      return out;
    }
    const out: { name: string; version: string; artifact_uri: string; run_id?: string } = { name: r.name, version: String(r.version), artifact_uri: r.artifactUri };
    if (r.runId) out.run_id = r.runId;
    return out;
  }
}

