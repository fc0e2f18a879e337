// A real sql.js database with the store's schema and a small, hand-written set of runs and experiments,
// so search tests assert what SQLite actually returns for the compiled SQL.

import { dirname, join } from 'node:path';
import initSqlJs, { Database } from 'sql.js';
import { MIGRATIONS } from '../../../extension/tracking/store/schema';
import { CompiledQuery } from '../../../extension/tracking/search/runSearch';

export async function emptyDb(): Promise<Database> {
  const SQL = await initSqlJs({ locateFile: (file) => join(dirname(require.resolve('sql.js')), file) });
  const db = new SQL.Database();
  for (const migration of MIGRATIONS) db.exec(migration);
  return db;
}

export function rows(db: Database, q: CompiledQuery): number[] {
  const stmt = db.prepare(q.sql);
  try {
    stmt.bind(q.params);
    const out: number[] = [];
    while (stmt.step()) {
      const row = stmt.get();
      assertOneColumn(row.length);
      out.push(row[0] as number);
    }
    return out;
  } finally {
    stmt.free();
  }
}

function assertOneColumn(n: number): void {
  if (n !== 1) throw new Error(`search SQL must select exactly one column, got ${n}`);
}

interface RunSpec {
  id: number;
  uuid: string;
  exp: number;
  name: string;
  status: string;
  user: string;
  start: number | null;
  end: number | null;
  stage?: 'active' | 'deleted';
  metrics?: Record<string, number>; // NaN allowed
  params?: Record<string, string>;
  tags?: Record<string, string>;
  datasets?: { dataset: number; context?: string }[];
}

// Start times: aaa1 1000, bbb2 3000, ccc3 2000, ddd4 4000 (deleted), eee5 5000 (exp 2), fff6 3000 (ties bbb2).
export const RUNS: RunSpec[] = [
  {
    id: 1, uuid: 'aaa1', exp: 1, name: 'alpha', status: 'FINISHED', user: 'alice', start: 1000, end: 2000,
    metrics: { acc: 0.9, loss: 0.1 },
    params: { lr: '0.01', model: 'ResNet', glob: 'axbyy' },
    tags: { 'mlflow.runName': 'alpha', team: 'Vision' },
    datasets: [{ dataset: 1, context: 'training' }, { dataset: 2, context: 'eval' }],
  },
  {
    id: 2, uuid: 'bbb2', exp: 1, name: 'Beta', status: 'RUNNING', user: 'bob', start: 3000, end: null,
    metrics: { acc: 0.5, loss: 0.2 },
    params: { lr: '0.1', model: 'resnet', 'my-p': 'x', glob: 'a[b]?' },
    tags: { 'mlflow.runName': 'Beta', team: 'vision' },
    datasets: [{ dataset: 1, context: 'eval' }],
  },
  {
    id: 3, uuid: 'ccc3', exp: 1, name: 'gamma', status: 'FAILED', user: 'alice', start: 2000, end: 2500,
    metrics: { acc: NaN, 'f1 score': 0.8 },
    params: { lr: '0.01', model: 'res_net' },
    tags: { 'mlflow.runName': 'gamma', note: "it's" },
  },
  {
    id: 4, uuid: 'ddd4', exp: 1, name: 'delta', status: 'FINISHED', user: 'carol', start: 4000, end: 5000, stage: 'deleted',
    metrics: { acc: 0.95 },
  },
  {
    id: 5, uuid: 'eee5', exp: 2, name: 'epsilon', status: 'FINISHED', user: 'bob', start: 5000, end: 6000,
    metrics: { acc: 0.7 },
    params: { lr: '0.1' },
  },
  {
    id: 6, uuid: 'fff6', exp: 1, name: 'zeta', status: 'KILLED', user: 'dave', start: 3000, end: null,
    params: { model: 'a*b?', glob: 'a*b?' },
    tags: { team: 'nlp', "x' OR '1'='1": 'v' },
  },
];

export async function runsDb(): Promise<Database> {
  const db = await emptyDb();
  db.run("INSERT INTO experiments VALUES (1,'one','file:///1','active',1,1),(2,'two','file:///2','active',2,2)");
  db.run(
    "INSERT INTO datasets(id, dataset_uuid, experiment_id, name, digest, source_type, source) VALUES (1,'u1',1,'mnist','abc123','local','s'),(2,'u2',1,'Cifar','999','local','s')",
  );
  const keyIds = new Map<string, number>();
  for (const r of RUNS) {
    db.run('INSERT INTO runs(id, run_uuid, experiment_id, name, user_id, status, start_time, end_time, lifecycle_stage, artifact_uri) VALUES (?,?,?,?,?,?,?,?,?,?)', [
      r.id, r.uuid, r.exp, r.name, r.user, r.status, r.start, r.end, r.stage ?? 'active', `mlflow-artifacts:/${r.exp}/${r.uuid}/artifacts`,
    ]);
    for (const [key, value] of Object.entries(r.metrics ?? {})) {
      if (!keyIds.has(key)) {
        keyIds.set(key, keyIds.size + 1);
        db.run('INSERT INTO metric_keys(id, key) VALUES (?, ?)', [keyIds.get(key)!, key]);
      }
      // NaN is stored the way MLflow's SQL store does: value 0 with is_nan = 1.
      const nan = Number.isNaN(value);
      db.run('INSERT INTO latest_metrics(run_id, key_id, step, timestamp, value, is_nan, count) VALUES (?,?,0,0,?,?,1)', [r.id, keyIds.get(key)!, nan ? 0 : value, nan ? 1 : 0]);
    }
    for (const [key, value] of Object.entries(r.params ?? {})) db.run('INSERT INTO params VALUES (?,?,?)', [r.id, key, value]);
    for (const [key, value] of Object.entries(r.tags ?? {})) db.run('INSERT INTO tags VALUES (?,?,?)', [r.id, key, value]);
    for (const d of r.datasets ?? []) {
      db.run('INSERT INTO run_inputs VALUES (?,?,?)', [r.id, d.dataset, `in-${r.id}-${d.dataset}`]);
      if (d.context) db.run("INSERT INTO input_tags VALUES (?,?,'mlflow.data.context',?)", [r.id, d.dataset, d.context]);
    }
  }
  return db;
}
