import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import { availableColumns, cellText, EMPTY_PREFS, formatTime, prefsFor, sanitisePrefs, visibleColumns } from '../../extension/runsTable/columns';
import { compareValues, RunsTableModel } from '../../extension/runsTable/tableModel';
import { parseCsv } from '../../extension/panels/csv';
import type { Run } from '../../extension/tracking/rest/types';

const T0 = 1_700_000_000_000;
function run(id: string, o: { start?: number; metrics?: Record<string, number>; params?: Record<string, string>; tags?: Record<string, string>; status?: Run['info']['status']; name?: string } = {}): Run {
  return {
    info: {
      run_id: id, run_uuid: id, run_name: o.name ?? id, experiment_id: '1', user_id: 'u', status: o.status ?? 'FINISHED',
      start_time: o.start ?? T0, end_time: (o.start ?? T0) + 1000, artifact_uri: '', lifecycle_stage: 'active',
    },
    data: {
      metrics: Object.entries(o.metrics ?? {}).map(([key, value]) => ({ key, value, step: 0, timestamp: 0 })),
      params: Object.entries(o.params ?? {}).map(([key, value]) => ({ key, value })),
      tags: Object.entries(o.tags ?? {}).map(([key, value]) => ({ key, value })),
    },
    inputs: {},
  };
}

const names = (m: RunsTableModel): string[] => m.window(0, 1000, visibleColumns(m.columns(), EMPTY_PREFS)).map((r) => r.id);

describe('RunsTableModel sorting', () => {
  const runs = [
    run('a', { start: T0 + 1, metrics: { loss: 0.5 }, params: { lr: '0.1', opt: 'sgd' } }),
    run('b', { start: T0 + 2, metrics: { loss: NaN }, params: { lr: '0.01' } }),
    run('c', { start: T0 + 3, params: { lr: '1e-3', opt: 'adam' } }),
    run('d', { start: T0 + 4, metrics: { loss: -2 }, params: { lr: '10' } }),
  ];

  it('defaults to newest first', () => {
    const m = new RunsTableModel();
    m.setRuns(runs);
    assert.deepEqual(names(m), ['d', 'c', 'b', 'a']);
  });

  it('sorts metrics numerically with NaN then missing last, in both directions', () => {
    const m = new RunsTableModel();
    m.setRuns(runs);
    m.setSort({ columnId: 'metric:loss', ascending: true });
    assert.deepEqual(names(m), ['d', 'a', 'b', 'c']);
    m.setSort({ columnId: 'metric:loss', ascending: false });
    assert.deepEqual(names(m), ['a', 'd', 'b', 'c']);
  });

  it('sorts numeric-looking params as numbers and text as text', () => {
    const m = new RunsTableModel();
    m.setRuns(runs);
    m.setSort({ columnId: 'param:lr', ascending: true });
    assert.deepEqual(names(m), ['c', 'b', 'a', 'd']);
    m.setSort({ columnId: 'param:opt', ascending: true });
    assert.deepEqual(names(m), ['c', 'a', 'd', 'b']);
  });

  it('compares values sensibly', () => {
    assert.ok(compareValues('2', '10') < 0);
    assert.ok(compareValues('b', 'a') > 0);
    assert.ok(compareValues(1, 'a') < 0);
  });
});

describe('RunsTableModel filtering', () => {
  it('filters with the search grammar and keeps the previous filter on an error', () => {
    const m = new RunsTableModel();
    m.setRuns([run('a', { metrics: { acc: 0.9 } }), run('b', { metrics: { acc: 0.1 } })]);
    assert.equal(m.setFilter('metrics.acc > 0.5'), undefined);
    assert.deepEqual(names(m), ['a']);
    const error = m.setFilter('metrics.acc > high');
    assert.match(error ?? '', /Expected numeric value type for metric/);
    assert.equal(m.filterError, error);
    assert.deepEqual(names(m), ['a'], 'still filtered by the last valid filter');
    assert.equal(m.filter, 'metrics.acc > 0.5');
    m.setFilter('');
    assert.equal(m.rowCount, 2);
    assert.equal(m.matched, 2);
  });
});

describe('RunsTableModel nesting', () => {
  const runs = [
    run('parent', { start: T0 + 10 }),
    run('child1', { start: T0 + 1, tags: { 'mlflow.parentRunId': 'parent' }, metrics: { acc: 1 } }),
    run('child2', { start: T0 + 2, tags: { 'mlflow.parentRunId': 'parent' } }),
    run('grandchild', { start: T0 + 3, tags: { 'mlflow.parentRunId': 'child1' } }),
    run('orphan', { start: T0 + 5, tags: { 'mlflow.parentRunId': 'gone' } }),
    run('loopA', { start: T0 + 6, tags: { 'mlflow.parentRunId': 'loopB' } }),
    run('loopB', { start: T0 + 7, tags: { 'mlflow.parentRunId': 'loopA' } }),
  ];

  it('groups nested runs under collapsed parents and expands on request', () => {
    const m = new RunsTableModel();
    m.setRuns(runs);
    const top = m.window(0, 100, []);
    // A parent cycle has no top: its first run is listed at the top level and the other nests under it.
    assert.deepEqual(top.map((r) => r.id), ['parent', 'orphan', 'loopA']);
    assert.equal(top.find((r) => r.id === 'parent')?.childCount, 2);
    m.toggleExpanded('parent');
    m.toggleExpanded('child1');
    const open = m.window(0, 100, []);
    const at = (id: string): number => open.findIndex((r) => r.id === id);
    assert.deepEqual([at('parent') + 1, at('parent') + 3], [at('child2'), at('grandchild')]);
    assert.equal(open[at('grandchild')].depth, 2);
    assert.equal(open[at('child1')].depth, 1);
  });

  it('lists runs whose parent is filtered out at the top level, and every run exactly once', () => {
    const m = new RunsTableModel();
    m.setRuns(runs);
    m.setFilter('metrics.acc = 1');
    assert.deepEqual(m.window(0, 100, []).map((r) => [r.id, r.depth]), [['child1', 0]]);
    m.setFilter('');
    const ids = m.matchedIds();
    assert.equal(ids.length, runs.length, 'every run exactly once');
    assert.equal(new Set(ids).size, runs.length);
  });
});

