// Turns a store image into what an older schema wrote: the tables, indexes and triggers that later migrations
// created are dropped and schema_version is set back, so a test can open it and watch the migrations run.
import type { Database } from 'sql.js';
import { loadSqlJs } from '../../extension/tracking/store/sqlite';
import { MIGRATIONS } from '../../extension/tracking/store/schema';

export async function downgradeSchema(db: Database, version: number): Promise<void> {
  const SQL = await loadSqlJs();
  const older = new SQL.Database();
  for (const sql of MIGRATIONS.slice(0, version)) older.exec(sql);
  const names = (d: Database): Set<string> =>
    new Set((d.exec("SELECT type || ' ' || name FROM sqlite_master WHERE name NOT LIKE 'sqlite_%'")[0]?.values ?? []).map((r) => String(r[0])));
  const keep = names(older);
  older.close();
  for (const entry of names(db)) {
    if (keep.has(entry)) continue;
    const [type, name] = entry.split(' ');
    if (type === 'table') db.exec(`DROP TABLE IF EXISTS "${name}"`); // its indexes and triggers go with it
  }
  for (const entry of names(db)) {
    if (keep.has(entry)) continue;
    const [type, name] = entry.split(' ');
    db.exec(`DROP ${type.toUpperCase()} IF EXISTS "${name}"`);
  }
  db.exec(`UPDATE meta SET value = '${version}' WHERE key = 'schema_version'`);
}
