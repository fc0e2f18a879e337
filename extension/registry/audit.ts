// The registry's audit trail: who changed what, when, and the value before and after.
//
// Who is decided per request, in this order:
//   1. the user name of `Authorization: Basic` (what MLFLOW_TRACKING_USERNAME sends; the password is the
//      server token, when one is set),
//   2. the `X-MLflow-Workbench-User` header (for token-authenticated clients and tools; it attributes, it
//      does not authenticate: anyone who may call the server may name themselves),
//   3. otherwise the OS user running the server: every caller of this loopback-only server is local.
//
// Records are written by the same op that makes the change, inside its transaction, so they are journaled
// and replayed with it. The table refuses updates, and deletes while the model exists (schema v2 triggers);
// deleting a model removes its history and leaves one record of the deletion.
import type { IncomingHttpHeaders } from 'node:http';
import { userInfo } from 'node:os';
import type { RegistryAuditEntry } from '../tracking/rest/types';
import type { Sqlite } from '../tracking/store/sqlite';

export type ActorSource = RegistryAuditEntry['user_source'];

export interface Actor {
  user: string;
  source: ActorSource;
}

export const USER_HEADER = 'x-mlflow-workbench-user';
const MAX_USER = 256;

function clean(name: string): string {
  // Control characters never belong in a user name; keep the record printable and bounded.
  // eslint-disable-next-line no-control-regex
  return name.replace(/[\u0000-\u001f\u007f]/g, '').trim().slice(0, MAX_USER);
}

let osUser: string | undefined;

/** The OS user running this process (cached). */
export function localActor(): Actor {
  if (osUser === undefined) {
    try {
      osUser = clean(userInfo().username);
    } catch {
      osUser = '';
    }
    osUser ||= clean(process.env.USER ?? process.env.USERNAME ?? '') || 'unknown';
  }
  return { user: osUser, source: 'os' };
}

/** Who made a request: Basic-auth user name, else our header, else the OS user. */
export function actorFromHeaders(headers: IncomingHttpHeaders): Actor {
  const auth = String(headers.authorization ?? '');
  if (/^basic /i.test(auth)) {
    const decoded = Buffer.from(auth.slice(6).trim(), 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    const user = clean(colon < 0 ? decoded : decoded.slice(0, colon));
    if (user) return { user, source: 'basic-auth' };
  }
  const header = headers[USER_HEADER];
  const named = clean(Array.isArray(header) ? (header[0] ?? '') : (header ?? ''));
  if (named) return { user: named, source: 'header' };
  return localActor();
}

export interface AuditRecord {
  modelId: number;
  modelName: string;
  time: number;
  actor: Actor;
  action: string;
  version?: number;
  before?: Record<string, unknown> | null;
  after?: Record<string, unknown> | null;
}

const INSERT_AUDIT =
  'INSERT INTO registry_audit(model_id, model_name, time, actor, actor_source, action, version, before, after) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)';

export function writeAudit(db: Sqlite, r: AuditRecord): void {
  db.run(INSERT_AUDIT, [
    r.modelId,
    r.modelName,
    r.time,
    r.actor.user,
    r.actor.source,
    r.action,
    r.version ?? null,
    r.before ? JSON.stringify(r.before) : null,
    r.after ? JSON.stringify(r.after) : null,
  ]);
}

interface AuditRow {
  id: number;
  model_name: string;
  time: number;
  actor: string;
  actor_source: ActorSource;
  action: string;
  version: number | null;
  before: string | null;
  after: string | null;
}

function toEntry(row: AuditRow): RegistryAuditEntry {
  const entry: RegistryAuditEntry = { id: row.id, timestamp: row.time, user: row.actor, user_source: row.actor_source, action: row.action, name: row.model_name };
  if (row.version !== null) entry.version = String(row.version);
  if (row.before !== null) entry.before = JSON.parse(row.before) as Record<string, unknown>;
  if (row.after !== null) entry.after = JSON.parse(row.after) as Record<string, unknown>;
  return entry;
}

/** One model's history, oldest first, from `offset`; `limit` rows at most. */
export function readAudit(db: Sqlite, modelId: number, offset: number, limit: number): RegistryAuditEntry[] {
  return db
    .all<AuditRow>(
      'SELECT id, model_name, time, actor, actor_source, action, version, before, after FROM registry_audit WHERE model_id = ? ORDER BY id LIMIT ? OFFSET ?',
      [modelId, limit, offset],
    )
    .map(toEntry);
}

/** The internal id of the most recently deleted model that was last called `name`, if any. */
export function deletedModelId(db: Sqlite, name: string): number | undefined {
  return db.get<{ model_id: number }>(
    `SELECT model_id FROM registry_audit WHERE model_name = ? AND action = 'deleteRegisteredModel'
     AND model_id NOT IN (SELECT id FROM registered_models) ORDER BY id DESC LIMIT 1`,
    [name],
  )?.model_id;
}
