// Sqlite.numericColumns steps statements through sqlite3's C functions; it must read exactly what sql.js reads.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { loadSqlJs, Sqlite } from '../../../extension/tracking/store/sqlite';

async function db(): Promise<Sqlite> {
  const SQL = await loadSqlJs();
  const d = new Sqlite(new SQL.Database());
  d.exec('CREATE TABLE t(a INTEGER, b REAL, c REAL)');
  return d;
}

test('numeric columns equal what sql.js reads row by row, past the initial capacity, NULL as NaN', async () => {
  const d = await db();
  const values = [0, -0, 1.5, -2.25e-300, 1.7976931348623157e308, 2 ** 53, -(2 ** 40) + 0.5, 123456789.12345679];
  d.exec('BEGIN');
  for (let i = 0; i < 5000; i++) d.run('INSERT INTO t VALUES (?, ?, ?)', [i, values[i % values.length], i % 7 === 0 ? null : i / 3]);
  d.exec('COMMIT');
  const { rows, columns } = d.numericColumns('SELECT a, b, c FROM t WHERE a >= ? ORDER BY a', [10], 3, 16);
  const expected = d.rows('SELECT a, b, c FROM t WHERE a >= ? ORDER BY a', [10]);
  assert.equal(rows, expected.length);
  for (let i = 0; i < rows; i++) {
    assert.equal(columns[0][i], expected[i][0]);
    assert.ok(Object.is(columns[1][i], expected[i][1]) || (columns[1][i] === 0 && expected[i][1] === 0), `row ${i}`);
    if (expected[i][2] === null) assert.ok(Number.isNaN(columns[2][i]), `row ${i} is NULL`);
    else assert.equal(columns[2][i], expected[i][2]);
  }
  // Statements are cached: a second read with other parameters starts from a clean binding.
  assert.equal(d.numericColumns('SELECT a, b, c FROM t WHERE a >= ? ORDER BY a', [4990], 3).rows, 10);
});

test('a query that fails while stepping raises SQLite\'s error, and the statement stays usable', async () => {
  const d = await db();
  d.run('INSERT INTO t VALUES (1, 1, 1)');
  // abs() of the smallest integer overflows at run time, not at prepare time.
  assert.throws(() => d.numericColumns('SELECT abs(a - 1 - 9223372036854775807 - 1) FROM t', [], 1), /integer overflow/);
  assert.equal(d.numericColumns('SELECT a FROM t', [], 1).rows, 1);
});
