// `mlflow gc` for the workspace store: permanently removes runs, experiments and logged models in the deleted
// lifecycle stage, with every row that hangs off them, their metric histories and their artifact folders.
//
// Selection follows MLflow 3.11's gc: without ids, every deleted run (deleted at least `older_than` ago), every
// deleted experiment (last updated before that) with all its runs, and every deleted logged model; named ids
// must exist and be deleted (and old enough), else the whole gc is refused. Unlike MLflow, which removes one
// run at a time and stops at the first refusal, the selection is checked whole and removed as ONE journaled op
// (`purge`), so a crash leaves either everything or nothing removed. Artifact folders go only once that op is
// durable, and only confined folders under the store's own artifacts folder.
// A purged experiment takes its runs, logged models, datasets and tags (MLflow 3.11's cascade) and also its traces:
// MLflow 3.11's gc fails there with a FOREIGN KEY error after having removed the runs (checked against its SQL
// store), so a refusal would not be "as MLflow does" either; removing them is what the user asked for.
import { lstatSync, readdirSync, realpathSync, rmSync } from 'node:fs';
import { join, sep } from 'node:path';
import { invalidParameter, notFound } from '../errors';
import type { GcRequest } from '../rest/types';
import type { Sqlite } from './sqlite';
import type { PointStore } from './points/pointStore';

/** The journaled op: every id decided, applied deterministically on replay. */
export interface PurgeOp {
  t: 'purge';
  runs: string[];
  experiments: number[];
  loggedModels: string[];
}

export interface GcSelection {
  runs: string[];
  experiments: number[];
  loggedModels: string[];
}

const ARTIFACT_URI_PREFIX = 'mlflow-artifacts:/';

/** MLflow's `--older-than` duration (`1d2h3m4.5s`, each part optional) in milliseconds. */
export function parseOlderThan(text: string): number {
  const m = /^(?:([.\d]+?)d)?(?:([.\d]+?)h)?(?:([.\d]+?)m)?(?:([.\d]+?)s)?$/.exec(text);
  const parts = m?.slice(1).map((p) => (p === undefined ? 0 : Number(p)));
  if (!m || !parts || parts.some((p) => !Number.isFinite(p))) {
    throw invalidParameter(`Could not parse any time information from '${text}'. Examples of valid strings: '8h', '2d8h5m20s', '2m4s'`);
  }
  const [d, h, min, s] = parts;
  return Math.trunc((((d * 24 + h) * 60 + min) * 60 + s) * 1000);
}

/** A list given as an array or as comma-separated text (the CLI's form); undefined when not given. */
export function idList(value: unknown, name: string): string[] | undefined {
  if (value === undefined || value === null || value === '') return undefined;
  if (typeof value === 'string') return value.split(',');
  if (Array.isArray(value) && value.every((v) => typeof v === 'string' || typeof v === 'number')) return value.map(String);
  throw invalidParameter(`Invalid value for parameter '${name}': expected a list of ids or comma-separated text.`);
}

/** Python's repr of a list of str, as MLflow's messages print them. */
const pyList = (ids: string[]): string => `[${ids.map((id) => `'${id}'`).join(', ')}]`;

