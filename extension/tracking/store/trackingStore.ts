// The workspace tracking store: sql.js in memory, made durable by a journal and periodic checkpoints.
//
// Write path: validate → build an Op with every id and time decided → apply it in a transaction →
// append it to the journal → acknowledge when the journal is fsync'ed. Read paths query sql.js directly.
import { randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { invalidParameter, MlflowError, notFound } from '../errors';
import { encodePageToken, decodePageToken } from '../search/pageToken';
import { compileExperimentSearch } from '../search/experimentSearch';
import { compileRunSearch } from '../search/runSearch';
import { SEARCH_MAX_RESULTS_THRESHOLD } from '../search/sqlParts';
import type {
  CreateRunRequest, DatasetInput, Experiment, GcRequest, GcResponse, GetMetricSeriesResponse, KeyValue, LogBatchRequest, Metric, MetricInput, MetricSummary, MetricWithRunId,
  Run, RunInfo, SearchExperimentsRequest, SearchRunsRequest, UpdateRunRequest, ViewType,
} from '../rest/types';
import { RUN_STATUSES } from '../rest/types';
import {
  LIMITS, validateExperimentName, validateKey, validateMetricValue, validateRunId, validateStep, validateTimestamp, validateValueLength,
} from '../validation';
import { journalGenerations, journalPath, removeJournalsBefore } from './durability';
import { ImageWriter, readImage, type ImageWriteResult } from './imageWriter';
import { HistoryJsonCache } from './historyJsonCache';
import { HistoryScratch, historyJsonSlices, readHistoryColumns } from './metricHistory';
import type { JsonSlices } from './metricHistory';
import { ParallelHistoryJson } from './parallelHistoryJson';
import { Journal } from './journal';
import { artifactFoldersOf, folderBytes, removeArtifactFolders, selectGc } from './gc';
import { applyOp, findRun, MetricKeys, type DatasetOp, type MetricTuple, type Op, type Pair, RUN_NAME_TAG, toJournalNumber } from './operations';
import type { ModelMetricTuple } from '../../loggedModels/operations';
import { OwnerLock, type OwnerInfo } from './ownerLock';
import {
  experimentIdByName, readExperiment, readMetricHistory, readMetricPointsByStep, readMetricSummaries, readRun, readRunInfo,
  readRunsByInternalIds, withRunId,
} from './reads';
import { readRunColumns, type RunColumns } from './runColumns';
import { generateRunName } from './runNames';
import { readMetricPointsColumnar, readMetricSeries, type ColumnarPoints, type SeriesQuery, type StepBounds } from './seriesReads';
import { MIGRATION_BACKFILLS, MIGRATIONS, SCHEMA_VERSION } from './schema';
import { PointStore, type PointStoreOptions } from './points/pointStore';
import { loadSqlJs, Sqlite } from './sqlite';

export interface TrackingStoreOptions {
  /** The store folder, normally `<workspace>/.mlflow`. */
  dir: string;
  /** Take the owner lock (default true). Tests of pure logic may open without it. */
  lock?: boolean;
  /** Root of default artifact locations; runs get `<root><exp>/<run>/artifacts`. */
  artifactRoot?: string;
  /**
   * Checkpoint once the journal holds this many bytes (default 8 MiB, about 250,000 points: replaying that much
   * after a crash takes well under a second).
   */
  checkpointBytes?: number;
  /** Memory for decoded metric chunks kept between reads (default 64 MiB; points/chunkCache.ts). */
  pointCacheBytes?: number;
  /**
   * Chunk size, buffer budget (`bufferedPoints`: the memory of unflushed points, and the size of the tails file each
   * checkpoint writes) and segment size of the point store (defaults in points/pointStore.ts).
   */
  pointOptions?: Omit<PointStoreOptions, 'dir' | 'cacheBytes'>;
  /** Checkpoint a non-empty journal this often while idle (default 60 s; 0 disables). */
  checkpointIntervalMs?: number;
  now?: () => number;
}

/** Thrown by open when another live process owns the store. */
export class StoreOwnedError extends Error {
  constructor(readonly owner: OwnerInfo) {
    super(`The store is owned by process ${owner.pid}${owner.port ? ` serving http://${owner.host ?? '127.0.0.1'}:${owner.port}` : ''}`);
    this.name = 'StoreOwnedError';
  }
}

export const DEFAULT_EXPERIMENT_ID = '0';
const PAGE_SIZE = 16384;
/** How long ops accumulate in one SQLite transaction: each commit rewrites every page the window dirtied. */
const BATCH_WINDOW_MS = 250;
const LARGE_OP_BYTES = 256 * 1024;
const LOGGED_MODELS_TAG = 'mlflow.log-model.history';
const DEFAULT_CHECKPOINT_BYTES = 8 * 1024 * 1024;
/** The schema version whose migration moved metric points out of SQLite (the image is vacuumed after it). */
const POINTS_SCHEMA = 6;

function parseExperimentId(id: unknown): number {
  if (typeof id === 'number' && Number.isInteger(id) && id >= 0) return id;
  if (typeof id === 'string' && /^\d{1,15}$/.test(id)) return Number(id);
  if (id === undefined || id === null || id === '') throw invalidParameter("Missing value for required parameter 'experiment_id'.");
  throw notFound(`No Experiment with id=${String(id)} exists`);
}

function validatePairs(pairs: KeyValue[] | undefined, what: 'param' | 'tag', limit: number, label: string): Pair[] {
  return (pairs ?? []).map((p) => {
    const key = validateKey(p?.key, what);
    const value = p.value === undefined || p.value === null ? '' : String(p.value);
    return [key, validateValueLength(value, limit, label, key)];
  });
}

export class TrackingStore {
  private readonly keys: MetricKeys;
  private readonly historyJson = new HistoryJsonCache();
  private readonly historyScratch = new HistoryScratch();
  private readonly parallelJson = new ParallelHistoryJson(this.historyScratch);
  private journal: Journal<Op>;
  private generation: number;
  private lsn: number;
  private checkpointing: Promise<void> | undefined;
  private readonly imageWriter: ImageWriter;
  /** What the last checkpoint wrote, beside the image's size (benchmarks and tests read it). */
  lastCheckpoint: (ImageWriteResult & { imageBytes: number }) | undefined;
  private timer: NodeJS.Timeout | undefined;
  private batchTimer: NodeJS.Timeout | undefined;
  private closed = false;
  /** The store's clock; the registry (extension/registry) stamps its ops with it too. */
  readonly now: () => number;
  readonly artifactRoot: string;
  readonly artifactsDir: string;

  private constructor(
    readonly dir: string,
    readonly db: Sqlite,
    /** The metric points (points/pointStore.ts); gc drops runs and compacts segments through it. */
    readonly points: PointStore,
    private readonly lock: OwnerLock | undefined,
    private readonly options: TrackingStoreOptions,
    state: { generation: number; lsn: number },
  ) {
    this.imageWriter = new ImageWriter(dir);
    this.keys = new MetricKeys(db);
    // Compaction deletes old segments only after an image naming the new ones is durable: a checkpoint begun
    // after it (one already running exported the index before the compaction).
    points.durable = async () => {
      await this.checkpointing;
      await this.checkpoint();
    };
    this.generation = state.generation;
    this.lsn = state.lsn;
    this.journal = Journal.open<Op>(journalPath(dir, this.generation));
    this.now = options.now ?? Date.now;
    this.artifactRoot = options.artifactRoot ?? 'mlflow-artifacts:/';
    this.artifactsDir = join(dir, 'artifacts');
    const interval = options.checkpointIntervalMs ?? 60_000;
    if (interval > 0) {
      this.timer = setInterval(() => {
        if (this.journal.size > 0) void this.checkpoint().catch(() => undefined);
      }, interval);
      this.timer.unref();
    }
  }

  static async open(options: TrackingStoreOptions): Promise<TrackingStore> {
    const dir = options.dir;
    mkdirSync(dir, { recursive: true });
    const ignore = join(dir, '.gitignore');
    // The store is local state: keep it out of commits unless the user decides otherwise.
    if (!existsSync(ignore)) writeFileSync(ignore, '# MLflow Workbench store: local runs, metrics and artifacts\n*\n');
    let lock: OwnerLock | undefined;
    if (options.lock !== false) {
      const result = OwnerLock.acquire(dir);
      if (!result.owned) throw new StoreOwnedError(result.owner);
      lock = result.lock;
    }
    try {
      const SQL = await loadSqlJs();
      const image = readImage(dir); // finishes an image write a crash interrupted
      const db = new Sqlite(image ? new SQL.Database(image) : new SQL.Database());
      // Large pages: sql.js copies each dirty page into its in-memory file on commit, and metric ingest
      // appends in clusters, so fewer, bigger pages roughly double ingest (page_size only takes on a new file).
      db.exec(`PRAGMA page_size = ${PAGE_SIZE}; PRAGMA journal_mode = MEMORY; PRAGMA synchronous = OFF; PRAGMA temp_store = MEMORY; PRAGMA cache_size = -65536;`);
      const points = new PointStore(db, { ...options.pointOptions, dir: join(dir, 'points'), cacheBytes: options.pointCacheBytes });
      points.recover();
      const from = migrate(db, points);
      points.loadTails();
      // The old points are gone from the image: shrink it before it is written.
      if (from < POINTS_SCHEMA && from > 0) db.exec('VACUUM');
      const lsn = Number(db.get<{ value: string }>("SELECT value FROM meta WHERE key = 'lsn'")?.value ?? 0);
      const generations = journalGenerations(dir);
      const keys = new MetricKeys(db);
      let last = lsn;
      // One transaction, a savepoint per op (as commit does): a COMMIT per op would copy dirty pages per op.
      db.run('BEGIN');
      for (const gen of generations) {
        for (const entry of Journal.records<Op>(journalPath(dir, gen))) {
          if (entry.lsn <= last) continue;
          db.run('SAVEPOINT op');
          try {
            applyOp(db, keys, points, entry.op);
            db.run('RELEASE op');
            points.commitStaged();
          } catch {
            db.run('ROLLBACK TO op');
            db.run('RELEASE op');
            points.discardStaged();
            keys.reset(); // an op that failed when logged was never journaled; this is defensive only
          }
          last = entry.lsn;
        }
      }
      db.run('COMMIT');
      const generation = generations.length ? generations[generations.length - 1] : 1;
      const store = new TrackingStore(dir, db, points, lock, options, { generation, lsn: last });
      store.ensureDefaultExperiment();
      // A first image makes the default experiment (made outside the journal) durable at once; after the v6
      // migration, one records the chunks it wrote (until then the old image and journal still hold the points).
      if (!image || from < POINTS_SCHEMA) await store.checkpoint();
      return store;
    } catch (err) {
      lock?.release();
      throw err;
    }
  }

  get owner(): OwnerInfo | undefined {
    return this.lock?.owner;
  }

  /** Publishes the server address in the lock file so other openers can become clients. */
  publishServer(host: string, port: number, token: string | undefined): void {
    this.lock?.update({ host, port, token });
  }

  private ensureDefaultExperiment(): void {
    if (!this.db.get('SELECT 1 AS x FROM experiments WHERE experiment_id = 0')) {
      const time = this.now();
      this.db.run(
        "INSERT INTO experiments(experiment_id, name, artifact_location, lifecycle_stage, creation_time, last_update_time) VALUES (0, 'Default', ?, 'active', ?, ?)",
        [`${this.artifactRoot}0`, time, time],
      );
    }
  }

  // ---- durability -------------------------------------------------------------------------------

  private commit(op: Op): Promise<void> {
    if (this.closed) throw new MlflowError('TEMPORARILY_UNAVAILABLE', 'The tracking store is closed.');
    // Durability comes from the journal, not from SQLite: ops run as savepoints inside a longer SQLite
    // transaction, so sql.js copies dirty pages into its in-memory file once per batch instead of per op.
    this.beginBatch();
    this.db.run('SAVEPOINT op');
    try {
      applyOp(this.db, this.keys, this.points, op);
      this.db.run('RELEASE op');
    } catch (err) {
      this.db.run('ROLLBACK TO op');
      this.db.run('RELEASE op');
      this.points.discardStaged();
      this.keys.reset();
      throw err;
    }
    // Only now do the op's points join the tails (a flush writes index rows: outside the op's savepoint).
    this.points.commitStaged();
    const journaled = this.journal.size;
    const durable = this.journal.append({ lsn: ++this.lsn, op });
    // A large op (OTLP spans) commits its SQLite transaction at once: sql.js's COMMIT costs grow with the pages
    // it carries, and several large ops in one batch window would block the event loop for a long COMMIT.
    if (this.journal.size - journaled > LARGE_OP_BYTES) this.endBatch();
    if (this.journal.size > (this.options.checkpointBytes ?? DEFAULT_CHECKPOINT_BYTES)) void this.checkpoint().catch(() => undefined);
    return durable;
  }

  private beginBatch(): void {
    if (this.batchTimer) return;
    this.db.run('BEGIN');
    this.batchTimer = setTimeout(() => this.endBatch(), BATCH_WINDOW_MS);
  }

  /** Commits the SQLite transaction that groups recent ops (before exports and on close). */
  private endBatch(): void {
    if (!this.batchTimer) return;
    clearTimeout(this.batchTimer);
    this.batchTimer = undefined;
    this.db.run('COMMIT');
  }

  /**
   * Applies and journals an op built elsewhere in the same store (the model registry, extension/registry);
   * resolves once it is durable, exactly like the store's own writes.
   */
  commitOp(op: Op): Promise<void> {
    return this.commit(op);
  }

  /** Writes the database image (the pages that changed since the last one) and drops the journals it covers. */
  checkpoint(): Promise<void> {
    this.checkpointing ??= this.writeCheckpoint().finally(() => {
      this.checkpointing = undefined;
    });
    return this.checkpointing;
  }

  private async writeCheckpoint(): Promise<void> {
    const previous = this.journal;
    this.generation += 1;
    this.journal = Journal.open<Op>(journalPath(this.dir, this.generation));
    // Metric points: segments fsync'ed and their ends recorded in the image; the unflushed tails packed into a
    // tails file the image names (bounded by the buffer budget, not by history: no chunk per tail per checkpoint).
    this.beginBatch();
    const { retired, tails } = this.points.prepareCheckpoint();
    this.endBatch();
    this.db.run("INSERT OR REPLACE INTO meta(key, value) VALUES ('lsn', ?)", [String(this.lsn)]);
    let image: Uint8Array;
    try {
      image = this.db.db.export();
    } finally {
      // The image names the tails file: it is written only once that file is complete and fsync'ed.
      await tails;
    }
    await previous.close();
    // Only the pages that changed since the last checkpoint are written (imageWriter.ts).
    this.lastCheckpoint = { ...(await this.imageWriter.write(image)), imageBytes: image.length };
    removeJournalsBefore(this.dir, this.generation);
    // Segments a compaction emptied: the image that no longer names them is durable now.
    this.points.checkpointDone(retired);
  }

  /**
   * `mlflow gc` (gc.ts): permanently removes deleted runs, experiments and logged models (all of them, or those
   * `req` names / old enough), as one journaled op; then their artifact folders; then returns the space: the
   * database is vacuumed and checkpointed. `dry_run` only answers what would go. Refusals throw MlflowError.
   */
  async gc(req: GcRequest = {}): Promise<GcResponse> {
    if (this.closed) throw new MlflowError('TEMPORARILY_UNAVAILABLE', 'The tracking store is closed.');
    const selection = selectGc(this.db, this.now(), req);
    const bytesBefore = folderBytes(this.dir);
    const out: GcResponse = {
      run_ids: selection.runs,
      experiment_ids: selection.experiments.map(String),
      logged_model_ids: selection.loggedModels,
      artifact_folders: 0,
      bytes_before: bytesBefore,
      bytes_after: bytesBefore,
      dry_run: req.dry_run === true,
    };
    if (req.dry_run) return out;
    if (selection.runs.length + selection.experiments.length + selection.loggedModels.length > 0) {
      const folders = artifactFoldersOf(this.db, selection);
      await this.commit({ t: 'purge', runs: selection.runs, experiments: selection.experiments, loggedModels: selection.loggedModels });
      // Internal run ids of removed runs may be taken again by new runs.
      this.historyJson.clear();
      out.artifact_folders = removeArtifactFolders(this.artifactsDir, folders);
    }
    // VACUUM runs outside any transaction; the checkpoint right after writes the smaller image.
    if (this.checkpointing) await this.checkpointing.catch(() => undefined);
    this.endBatch();
    this.db.exec('VACUUM');
    await this.checkpoint();
    // Segments holding removed runs' chunks are rewritten without them; the old files go once that is durable.
    await this.points.compact();
    out.bytes_after = folderBytes(this.dir);
    return out;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    if (this.timer) clearInterval(this.timer);
    // A checkpoint already running exported the image before the latest ops: wait for it, then write one that
    // holds everything, so the next open replays nothing.
    await this.checkpointing;
    // Nothing since the last image (an idle window closing): no export, so stopping stays instant at any size.
    if (this.journal.size > 0 || this.points.changedSinceCheckpoint) await this.checkpoint();
    this.endBatch();
    this.closed = true;
    await this.journal.close();
    await this.parallelJson.stop();
    this.points.close();
    this.db.close();
    this.lock?.release();
  }

  // ---- experiments ------------------------------------------------------------------------------

  async createExperiment(name: unknown, artifactLocation?: string, tags?: KeyValue[]): Promise<string> {
    const validName = validateExperimentName(name);
    if (artifactLocation && artifactLocation.startsWith('runs:')) {
      throw invalidParameter(`Artifact location cannot be a runs:/ URI. Given: '${artifactLocation}'`);
    }
    const id = (this.db.get<{ id: number | null }>('SELECT max(experiment_id) AS id FROM experiments')?.id ?? 0) + 1;
    const validTags = validatePairs(tags, 'tag', LIMITS.experimentTagValue, 'Experiment tag');
    await this.commit({
      t: 'createExperiment',
      id,
      name: validName,
      artifactLocation: artifactLocation || `${this.artifactRoot}${id}`,
      time: this.now(),
      tags: validTags,
    });
    return String(id);
  }

  getExperiment(experimentId: unknown): Experiment {
    const id = parseExperimentId(experimentId);
    const exp = readExperiment(this.db, id);
    if (!exp) throw notFound(`No Experiment with id=${id} exists`);
    return exp;
  }

  getExperimentByName(name: unknown): Experiment {
    if (typeof name !== 'string' || name === '') throw invalidParameter("Missing value for required parameter 'experiment_name'.");
    const id = experimentIdByName(this.db, name);
    if (id === undefined) throw notFound(`Could not find experiment with name '${name}'`);
    return readExperiment(this.db, id)!;
  }

  searchExperiments(req: SearchExperimentsRequest): { experiments: Experiment[]; next_page_token?: string } {
    const maxResults = req.max_results ?? 1000;
    if (!Number.isInteger(maxResults) || maxResults < 1 || maxResults > LIMITS.searchMaxResults) {
      throw invalidParameter(`Invalid value ${maxResults} for parameter 'max_results' supplied. It must be at most ${LIMITS.searchMaxResults}, and at least 1.`);
    }
    const q = compileExperimentSearch({ filter: req.filter, orderBy: req.order_by, viewType: req.view_type ?? 'ACTIVE_ONLY', maxResults, pageToken: req.page_token });
    const ids = this.db.rows(q.sql, q.params).map((r) => r[0] as number);
    const page = ids.slice(0, maxResults).map((id) => readExperiment(this.db, id)!);
    const out: { experiments: Experiment[]; next_page_token?: string } = { experiments: page };
    if (ids.length > maxResults) out.next_page_token = encodePageToken(q.offset + maxResults);
    return out;
  }

  async renameExperiment(experimentId: unknown, newName: unknown): Promise<void> {
    const id = parseExperimentId(experimentId);
    const name = validateExperimentName(newName);
    await this.commit({ t: 'renameExperiment', id, name, time: this.now() });
  }

  async deleteExperiment(experimentId: unknown): Promise<void> {
    await this.commit({ t: 'deleteExperiment', id: parseExperimentId(experimentId), time: this.now() });
  }

  async restoreExperiment(experimentId: unknown): Promise<void> {
    await this.commit({ t: 'restoreExperiment', id: parseExperimentId(experimentId), time: this.now() });
  }

  async setExperimentTag(experimentId: unknown, key: unknown, value: unknown): Promise<void> {
    const [[k, v]] = validatePairs([{ key: key as string, value: value as string }], 'tag', LIMITS.experimentTagValue, 'Experiment tag');
    await this.commit({ t: 'setExperimentTag', id: parseExperimentId(experimentId), key: k, value: v });
  }

  async deleteExperimentTag(experimentId: unknown, key: unknown): Promise<void> {
    if (typeof key !== 'string' || key === '') throw invalidParameter("Missing value for required parameter 'key'.");
    await this.commit({ t: 'deleteExperimentTag', id: parseExperimentId(experimentId), key });
  }

  // ---- runs -------------------------------------------------------------------------------------

  async createRun(req: CreateRunRequest): Promise<Run> {
    const experimentId = parseExperimentId(req.experiment_id === undefined || req.experiment_id === '' ? DEFAULT_EXPERIMENT_ID : req.experiment_id);
    const exp = readExperiment(this.db, experimentId);
    if (!exp) throw notFound(`No Experiment with id=${experimentId} exists`);
    const tags = validatePairs(req.tags, 'tag', LIMITS.runTagValue, 'Tag');
    const tagName = tags.find(([k]) => k === RUN_NAME_TAG)?.[1];
    if (req.run_name && tagName !== undefined && req.run_name !== tagName) {
      throw invalidParameter(
        `Both 'run_name' argument and 'mlflow.runName' tag are specified, but with different values (run_name='${req.run_name}', mlflow.runName='${tagName}').`,
      );
    }
    const name = req.run_name || tagName || generateRunName();
    if (tagName === undefined) tags.push([RUN_NAME_TAG, name]);
    const run = randomUUID().replace(/-/g, '');
    const startTime = req.start_time === undefined ? this.now() : validateTimestamp(req.start_time, 'start_time');
    await this.commit({
      t: 'createRun',
      run,
      experimentId,
      name,
      userId: req.user_id ?? '',
      startTime,
      artifactUri: `${exp.artifact_location}/${run}/artifacts`,
      tags,
    });
    // runs/create answers `inputs` but no `outputs` (MLflow 3 builds that run without them).
    const { outputs: _outputs, ...created } = readRun(this.db, run);
    return created;
  }

  getRun(runId: unknown): Run {
    return readRun(this.db, validateRunId(runId));
  }

  getRunInfo(runId: unknown): RunInfo {
    return readRunInfo(this.db, validateRunId(runId));
  }

  async updateRun(req: UpdateRunRequest): Promise<RunInfo> {
    const run = validateRunId(req.run_id);
    if (req.status !== undefined && !RUN_STATUSES.includes(req.status)) throw invalidParameter(`Invalid value ${String(req.status)} for parameter 'status'`);
    const endTime = req.end_time === undefined ? undefined : validateTimestamp(req.end_time, 'end_time');
    if (req.run_name !== undefined && req.run_name !== '') validateValueLength(req.run_name, LIMITS.runTagValue, 'Tag', RUN_NAME_TAG);
    await this.commit({ t: 'updateRun', run, status: req.status, endTime, name: req.run_name || undefined });
    return readRunInfo(this.db, run);
  }

  async deleteRun(runId: unknown): Promise<void> {
    await this.commit({ t: 'deleteRun', run: validateRunId(runId), time: this.now() });
  }

  async restoreRun(runId: unknown): Promise<void> {
    await this.commit({ t: 'restoreRun', run: validateRunId(runId) });
  }

  async logBatch(req: LogBatchRequest): Promise<void> {
    const run = validateRunId(req.run_id);
    const metrics = req.metrics ?? [];
    const params = req.params ?? [];
    const tags = req.tags ?? [];
    if (metrics.length > LIMITS.batchMetrics) {
      throw invalidParameter(`A batch logging request can contain at most ${LIMITS.batchMetrics} metrics. Got ${metrics.length} metrics. Please split up metrics across multiple requests and try again.`);
    }
    if (params.length > LIMITS.batchParams) {
      throw invalidParameter(`A batch logging request can contain at most ${LIMITS.batchParams} params. Got ${params.length} params. Please split up params across multiple requests and try again.`);
    }
    if (tags.length > LIMITS.batchTags) {
      throw invalidParameter(`A batch logging request can contain at most ${LIMITS.batchTags} tags. Got ${tags.length} tags. Please split up tags across multiple requests and try again.`);
    }
    const total = metrics.length + params.length + tags.length;
    if (total > LIMITS.batchTotal) {
      throw invalidParameter(`A batch logging request can contain at most ${LIMITS.batchTotal} total metrics, params and tags. Got ${total}. Please split up entities across multiple requests and try again.`);
    }
    const validParams = validatePairs(params, 'param', LIMITS.paramValue, 'Param');
    const seen = new Set<string>();
    const dupes = new Set<string>();
    for (const [k] of validParams) (seen.has(k) ? dupes : seen).add(k);
    if (dupes.size) {
      throw invalidParameter(`Duplicate parameter keys have been submitted: [${[...dupes].map((d) => `'${d}'`).join(', ')}]. Please ensure the request contains only one param value per param key.`);
    }
    const tuples = metrics.map(toMetricTuple);
    const modelMetrics = modelMetricsOf(metrics, tuples);
    await this.commit({
      t: 'logBatch',
      run,
      metrics: tuples,
      params: validParams,
      tags: validatePairs(tags, 'tag', LIMITS.runTagValue, 'Tag'),
      ...(modelMetrics.length ? { modelMetrics } : {}),
    });
  }

  logMetric(runId: unknown, metric: MetricInput): Promise<void> {
    return this.logBatch({ run_id: runId as string, metrics: [metric] });
  }

  logParam(runId: unknown, key: unknown, value: unknown): Promise<void> {
    return this.logBatch({ run_id: runId as string, params: [{ key: key as string, value: value as string }] });
  }

  setTag(runId: unknown, key: unknown, value: unknown): Promise<void> {
    return this.logBatch({ run_id: runId as string, tags: [{ key: key as string, value: value as string }] });
  }

  async deleteTag(runId: unknown, key: unknown): Promise<void> {
    const run = validateRunId(runId);
    if (typeof key !== 'string' || key === '') throw invalidParameter("Missing value for required parameter 'key'.");
    await this.commit({ t: 'deleteTag', run, key });
  }

  async logModel(runId: unknown, modelJson: unknown): Promise<void> {
    const run = validateRunId(runId);
    if (typeof modelJson !== 'string' || modelJson === '') throw invalidParameter("Missing value for required parameter 'model_json'.");
    let model: unknown;
    try {
      model = JSON.parse(modelJson);
    } catch {
      throw invalidParameter(`Malformed model info. 'model_json' is not valid JSON: ${modelJson.slice(0, 100)}`);
    }
    if (typeof model !== 'object' || model === null || Array.isArray(model)) throw invalidParameter("Malformed model info. 'model_json' must be a JSON object.");
    const runRow = findRun(this.db, run);
    const current = this.db.get<{ value: string }>('SELECT value FROM tags WHERE run_id = ? AND key = ?', [runRow.id, LOGGED_MODELS_TAG]);
    // MLflow writes the list with Python's json.dumps (", " and ": " between items); the Python client's
    // model_json is already that text, so it is appended as sent rather than re-serialised compactly.
    const previous = parseJsonList(current?.value).length > 0 ? current!.value.trimEnd().slice(0, -1) : undefined;
    const history = previous === undefined ? `[${modelJson}]` : `${previous}, ${modelJson}]`;
    await this.commit({ t: 'logBatch', run, metrics: [], params: [], tags: [[LOGGED_MODELS_TAG, history]] });
  }

  async logInputs(runId: unknown, datasets: DatasetInput[] | undefined, models: { model_id: string }[] | undefined): Promise<void> {
    const run = validateRunId(runId);
    const ops: DatasetOp[] = (datasets ?? []).map((input) => {
      const d = input?.dataset;
      if (!d) throw invalidParameter("Missing value for required parameter 'datasets[].dataset'.");
      for (const field of ['name', 'digest', 'source_type', 'source'] as const) {
        if (typeof d[field] !== 'string' || d[field] === '') throw invalidParameter(`Missing value for required parameter 'dataset.${field}'.`);
      }
      validateValueLength(d.name, LIMITS.datasetName, 'Dataset name', 'name');
      validateValueLength(d.digest, LIMITS.datasetDigest, 'Dataset digest', 'digest');
      validateValueLength(d.source, LIMITS.datasetSource, 'Dataset source', 'source');
      if (d.schema) validateValueLength(d.schema, LIMITS.datasetSchema, 'Dataset schema', 'schema');
      if (d.profile) validateValueLength(d.profile, LIMITS.datasetProfile, 'Dataset profile', 'profile');
      const tags: Pair[] = (input.tags ?? []).map((t) => {
        if (typeof t?.key !== 'string' || t.key === '') throw invalidParameter("Missing value for required parameter 'tags[].key'.");
        validateValueLength(t.key, LIMITS.inputTagKey, 'Input tag key', t.key);
        return [t.key, validateValueLength(String(t.value ?? ''), LIMITS.inputTagValue, 'Input tag', t.key)];
      });
      return {
        uuid: randomUUID().replace(/-/g, ''),
        inputUuid: randomUUID().replace(/-/g, ''),
        name: d.name, digest: d.digest, sourceType: d.source_type, source: d.source, schema: d.schema || undefined, profile: d.profile || undefined,
        tags,
      };
    });
    const modelIds = (models ?? []).map((m) => {
      if (typeof m?.model_id !== 'string' || m.model_id === '') throw invalidParameter("Missing value for required parameter 'models[].model_id'.");
      return m.model_id;
    });
    await this.commit({ t: 'logInputs', run, datasets: ops, models: modelIds });
  }

  async logOutputs(runId: unknown, models: { model_id: string; step?: number }[] | undefined): Promise<void> {
    const run = validateRunId(runId);
    if (!models || models.length === 0) throw invalidParameter("Missing value for required parameter 'models'.");
    const out = models.map((m) => {
      if (typeof m?.model_id !== 'string' || m.model_id === '') throw invalidParameter("Missing value for required parameter 'models[].model_id'.");
      return { modelId: m.model_id, step: validateStep(m.step) };
    });
    await this.commit({ t: 'logOutputs', run, models: out });
  }

  searchRuns(req: SearchRunsRequest): { runs: Run[]; next_page_token?: string } {
    const maxResults = req.max_results ?? 1000;
    if (!Number.isInteger(maxResults) || maxResults < 1 || maxResults > LIMITS.searchMaxResults) {
      throw invalidParameter(`Invalid value ${maxResults} for parameter 'max_results' supplied. It must be at most ${LIMITS.searchMaxResults}, and at least 1.`);
    }
    const experimentIds = (req.experiment_ids ?? []).flatMap((id) => (/^\d{1,15}$/.test(String(id)) ? [Number(id)] : []));
    const q = compileRunSearch({
      experimentIds,
      filter: req.filter,
      orderBy: req.order_by,
      viewType: (req.run_view_type ?? 'ACTIVE_ONLY') as ViewType,
      maxResults,
      pageToken: req.page_token,
    });
    const ids = this.db.rows(q.sql, q.params).map((r) => r[0] as number);
    const out: { runs: Run[]; next_page_token?: string } = { runs: readRunsByInternalIds(this.db, ids.slice(0, maxResults)) };
    if (ids.length > maxResults) out.next_page_token = encodePageToken(q.offset + maxResults);
    return out;
  }

  /**
   * Every run a search matches (no paging), column by column, for the runs table (runColumns.ts). Same filter,
   * order and view type rules as searchRuns.
   */
  searchRunColumns(req: Omit<SearchRunsRequest, 'max_results' | 'page_token'>): RunColumns {
    const experimentIds = (req.experiment_ids ?? []).flatMap((id) => (/^\d{1,15}$/.test(String(id)) ? [Number(id)] : []));
    const ids: number[] = [];
    for (let offset = 0; ; offset += SEARCH_MAX_RESULTS_THRESHOLD) {
      const q = compileRunSearch({
        experimentIds,
        filter: req.filter,
        orderBy: req.order_by,
        viewType: (req.run_view_type ?? 'ACTIVE_ONLY') as ViewType,
        maxResults: SEARCH_MAX_RESULTS_THRESHOLD,
        pageToken: offset ? encodePageToken(offset) : undefined,
      });
      const page = this.db.rows(q.sql, q.params);
      for (const r of page.slice(0, SEARCH_MAX_RESULTS_THRESHOLD)) ids.push(r[0] as number);
      if (page.length <= SEARCH_MAX_RESULTS_THRESHOLD) break;
    }
    return readRunColumns(this.db, ids);
  }

  getMetricHistory(runId: unknown, key: unknown, maxResults?: number, pageToken?: string): { metrics: Metric[]; next_page_token?: string } {
    const run = findRun(this.db, validateRunId(runId));
    if (typeof key !== 'string' || key === '') throw invalidParameter("Missing value for required parameter 'metric_key'.");
    const keyId = this.keys.existing(key);
    if (keyId === undefined) return { metrics: [] };
    const all = readMetricHistory(this.points, run.id, keyId, key);
    if (maxResults === undefined && !pageToken) return { metrics: all };
    const offset = decodePageToken(pageToken);
    const size = maxResults ?? all.length;
    if (!Number.isInteger(size) || size < 1) throw invalidParameter(`Invalid value ${size} for parameter 'max_results'.`);
    const out: { metrics: Metric[]; next_page_token?: string } = { metrics: all.slice(offset, offset + size) };
    if (offset + size < all.length) out.next_page_token = encodePageToken(offset + size);
    return out;
  }

  /**
   * The whole history of a metric as the JSON bytes of MLflow's `metrics` list, in slices (undefined when
   * there is none), built as they are taken so a server can send the first while the rest are made. A slice
   * may be overwritten by the next one: copy it, or finish with it (e.g. have it flushed to the socket),
   * before taking the next. Fetched a second time with no new point, a history is kept and served again.
   */
  getMetricHistoryJson(runId: unknown, key: unknown): JsonSlices | undefined {
    const run = findRun(this.db, validateRunId(runId));
    if (typeof key !== 'string' || key === '') throw invalidParameter("Missing value for required parameter 'metric_key'.");
    const keyId = this.keys.existing(key);
    if (keyId === undefined) return undefined;
    const count = this.db.get<{ count: number }>('SELECT count FROM latest_metrics WHERE run_id = ? AND key_id = ?', [run.id, keyId])?.count;
    if (count === undefined) return undefined;
    const found = this.historyJson.lookup(run.id, keyId, count);
    if ('json' in found) return found.json;
    const { historyJson: cache, historyScratch: scratch, parallelJson } = this;
    // Read now, not when the slices are taken: the answer is the history as of this call.
    const columns = scratch.columns.take(count);
    const history = readHistoryColumns(this.points, run.id, keyId, key, columns);
    if (!found.keep) {
      return (async function* slices(): AsyncGenerator<Uint8Array> {
        try {
          yield* parallelJson.slices(history);
        } finally {
          scratch.columns.give(columns);
        }
      })();
    }
    return (function* slices(): Generator<Uint8Array> {
      try {
        const kept: Uint8Array[] = [];
        for (const slice of historyJsonSlices(history)) {
          kept.push(slice);
          yield slice;
        }
        cache.set(run.id, keyId, count, kept);
      } finally {
        scratch.columns.give(columns);
      }
    })();
  }

  /** MLflow's get-history-bulk-interval: a sampled set of steps shared by all runs, keeping each run's ends. */
  getMetricHistoryBulkInterval(runIds: unknown[], key: unknown, startStep?: number, endStep?: number, maxResults?: number): MetricWithRunId[] {
    if (!Array.isArray(runIds) || runIds.length === 0) throw invalidParameter('GetMetricHistoryBulkInterval request must specify at least one run_id.');
    if (runIds.length > LIMITS.bulkIntervalRuns) {
      throw invalidParameter(`GetMetricHistoryBulkInterval request cannot specify more than ${LIMITS.bulkIntervalRuns} run_ids. Received ${runIds.length} run_ids.`);
    }
    if (typeof key !== 'string' || key === '') throw invalidParameter("Missing value for required parameter 'metric_key'.");
    const limit = maxResults ?? LIMITS.bulkIntervalMaxResults;
    if (!Number.isInteger(limit) || limit < 1 || limit > LIMITS.bulkIntervalMaxResults) {
      throw invalidParameter(`max_results must be between 1 and ${LIMITS.bulkIntervalMaxResults}.`);
    }
    if ((startStep === undefined) !== (endStep === undefined)) throw invalidParameter('If either start step or end step are specified, both must be specified.');
    if (startStep !== undefined && endStep !== undefined && startStep > endStep) throw invalidParameter('end_step must be greater than start_step. ');
    const keyId = this.keys.existing(key);
    const perRun = runIds.map((id) => {
      const uuid = validateRunId(id);
      const run = findRun(this.db, uuid);
      return { uuid, points: keyId === undefined ? [] : readMetricPointsByStep(this.points, run.id, keyId) };
    });
    const allSteps = [...new Set(perRun.flatMap((r) => r.points.map((p) => p[0])))].sort((a, b) => a - b);
    const start = startStep ?? 0;
    const end = endStep ?? (allSteps.length ? allSteps[allSteps.length - 1] : 0);
    const boundaries = perRun.flatMap((r) => (r.points.length ? [r.points[0][0], r.points[r.points.length - 1][0]] : [])).filter((s) => s >= start && s <= end);
    const inRange = allSteps.filter((s) => s >= start && s <= end);
    let sampled: number[];
    if (inRange.length <= limit) sampled = inRange;
    else {
      sampled = [];
      for (let i = 0; i < limit; i++) sampled.push(inRange[Math.floor((i * inRange.length) / limit)]);
      sampled.push(inRange[inRange.length - 1]);
    }
    const chosen = new Set([...sampled, ...boundaries]);
    return perRun.flatMap((r) => withRunId(r.points.filter((p) => chosen.has(p[0])), key, r.uuid).slice(0, limit));
  }

  /** Our extension: latest, min, max and count for each metric of a run. */
  getMetricSummaries(runId: unknown): MetricSummary[] {
    const run = findRun(this.db, validateRunId(runId));
    return readMetricSummaries(this.db, run.id);
  }

  /** Our extension, for charts: a metric's points (only steps in `range` when given), columnar, in step order. */
  getMetricPoints(runId: unknown, key: unknown, range?: StepBounds): ColumnarPoints {
    const run = findRun(this.db, validateRunId(runId));
    if (typeof key !== 'string' || key === '') throw invalidParameter("Missing value for required parameter 'metric_key'.");
    const keyId = this.keys.existing(key);
    if (keyId === undefined) return { step: new Float64Array(0), timestamp: new Float64Array(0), value: new Float64Array(0) };
    return readMetricPointsColumnar(this.points, run.id, keyId, range);
  }

  /** Our extension, for charts: a metric downsampled from its chunk summaries (seriesReads.ts). */
  getMetricSeries(runId: unknown, key: unknown, query: SeriesQuery): GetMetricSeriesResponse {
    const run = findRun(this.db, validateRunId(runId));
    if (typeof key !== 'string' || key === '') throw invalidParameter("Missing value for required parameter 'metric_key'.");
    if (query.axis !== 'step' && query.axis !== 'time') throw invalidParameter(`Invalid value ${JSON.stringify(query.axis)} for parameter 'axis': use step or time.`);
    for (const [name, v] of [['from', query.from], ['to', query.to], ['buckets', query.buckets]] as const) {
      if (v !== undefined && !Number.isFinite(v)) throw invalidParameter(`Invalid value ${String(v)} for parameter '${name}': must be a number.`);
    }
    const keyId = this.keys.existing(key);
    const total = keyId === undefined ? undefined : this.db.get<{ count: number }>('SELECT count FROM latest_metrics WHERE run_id = ? AND key_id = ?', [run.id, keyId])?.count;
    if (keyId === undefined || total === undefined) return { total: 0, exact: true, step: [], timestamp: [], value: [] };
    return readMetricSeries(this.points, run.id, keyId, total, query);
  }

  /** Internal id of an active or deleted run; for the artifact confinement check. */
  runExperiment(runId: string): string | undefined {
    return this.db.get<{ experiment_id: number }>('SELECT experiment_id FROM runs WHERE run_uuid = ?', [runId])?.experiment_id?.toString();
  }
}

/** A JSON list kept in a tag; anything else (absent, corrupt) starts a new list. */
function parseJsonList(text: string | undefined): unknown[] {
  if (text === undefined) return [];
  try {
    const parsed: unknown = JSON.parse(text);
    return Array.isArray(parsed) ? parsed : [];
  } catch {
    return [];
  }
}

/**
 * The metrics that name a model, as the model keeps them: MLflow's SQL store stores NaN as 0 and ±Infinity as
 * ±max double there, and a point repeated in one request once.
 */
function modelMetricsOf(metrics: MetricInput[], tuples: MetricTuple[]): ModelMetricTuple[] {
  const out: ModelMetricTuple[] = [];
  const seen = new Set<string>();
  metrics.forEach((m, i) => {
    if (!m.model_id) return;
    const [key, raw, ts, step] = tuples[i];
    const v = typeof raw === 'number' ? raw : raw === 'NaN' ? 0 : raw === 'Infinity' ? Number.MAX_VALUE : -Number.MAX_VALUE;
    const entry: ModelMetricTuple = [key, v, ts, step, m.model_id, m.dataset_name ?? null, m.dataset_digest ?? null];
    const id = JSON.stringify(entry);
    if (seen.has(id)) return;
    seen.add(id);
    out.push(entry);
  });
  return out;
}

function toMetricTuple(m: MetricInput): MetricTuple {
  const key = validateKey(m?.key, 'metric');
  if (Boolean(m.dataset_name) !== Boolean(m.dataset_digest)) throw invalidParameter('Both dataset_name and dataset_digest must be provided if one is provided');
  const value = validateMetricValue(m.value, key);
  if (m.timestamp === undefined || m.timestamp === null) throw invalidParameter(`Missing value for required parameter 'timestamp' of metric '${key}'.`);
  return [key, toJournalNumber(value), validateTimestamp(m.timestamp), validateStep(m.step)];
}

/** Brings the image to the current schema; the version it stood at (0: a new store). */
function migrate(db: Sqlite, points: PointStore): number {
  const hasMeta = db.get("SELECT 1 AS x FROM sqlite_master WHERE type = 'table' AND name = 'meta'");
  let version = hasMeta ? Number(db.get<{ value: string }>("SELECT value FROM meta WHERE key = 'schema_version'")?.value ?? 0) : 0;
  const from = version;
  if (version > SCHEMA_VERSION) {
    throw new Error(`This store was written by a newer MLflow Workbench (schema ${version}; this version reads up to ${SCHEMA_VERSION}).`);
  }
  while (version < SCHEMA_VERSION) {
    const next = version + 1;
    db.transaction(() => {
      db.exec(MIGRATIONS[version]);
      MIGRATION_BACKFILLS[next]?.(db, { points });
      db.run("INSERT OR REPLACE INTO meta(key, value) VALUES ('schema_version', ?)", [String(next)]);
    });
    version = next;
  }
  return from;
}