describe('RunsTableModel windows, live updates and CSV', () => {
  const many = Array.from({ length: 1000 }, (_, i) => run(`r${String(i).padStart(4, '0')}`, { start: T0 + i, metrics: { loss: i / 10 }, params: { p: `=cmd${i}` } }));

  it('serves any window of rows', () => {
    const m = new RunsTableModel();
    m.setRuns(many);
    const cols = visibleColumns(m.columns(), EMPTY_PREFS);
    const w = m.window(990, 50, cols);
    assert.equal(w.length, 10);
    assert.equal(w[0].id, 'r0009');
    const lossAt = cols.findIndex((c) => c.id === 'metric:loss');
    assert.equal(w[0].cells[lossAt], '0.9');
  });

  it('adds and updates runs in place', () => {
    const m = new RunsTableModel();
    m.setRuns(many.slice(0, 10));
    const v = m.version;
    m.upsert([run('r0003', { start: T0 + 3, status: 'RUNNING', metrics: { loss: 9, acc: 1 } }), run('new', { start: T0 + 99 })]);
    assert.ok(m.version > v);
    assert.equal(m.runCount, 11);
    assert.equal(m.window(0, 1, [])[0].id, 'new');
    assert.ok(m.columns().some((c) => c.id === 'metric:acc'), 'a new metric becomes a column');
    assert.equal(m.run('r0003')?.info.status, 'RUNNING');
  });

  it('exports the filtered runs with exact values and spreadsheet-safe text', () => {
    const m = new RunsTableModel();
    m.setRuns(many.slice(0, 5));
    m.setFilter('metrics.loss >= 0.2');
    const cols = visibleColumns(m.columns(), EMPTY_PREFS);
    const { rows } = parseCsv(m.toCsv(cols));
    assert.equal(rows.length, 4);
    assert.equal(rows[0][0], 'Run ID');
    assert.ok(rows[0].includes('metrics.loss') && rows[0].includes('params.p'));
    assert.equal(rows[1][0], 'r0004');
    assert.equal(rows[1][rows[0].indexOf('params.p')], "'=cmd4");
    assert.equal(rows[1][rows[0].indexOf('Created')], new Date(T0 + 4).toISOString());
  });
});

describe('columns', () => {
  const runs = [run('a', { metrics: { m2: 1, m1: 2 }, params: { p: 'x' }, tags: { t: 'y' } })];

  it('offers attributes, metrics (latest, min, max), params and tags, and shows sensible defaults', () => {
    const all = availableColumns(runs);
    assert.deepEqual(all.filter((c) => c.kind !== 'attr').map((c) => c.id), ['metric:m1', 'metric:m2', 'metricMin:m1', 'metricMin:m2', 'metricMax:m1', 'metricMax:m2', 'param:p', 'tag:t']);
    const shown = visibleColumns(all, EMPTY_PREFS).map((c) => c.id);
    assert.deepEqual(shown, ['attr:name', 'attr:status', 'attr:start_time', 'attr:duration', 'attr:user', 'attr:source', 'metric:m1', 'metric:m2', 'param:p']);
  });

  it("applies a user's order and choice, keeping the name first and new columns in place", () => {
    const all = availableColumns(runs);
    const prefs = prefsFor(all, ['param:p', 'metricMax:m1', 'attr:name', 'metric:m2']);
    const shown = visibleColumns(all, prefs).map((c) => c.id);
    assert.deepEqual(shown, ['attr:name', 'param:p', 'metricMax:m1', 'metric:m2']);
    const grown = availableColumns([...runs, run('b', { metrics: { m0: 1 } })]);
    assert.deepEqual(visibleColumns(grown, prefs).map((c) => c.id), ['attr:name', 'param:p', 'metricMax:m1', 'metric:m2', 'metric:m0']);
  });

  it('sanitises stored prefs', () => {
    assert.deepEqual(sanitisePrefs({ order: ['a', 1], hidden: 'x' }), { order: ['a'], hidden: [], shown: [] });
    assert.deepEqual(sanitisePrefs(null), EMPTY_PREFS);
  });

  it('formats cells', () => {
    const all = availableColumns(runs);
    const dur = all.find((c) => c.id === 'attr:duration')!;
    assert.equal(cellText(dur, 65_000), '1m 05s');
    assert.equal(cellText(all.find((c) => c.id === 'metric:m1')!, 0.123456789), '0.123457');
    assert.match(formatTime(T0), /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$/);
  });
});