/** What gc removes for this request, or an MlflowError naming what it refuses (nothing is removed then). */
export function selectGc(db: Sqlite, now: number, req: GcRequest): GcSelection {
  const delta = req.older_than ? parseOlderThan(req.older_than) : 0;
  const threshold = now - delta;
  const runIds = idList(req.run_ids, 'run_ids');
  const experimentIds = idList(req.experiment_ids, 'experiment_ids');
  const modelIds = idList(req.logged_model_ids, 'logged_model_ids');

  const deletedRunsOld = new Set(
    db.all<{ run_uuid: string }>("SELECT run_uuid FROM runs WHERE lifecycle_stage = 'deleted' AND deleted_time <= ? ORDER BY id", [threshold]).map((r) => r.run_uuid),
  );
  const runs = runIds ?? [...deletedRunsOld];

  let experiments: number[];
  if (experimentIds) {
    const found = experimentIds.map((id) => {
      const row = /^\d{1,15}$/.test(id)
        ? db.get<{ lifecycle_stage: string; last_update_time: number }>('SELECT lifecycle_stage, last_update_time FROM experiments WHERE experiment_id = ?', [Number(id)])
        : undefined;
      if (!row) throw notFound(`No Experiment with id=${id} exists`);
      return { id, ...row };
    });
    const active = found.filter((e) => e.lifecycle_stage !== 'deleted').map((e) => e.id);
    if (active.length) {
      throw invalidParameter(`Experiments ${pyList(active)} are not in the deleted lifecycle stage. Only experiments in the deleted lifecycle stage can be hard-deleted.`);
    }
    if (req.older_than) {
      const young = found.filter((e) => e.last_update_time >= threshold).map((e) => e.id);
      if (young.length) {
        throw invalidParameter(`Experiments ${pyList(young)} are not older than the required age. Only experiments older than ${req.older_than} can be deleted.`);
      }
    }
    experiments = [...new Set(found.map((e) => Number(e.id)))];
  } else {
    experiments = db
      .all<{ experiment_id: number }>(
        `SELECT experiment_id FROM experiments WHERE lifecycle_stage = 'deleted'${req.older_than ? ' AND last_update_time < ?' : ''} ORDER BY experiment_id`,
        req.older_than ? [threshold] : [],
      )
      .map((e) => e.experiment_id);
  }
  // A deleted experiment's deleted runs are selected with it (and checked like named runs, as MLflow does).
  for (const id of experiments) {
    for (const r of db.all<{ run_uuid: string }>("SELECT run_uuid FROM runs WHERE experiment_id = ? AND lifecycle_stage = 'deleted' ORDER BY id", [id])) runs.push(r.run_uuid);
  }
  const uniqueRuns = [...new Set(runs)];
  for (const id of uniqueRuns) {
    const row = db.get<{ lifecycle_stage: string }>('SELECT lifecycle_stage FROM runs WHERE run_uuid = ?', [id]);
    if (!row) throw notFound(`Run with id=${id} not found`);
    if (row.lifecycle_stage !== 'deleted') {
      throw invalidParameter(`Run ${id} is not in \`deleted\` lifecycle stage. Only runs in \`deleted\` lifecycle stage can be deleted.`);
    }
    if (req.older_than && !deletedRunsOld.has(id)) {
      throw invalidParameter(`Run ${id} is not older than the required age. Only runs older than ${req.older_than} can be deleted.`);
    }
  }

  const deletedModels = new Map(
    db.all<{ model_id: string; last_updated_timestamp_ms: number }>("SELECT model_id, last_updated_timestamp_ms FROM logged_models WHERE lifecycle_stage = 'deleted' ORDER BY model_id").map((m) => [m.model_id, m.last_updated_timestamp_ms]),
  );
  const isOld = (id: string): boolean => (deletedModels.get(id) ?? Infinity) <= threshold;
  const models = [...new Set(modelIds ?? [...deletedModels.keys()].filter(isOld))];
  for (const id of models) {
    if (!db.get('SELECT 1 AS x FROM logged_models WHERE model_id = ?', [id])) throw notFound(`Logged model with ID '${id}' not found.`);
    if (!deletedModels.has(id)) {
      throw invalidParameter(`Logged model ${id} is not in \`deleted\` lifecycle stage. Only logged models in \`deleted\` lifecycle stage can be deleted.`);
    }
    if (req.older_than && !isOld(id)) {
      throw invalidParameter(`Logged model ${id} is not older than the required age. Only logged models older than ${req.older_than} can be deleted.`);
    }
  }
  return { runs: uniqueRuns, experiments, loggedModels: models };
}

/** Removes the metric points of these runs (internal ids): their series, tails and chunk index rows. */
export function purgeRunMetrics(points: PointStore, runIds: number[]): void {
  points.dropRuns(runIds);
}

function purgeLoggedModels(db: Sqlite, modelIds: string[]): void {
  for (const id of modelIds) {
    for (const table of ['logged_model_params', 'logged_model_tags', 'logged_model_metrics', 'logged_models']) {
      db.run(`DELETE FROM ${table} WHERE model_id = ?`, [id]);
    }
  }
}

function purgeTraces(db: Sqlite, experimentId: number): void {
  const ids = db.all<{ trace_id: string }>('SELECT trace_id FROM traces WHERE experiment_id = ?', [experimentId]).map((t) => t.trace_id);
  for (const id of ids) {
    for (const table of ['trace_tags', 'trace_metadata', 'spans', 'traces']) db.run(`DELETE FROM ${table} WHERE trace_id = ?`, [id]);
  }
}

