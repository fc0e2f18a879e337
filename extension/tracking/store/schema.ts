// The store's SQLite schema, versioned. Compact by design: integer ids inside, MLflow's string ids at the edge;
// per (run, key) a summary row with the latest point (MLflow's greatest (step, timestamp, value)) plus min, max
// and count, updated on ingest. Since v6 the metric points themselves live outside SQLite, in chunks of segment
// files (points/), indexed by metric_chunks with per-chunk summaries (v1's `metrics` and v3's `metric_blocks`
// are gone).
//
// Each migration moves the schema from version N-1 to N; `meta.schema_version` records where a file stands.

import type { PointStore } from './points/pointStore';
import type { Sqlite } from './sqlite';

export const MIGRATIONS: readonly string[] = [
  // v1: tracking
  `
  CREATE TABLE meta(key TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID;
  CREATE TABLE experiments(
    experiment_id INTEGER PRIMARY KEY,
    name TEXT NOT NULL UNIQUE,
    artifact_location TEXT NOT NULL,
    lifecycle_stage TEXT NOT NULL DEFAULT 'active' CHECK (lifecycle_stage IN ('active','deleted')),
    creation_time INTEGER NOT NULL,
    last_update_time INTEGER NOT NULL
  );
  CREATE TABLE experiment_tags(
    experiment_id INTEGER NOT NULL, key TEXT NOT NULL, value TEXT NOT NULL,
    PRIMARY KEY(experiment_id, key)
  ) WITHOUT ROWID;
  CREATE TABLE runs(
    id INTEGER PRIMARY KEY,
    run_uuid TEXT NOT NULL UNIQUE,
    experiment_id INTEGER NOT NULL,
    name TEXT NOT NULL DEFAULT '',
    user_id TEXT NOT NULL DEFAULT '',
    status TEXT NOT NULL CHECK (status IN ('RUNNING','SCHEDULED','FINISHED','FAILED','KILLED')),
    start_time INTEGER,
    end_time INTEGER,
    deleted_time INTEGER,
    lifecycle_stage TEXT NOT NULL DEFAULT 'active' CHECK (lifecycle_stage IN ('active','deleted')),
    artifact_uri TEXT NOT NULL
  );
  CREATE INDEX runs_by_experiment ON runs(experiment_id, start_time);
  CREATE TABLE params(run_id INTEGER NOT NULL, key TEXT NOT NULL, value TEXT NOT NULL, PRIMARY KEY(run_id, key)) WITHOUT ROWID;
  CREATE TABLE tags(run_id INTEGER NOT NULL, key TEXT NOT NULL, value TEXT NOT NULL, PRIMARY KEY(run_id, key)) WITHOUT ROWID;
  CREATE TABLE metric_keys(id INTEGER PRIMARY KEY, key TEXT NOT NULL UNIQUE);
  CREATE TABLE metrics(
    run_id INTEGER NOT NULL, key_id INTEGER NOT NULL, step INTEGER NOT NULL, timestamp INTEGER NOT NULL,
    value REAL NOT NULL, is_nan INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY(run_id, key_id, step, timestamp, value, is_nan)
  ) WITHOUT ROWID;
  CREATE TABLE latest_metrics(
    run_id INTEGER NOT NULL, key_id INTEGER NOT NULL,
    step INTEGER NOT NULL, timestamp INTEGER NOT NULL, value REAL NOT NULL, is_nan INTEGER NOT NULL,
    min_value REAL, max_value REAL, count INTEGER NOT NULL,
    PRIMARY KEY(run_id, key_id)
  ) WITHOUT ROWID;
  CREATE INDEX latest_metrics_by_key ON latest_metrics(key_id, value);
  CREATE TABLE datasets(
    id INTEGER PRIMARY KEY,
    dataset_uuid TEXT NOT NULL,
    experiment_id INTEGER NOT NULL,
    name TEXT NOT NULL, digest TEXT NOT NULL,
    source_type TEXT NOT NULL, source TEXT NOT NULL, schema TEXT, profile TEXT,
    UNIQUE(experiment_id, name, digest)
  );
  CREATE TABLE run_inputs(
    run_id INTEGER NOT NULL, dataset_id INTEGER NOT NULL, input_uuid TEXT NOT NULL,
    PRIMARY KEY(run_id, dataset_id)
  ) WITHOUT ROWID;
  CREATE TABLE input_tags(
    run_id INTEGER NOT NULL, dataset_id INTEGER NOT NULL, name TEXT NOT NULL, value TEXT NOT NULL,
    PRIMARY KEY(run_id, dataset_id, name)
  ) WITHOUT ROWID;
  CREATE TABLE model_inputs(run_id INTEGER NOT NULL, model_id TEXT NOT NULL, PRIMARY KEY(run_id, model_id)) WITHOUT ROWID;
  CREATE TABLE model_outputs(run_id INTEGER NOT NULL, model_id TEXT NOT NULL, step INTEGER NOT NULL, PRIMARY KEY(run_id, model_id, step)) WITHOUT ROWID;
  `,
  // v2: model registry (extension/registry) and its audit trail. Models carry an internal id that is never
  // reused, so a rename touches one row and a model's history stays attached to it. Versions are soft-deleted
  // (current_stage 'Deleted_Internal') and keep their number forever. The audit table refuses updates, and
  // deletes while its model still exists: only deleting the model can remove history, and the record of
  // that deletion stays for good.
  `
  CREATE TABLE registered_models(
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL UNIQUE,
    creation_time INTEGER NOT NULL,
    last_updated_time INTEGER NOT NULL,
    description TEXT
  );
  CREATE TABLE registered_model_tags(
    model_id INTEGER NOT NULL, key TEXT NOT NULL, value TEXT NOT NULL,
    PRIMARY KEY(model_id, key)
  ) WITHOUT ROWID;
  CREATE INDEX registered_model_tags_by_key ON registered_model_tags(key, value);
  CREATE TABLE model_versions(
    model_id INTEGER NOT NULL,
    version INTEGER NOT NULL,
    creation_time INTEGER NOT NULL,
    last_updated_time INTEGER NOT NULL,
    description TEXT,
    user_id TEXT,
    current_stage TEXT NOT NULL DEFAULT 'None'
      CHECK (current_stage IN ('None','Staging','Production','Archived','Deleted_Internal')),
    source TEXT,
    storage_location TEXT,
    run_id TEXT,
    run_link TEXT,
    status TEXT NOT NULL DEFAULT 'READY',
    status_message TEXT,
    PRIMARY KEY(model_id, version)
  ) WITHOUT ROWID;
  CREATE INDEX model_versions_by_run ON model_versions(run_id);
  CREATE INDEX model_versions_by_update ON model_versions(last_updated_time);
  CREATE TABLE model_version_tags(
    model_id INTEGER NOT NULL, version INTEGER NOT NULL, key TEXT NOT NULL, value TEXT NOT NULL,
    PRIMARY KEY(model_id, version, key)
  ) WITHOUT ROWID;
  CREATE INDEX model_version_tags_by_key ON model_version_tags(key, value);
  CREATE TABLE registered_model_aliases(
    model_id INTEGER NOT NULL, alias TEXT NOT NULL, version INTEGER NOT NULL,
    PRIMARY KEY(model_id, alias)
  ) WITHOUT ROWID;
  CREATE TABLE registry_audit(
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    model_id INTEGER NOT NULL,
    model_name TEXT NOT NULL,
    time INTEGER NOT NULL,
    actor TEXT NOT NULL,
    actor_source TEXT NOT NULL,
    action TEXT NOT NULL,
    version INTEGER,
    before TEXT,
    after TEXT
  );
  CREATE INDEX registry_audit_by_model ON registry_audit(model_id, id);
  CREATE INDEX registry_audit_by_name ON registry_audit(model_name, id);
  CREATE TRIGGER registry_audit_immutable BEFORE UPDATE ON registry_audit
  BEGIN SELECT RAISE(ABORT, 'registry audit records are immutable'); END;
  CREATE TRIGGER registry_audit_kept BEFORE DELETE ON registry_audit
  WHEN OLD.action = 'deleteRegisteredModel' OR EXISTS (SELECT 1 FROM registered_models WHERE id = OLD.model_id)
  BEGIN SELECT RAISE(ABORT, 'registry audit records are removed only with their model'); END;
  `,
  // v3: per-block metric summaries for charts, written by the same ops as the points (replaced in v6 by the
  // summaries of metric_chunks).
  `
  CREATE TABLE metric_blocks(
    run_id INTEGER NOT NULL, key_id INTEGER NOT NULL, level INTEGER NOT NULL, block INTEGER NOT NULL,
    count INTEGER NOT NULL, finite INTEGER NOT NULL,
    first_step INTEGER, first_ts INTEGER, first_value REAL,
    last_step INTEGER, last_ts INTEGER, last_value REAL,
    min_step INTEGER, min_ts INTEGER, min_value REAL,
    max_step INTEGER, max_ts INTEGER, max_value REAL,
    min_time INTEGER, max_time INTEGER,
    PRIMARY KEY(run_id, key_id, level, block)
  ) WITHOUT ROWID;
  `,
  // v4: MLflow 3's logged models (extension/loggedModels). Keyed by MLflow's own `m-<hex>` id (they are few);
  // status is the proto enum's number and experiment_id an integer, as in MLflow, so filters compare alike.
  // Metrics logged with a model_id are copies of the run's points, every point kept, in arrival order.
  `
  CREATE TABLE logged_models(
    model_id TEXT PRIMARY KEY,
    experiment_id INTEGER NOT NULL,
    name TEXT NOT NULL,
    artifact_location TEXT NOT NULL,
    creation_timestamp_ms INTEGER NOT NULL,
    last_updated_timestamp_ms INTEGER NOT NULL,
    status INTEGER NOT NULL,
    lifecycle_stage TEXT NOT NULL DEFAULT 'active' CHECK (lifecycle_stage IN ('active','deleted')),
    model_type TEXT,
    source_run_id TEXT,
    status_message TEXT
  ) WITHOUT ROWID;
  CREATE INDEX logged_models_by_experiment ON logged_models(experiment_id, creation_timestamp_ms);
  CREATE TABLE logged_model_params(
    model_id TEXT NOT NULL, key TEXT NOT NULL, value TEXT NOT NULL, PRIMARY KEY(model_id, key)
  ) WITHOUT ROWID;
  CREATE TABLE logged_model_tags(
    model_id TEXT NOT NULL, key TEXT NOT NULL, value TEXT NOT NULL, PRIMARY KEY(model_id, key)
  ) WITHOUT ROWID;
  CREATE TABLE logged_model_metrics(
    seq INTEGER PRIMARY KEY,
    model_id TEXT NOT NULL, key TEXT NOT NULL, timestamp INTEGER NOT NULL, step INTEGER NOT NULL,
    value REAL NOT NULL,
    experiment_id INTEGER NOT NULL, run_id TEXT NOT NULL, dataset_name TEXT, dataset_digest TEXT,
    UNIQUE(model_id, key, timestamp, step, run_id)
  );
  CREATE INDEX logged_model_metrics_by_key ON logged_model_metrics(key, model_id);
  `,
  // v5: MLflow 3's traces (extension/traces). Spans are rows when they came over OTLP (/v1/traces); otherwise a
  // trace's spans are its traces.json artifact. Span times are decimal text: nanoseconds exceed 2^53.
  `
  CREATE TABLE traces(
    trace_id TEXT PRIMARY KEY,
    experiment_id INTEGER NOT NULL,
    client_request_id TEXT,
    request_time INTEGER NOT NULL,
    execution_time INTEGER,
    state TEXT NOT NULL,
    request_preview TEXT,
    response_preview TEXT
  ) WITHOUT ROWID;
  CREATE INDEX traces_by_experiment ON traces(experiment_id, request_time DESC, trace_id);
  CREATE TABLE trace_tags(
    trace_id TEXT NOT NULL,
    key TEXT NOT NULL,
    value TEXT NOT NULL,
    PRIMARY KEY(trace_id, key)
  ) WITHOUT ROWID;
  CREATE TABLE trace_metadata(
    trace_id TEXT NOT NULL,
    key TEXT NOT NULL,
    value TEXT NOT NULL,
    PRIMARY KEY(trace_id, key)
  ) WITHOUT ROWID;
  CREATE INDEX trace_metadata_by_value ON trace_metadata(key, value);
  CREATE TABLE spans(
    trace_id TEXT NOT NULL,
    span_id TEXT NOT NULL,
    parent_span_id TEXT,
    name TEXT NOT NULL,
    status TEXT NOT NULL,
    start_ns TEXT NOT NULL,
    end_ns TEXT,
    content TEXT NOT NULL,
    PRIMARY KEY(trace_id, span_id)
  ) WITHOUT ROWID;
  `,
  // v6: metric points leave SQLite (points/pointStore.ts). A series' points are chunks in segment files; this
  // table says where each chunk is and summarises it: its step range (min_step, max_step; max_step_ts the latest
  // timestamp at max_step), its time range, and the summary charts draw from (points/summary.ts). The backfill
  // moves the points of `metrics` into chunks and drops it and `metric_blocks`.
  `
  CREATE TABLE metric_chunks(
    run_id INTEGER NOT NULL, key_id INTEGER NOT NULL, seq INTEGER NOT NULL,
    segment INTEGER NOT NULL, offset INTEGER NOT NULL, length INTEGER NOT NULL,
    min_step INTEGER NOT NULL, max_step INTEGER NOT NULL, max_step_ts INTEGER NOT NULL,
    min_ts INTEGER NOT NULL, max_ts INTEGER NOT NULL,
    count INTEGER NOT NULL, finite INTEGER NOT NULL,
    first_step INTEGER, first_ts INTEGER, first_value REAL,
    last_step INTEGER, last_ts INTEGER, last_value REAL,
    lo_step INTEGER, lo_ts INTEGER, lo_value REAL,
    hi_step INTEGER, hi_ts INTEGER, hi_value REAL,
    min_time INTEGER, max_time INTEGER,
    PRIMARY KEY(run_id, key_id, seq)
  ) WITHOUT ROWID;
  CREATE INDEX metric_chunks_by_segment ON metric_chunks(segment);
  `,
];

