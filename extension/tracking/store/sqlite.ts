// Loads sql.js once per process and wraps a Database with a prepared-statement cache.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import initSqlJs from 'sql.js';
import type { Database, SqlJsStatic, Statement, SqlValue } from 'sql.js';

export type { Database, SqlValue };

let loading: Promise<SqlJsStatic> | undefined;

/** The wasm sits beside the bundle in dist/, or in node_modules when running from source. */
function locateWasm(file: string): string {
  const candidates = [
    join(__dirname, file),
    join(__dirname, '..', file),
    join(process.cwd(), 'node_modules', 'sql.js', 'dist', file),
    join(__dirname, '..', '..', '..', 'node_modules', 'sql.js', 'dist', file),
  ];
  return candidates.find((p) => existsSync(p)) ?? file;
}

export function loadSqlJs(): Promise<SqlJsStatic> {
  loading ??= initSqlJs({ locateFile: locateWasm });
  return loading;
}

/** A thin handle over one sql.js Database: cached statements, typed row helpers, transactions. */
export class Sqlite {
  private readonly cache = new Map<string, Statement>();

  constructor(readonly db: Database) {}

  statement(sql: string): Statement {
    let stmt = this.cache.get(sql);
    if (!stmt) {
      stmt = this.db.prepare(sql);
      this.cache.set(sql, stmt);
    }
    return stmt;
  }

  run(sql: string, params: SqlValue[] = []): number {
    const stmt = this.statement(sql);
    try {
      stmt.bind(params);
      stmt.step();
    } finally {
      stmt.reset();
    }
    return this.db.getRowsModified();
  }

  /** First row as an object, or undefined. */
  get<T>(sql: string, params: SqlValue[] = []): T | undefined {
    const stmt = this.statement(sql);
    try {
      stmt.bind(params);
      return stmt.step() ? (stmt.getAsObject() as T) : undefined;
    } finally {
      stmt.reset();
    }
  }

  all<T>(sql: string, params: SqlValue[] = []): T[] {
    const stmt = this.statement(sql);
    const out: T[] = [];
    try {
      stmt.bind(params);
      while (stmt.step()) out.push(stmt.getAsObject() as T);
    } finally {
      stmt.reset();
    }
    return out;
  }

  /** Rows as positional arrays: cheaper than objects on hot read paths. */
  rows(sql: string, params: SqlValue[] = []): SqlValue[][] {
    const stmt = this.statement(sql);
    const out: SqlValue[][] = [];
    try {
      stmt.bind(params);
      while (stmt.step()) out.push(stmt.get());
    } finally {
      stmt.reset();
    }
    return out;
  }

  exec(sql: string): void {
    this.db.exec(sql);
  }

  /** Runs fn atomically; any throw rolls its changes back. A savepoint, so it nests inside open transactions. */
  transaction<T>(fn: () => T): T {
    this.run('SAVEPOINT tx');
    try {
      const result = fn();
      this.run('RELEASE tx');
      return result;
    } catch (err) {
      this.run('ROLLBACK TO tx');
      this.run('RELEASE tx');
      throw err;
    }
  }

  close(): void {
    for (const stmt of this.cache.values()) stmt.free();
    this.cache.clear();
    this.db.close();
  }
}
