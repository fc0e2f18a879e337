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

/** The few sqlite3 C functions sql.js exports on its module, for the numeric fast path below. */
interface SqliteCApi {
  _sqlite3_step(stmt: number): number;
  _sqlite3_column_double(stmt: number, column: number): number;
  _sqlite3_column_type(stmt: number, column: number): number;
  _sqlite3_sql(stmt: number): number;
  UTF8ToString(ptr: number): string;
}

let capi: SqliteCApi | undefined;

export function loadSqlJs(): Promise<SqlJsStatic> {
  loading ??= initSqlJs({ locateFile: locateWasm }).then((SQL) => {
    const api = SQL as unknown as Partial<SqliteCApi>;
    if (typeof api._sqlite3_step === 'function' && typeof api._sqlite3_column_double === 'function' && typeof api._sqlite3_column_type === 'function' && typeof api._sqlite3_sql === 'function' && typeof api.UTF8ToString === 'function') {
      capi = api as SqliteCApi;
    }
    return SQL;
  });
  return loading;
}

const SQLITE_ROW = 100;
const SQLITE_DONE = 101;
const SQLITE_NULL = 5;

/** Numeric columns of a result, one Float64Array per column, `rows` long. */
export interface NumericColumns {
  rows: number;
  columns: Float64Array[];
}

/**
 * sql.js keeps a statement's C pointer under a minified property name. It is found once by asking SQLite
 * which SQL each numeric property's pointer was prepared from; if the probe ever fails (another sql.js
 * build), callers fall back to Statement.get().
 */
let pointerProperty: string | null | undefined;

function statementPointer(stmt: Statement, sql: string): number | undefined {
  if (!capi) return undefined;
  const fields = stmt as unknown as Record<string, unknown>;
  if (pointerProperty === undefined) {
    pointerProperty = null;
    for (const [name, value] of Object.entries(fields)) {
      // Pointers into the wasm heap are large; small numbers are counters and must not be dereferenced.
      if (typeof value === 'number' && Number.isInteger(value) && value > 4096 && capi.UTF8ToString(capi._sqlite3_sql(value)) === sql) {
        pointerProperty = name;
        break;
      }
    }
  }
  const ptr = pointerProperty ? fields[pointerProperty] : undefined;
  return typeof ptr === 'number' && ptr > 0 ? ptr : undefined;
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

  /**
   * Every row of a query whose columns are all numbers (NULL reads as NaN: SQLite has no NaN, so a query can
   * spell one as NULL), as typed columns. Long metric
   * histories are read this way: stepping through the C API sql.js exports, without the array Statement.get()
   * allocates per row, reads 100,000 points in about half the time. `capacity` is a hint (e.g. a known count).
   * Rows go into `into` (one array per column, all as long) as long as they fit, then into new, larger arrays.
   */
  numericColumns(sql: string, params: SqlValue[], columnCount: number, capacity = 1024, into?: Float64Array[]): NumericColumns {
    const stmt = this.statement(sql);
    let size = into ? into[0].length : Math.max(16, capacity);
    let columns = into ?? Array.from({ length: columnCount }, () => new Float64Array(size));
    let rows = 0;
    const grow = (): void => {
      size = Math.max(16, size * 2);
      columns = columns.map((c) => {
        const bigger = new Float64Array(size);
        bigger.set(c);
        return bigger;
      });
    };
    try {
      stmt.bind(params);
      const ptr = statementPointer(stmt, sql);
      if (ptr !== undefined && capi) {
        const { _sqlite3_step: step, _sqlite3_column_double: column, _sqlite3_column_type: type } = capi;
        let rc: number;
        while ((rc = step(ptr)) === SQLITE_ROW) {
          if (rows === size) grow();
          for (let c = 0; c < columnCount; c++) {
            const v = column(ptr, c);
            // NULL reads as 0.0: only then is the type worth asking.
            columns[c][rows] = v === 0 && type(ptr, c) === SQLITE_NULL ? NaN : v;
          }
          rows++;
        }
        if (rc === SQLITE_DONE) return { rows, columns };
        // An error: start again through sql.js, which turns it into an exception with SQLite's message.
        stmt.reset();
        stmt.bind(params);
        rows = 0;
      }
      while (stmt.step()) {
        if (rows === size) grow();
        const row = stmt.get();
        for (let c = 0; c < columnCount; c++) columns[c][rows] = row[c] === null ? NaN : Number(row[c]);
        rows++;
      }
      return { rows, columns };
    } finally {
      stmt.reset();
    }
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