/** What a backfill may need beside the database. */
export interface MigrationContext {
  points: PointStore;
}

/** Data a migration derives from what the store already holds, run right after its SQL (keyed by version). */
export const MIGRATION_BACKFILLS: Readonly<Record<number, (db: Sqlite, ctx: MigrationContext) => void>> = {
  6: moveMetricsIntoChunks,
};

/** v6: every series of `metrics`, read in its key's order, written as chunks; then the old tables go. */
function moveMetricsIntoChunks(db: Sqlite, { points }: MigrationContext): void {
  if (db.get("SELECT 1 AS x FROM sqlite_master WHERE type = 'table' AND name = 'metrics'")) {
    const series = db.rows('SELECT DISTINCT run_id, key_id FROM metrics') as number[][];
    for (const [runId, keyId] of series) {
      const { rows, columns } = db.numericColumns(
        'SELECT step, timestamp, CASE WHEN is_nan THEN NULL ELSE value END FROM metrics WHERE run_id = ? AND key_id = ?',
        [runId, keyId],
        3,
      );
      const [step, timestamp, value] = columns;
      points.importSorted(runId, keyId, { step: step.subarray(0, rows), timestamp: timestamp.subarray(0, rows), value: value.subarray(0, rows) });
    }
  }
  db.exec('DROP TABLE IF EXISTS metrics; DROP TABLE IF EXISTS metric_blocks;');
}

export const SCHEMA_VERSION = MIGRATIONS.length;