/** Applies a purge op: every row of those runs, experiments and logged models, in every table. */
export function applyPurge(db: Sqlite, points: PointStore, op: PurgeOp): void {
  // An experiment goes with all of its runs, whatever their stage (MLflow's cascade).
  const runUuids = new Set(op.runs);
  for (const exp of op.experiments) {
    for (const r of db.all<{ run_uuid: string }>('SELECT run_uuid FROM runs WHERE experiment_id = ?', [exp])) runUuids.add(r.run_uuid);
  }
  const runs: { id: number; uuid: string }[] = [];
  for (const uuid of runUuids) {
    const row = db.get<{ id: number }>('SELECT id FROM runs WHERE run_uuid = ?', [uuid]);
    if (row) runs.push({ id: row.id, uuid });
  }
  purgeRunMetrics(points, runs.map((r) => r.id));
  for (const { id, uuid } of runs) {
    for (const table of ['params', 'tags', 'latest_metrics', 'run_inputs', 'input_tags', 'model_inputs', 'model_outputs']) {
      db.run(`DELETE FROM ${table} WHERE run_id = ?`, [id]);
    }
    // Model metrics logged by the run (MLflow cascades them from the run too).
    db.run('DELETE FROM logged_model_metrics WHERE run_id = ?', [uuid]);
    db.run('DELETE FROM runs WHERE id = ?', [id]);
  }
  const models = new Set(op.loggedModels);
  for (const exp of op.experiments) {
    for (const m of db.all<{ model_id: string }>('SELECT model_id FROM logged_models WHERE experiment_id = ?', [exp])) models.add(m.model_id);
  }
  purgeLoggedModels(db, [...models]);
  for (const exp of op.experiments) {
    purgeTraces(db, exp);
    db.run('DELETE FROM logged_model_metrics WHERE experiment_id = ?', [exp]);
    const datasets = db.all<{ id: number }>('SELECT id FROM datasets WHERE experiment_id = ?', [exp]).map((d) => d.id);
    for (const d of datasets) {
      db.run('DELETE FROM run_inputs WHERE dataset_id = ?', [d]);
      db.run('DELETE FROM input_tags WHERE dataset_id = ?', [d]);
    }
    db.run('DELETE FROM datasets WHERE experiment_id = ?', [exp]);
    db.run('DELETE FROM experiment_tags WHERE experiment_id = ?', [exp]);
    db.run('DELETE FROM experiments WHERE experiment_id = ?', [exp]);
  }
}

/**
 * The artifact folders (segments under the store's artifacts folder) of a selection, read before the purge:
 * `<exp>` of each experiment, `<exp>/<run>` of each run, `<exp>/models/<id>` of each logged model, when their
 * locations are the store's own `mlflow-artifacts:/` ones. Locations elsewhere are the user's and are left alone.
 */
export function artifactFoldersOf(db: Sqlite, selection: GcSelection): string[][] {
  const folders: string[][] = [];
  const own = (uri: string): string[] | undefined => {
    if (!uri.startsWith(ARTIFACT_URI_PREFIX)) return undefined;
    const segments = uri.slice(ARTIFACT_URI_PREFIX.length).split('/').filter((s) => s !== '');
    return segments.every((s) => s !== '.' && s !== '..' && !/[\\\0]/.test(s)) ? segments : undefined;
  };
  for (const id of selection.experiments) {
    const loc = db.get<{ artifact_location: string }>('SELECT artifact_location FROM experiments WHERE experiment_id = ?', [id])?.artifact_location;
    const segments = loc === undefined ? undefined : own(loc);
    if (segments?.length === 1 && segments[0] === String(id)) folders.push(segments);
  }
  for (const uuid of selection.runs) {
    const row = db.get<{ artifact_uri: string; experiment_id: number }>('SELECT artifact_uri, experiment_id FROM runs WHERE run_uuid = ?', [uuid]);
    const segments = row && own(row.artifact_uri);
    if (segments && segments[0] === String(row.experiment_id) && segments[1] === uuid) folders.push(segments.slice(0, 2));
  }
  for (const id of selection.loggedModels) {
    const row = db.get<{ artifact_location: string; experiment_id: number }>('SELECT artifact_location, experiment_id FROM logged_models WHERE model_id = ?', [id]);
    const segments = row && own(row.artifact_location);
    if (segments && segments[0] === String(row.experiment_id) && segments[1] === 'models' && segments[2] === id) folders.push(segments.slice(0, 3));
  }
  return folders;
}

/**
 * Removes those folders, each only if it lies inside the artifacts folder once symlinks are resolved (a
 * symlinked folder loses its link, never its target). Returns how many existed and were removed.
 */
export function removeArtifactFolders(artifactsDir: string, folders: string[][]): number {
  let root: string;
  try {
    root = realpathSync(artifactsDir);
  } catch {
    return 0; // no artifacts folder at all
  }
  let removed = 0;
  for (const segments of folders) {
    const path = join(artifactsDir, ...segments);
    let parent: string;
    try {
      lstatSync(path);
      parent = realpathSync(join(artifactsDir, ...segments.slice(0, -1)));
    } catch {
      continue; // already gone
    }
    const real = join(parent, segments[segments.length - 1]);
    if (!real.startsWith(root + sep)) continue;
    rmSync(real, { recursive: true, force: true });
    removed++;
  }
  return removed;
}

/** Bytes of the files under a folder (what `du` counts, to the byte). */
export function folderBytes(dir: string): number {
  let total = 0;
  let entries;
  try {
    entries = readdirSync(dir, { withFileTypes: true });
  } catch {
    return 0;
  }
  for (const e of entries) {
    const p = join(dir, e.name);
    if (e.isDirectory()) total += folderBytes(p);
    else if (e.isFile()) {
      try {
        total += lstatSync(p).size;
      } catch {
        /* removed meanwhile */
      }
    }
  }
  return total;
}
