// Every panel's message contract: well-formed messages from a webview are accepted as they are, anything else
// (wrong type, missing or oversized fields, other shapes) is refused so the host never acts on it.
import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import { MAX_WINDOW, parseTableRequest } from '../../extension/runsTable/messages';
import { bucketsFor, parseChartRequest, POINT_BUDGET, sanitiseChartsState } from '../../extension/charts/messages';
import { parseCompareRequest, sanitiseCompareState, transportable } from '../../extension/compare/messages';
import { MAX_NOTE, parseRunPageRequest, sanitiseRunPageState } from '../../extension/runPage/messages';
import { parseModelPageRequest } from '../../extension/modelPage/messages';

/** As the message travels (JSON): absent optional fields and undefined ones are the same. */
const wire = (v: unknown): unknown => (v === undefined ? undefined : JSON.parse(JSON.stringify(v)));

describe('runs table messages', () => {
  it('accepts each request kind', () => {
    const ok: unknown[] = [
      { type: 'ready', state: { filter: 'metrics.a > 1', sort: { columnId: 'metric:a', ascending: false }, expanded: ['r1'], selected: ['r2'], scrollTop: 240 } },
      { type: 'rows', version: 3, start: 100, count: 100 },
      { type: 'filter', text: "params.lr = '0.1'" },
      { type: 'sort' },
      { type: 'sort', sort: { columnId: 'param:lr', ascending: true } },
      { type: 'columns', shown: ['attr:name', 'metric:loss'] },
      { type: 'expand', id: 'r1', expanded: true },
      { type: 'select', ids: ['r1', 'r2'], selected: false },
      { type: 'selectAll', selected: true },
      { type: 'openRun', id: 'abc' },
      { type: 'openCharts' },
      { type: 'compare' },
      { type: 'exportCsv' },
      { type: 'refresh' },
    ];
    for (const m of ok) assert.deepEqual(wire(parseTableRequest(m)), m, JSON.stringify(m));
  });

  it('refuses malformed requests', () => {
    const bad: unknown[] = [
      null,
      'ready',
      { type: 'nope' },
      { type: 'rows', version: 1, start: -1, count: 10 },
      { type: 'rows', version: 1, start: 0, count: MAX_WINDOW + 1 },
      { type: 'rows', version: '1', start: 0, count: 10 },
      { type: 'filter', text: 5 },
      { type: 'sort', sort: { columnId: 'x' } },
      { type: 'columns', shown: [1] },
      { type: 'expand', id: 'r1' },
      { type: 'select', ids: 'r1', selected: true },
      { type: 'openRun', id: 'x'.repeat(201) },
    ];
    for (const m of bad) assert.equal(parseTableRequest(m), undefined, JSON.stringify(m));
  });

  it('repairs a saved state instead of trusting it', () => {
    const r = parseTableRequest({ type: 'ready', state: { filter: 7, expanded: 'x', scrollTop: -5, sort: { columnId: 1 } } });
    assert.deepEqual(wire(r), { type: 'ready', state: { filter: '', expanded: [], selected: [], scrollTop: 0 } });
  });
});

describe('charts messages', () => {
  it('accepts view, export and navigation requests', () => {
    const ok: unknown[] = [
      { type: 'ready' },
      { type: 'view', requestId: 1, key: 'loss', mode: 'step', buckets: 800, runIds: ['a', 'b'] },
      { type: 'view', requestId: 2, key: 'loss', mode: 'relative', buckets: 16, runIds: [], range: { from: 0, to: 10 } },
      { type: 'exportCsv', key: 'loss', mode: 'wall', runIds: ['a'], range: { from: 1, to: 2 } },
      { type: 'exportPng', key: 'loss', dataUrl: 'data:image/png;base64,AAAA' },
      { type: 'openRun', id: 'a' },
      { type: 'painted', ms: 12.5 },
    ];
    for (const m of ok) assert.deepEqual(wire(parseChartRequest(m)), m, JSON.stringify(m));
  });

  it('refuses bad axes, ranges, bucket counts and non-PNG data', () => {
    const bad: unknown[] = [
      { type: 'view', requestId: 1, key: 'loss', mode: 'epoch', buckets: 800, runIds: [] },
      { type: 'view', requestId: 1, key: 'loss', mode: 'step', buckets: 0, runIds: [] },
      { type: 'view', requestId: 1, key: 'loss', mode: 'step', buckets: 100_000, runIds: [] },
      { type: 'view', requestId: 1, key: 'loss', mode: 'step', buckets: 10, runIds: [], range: { from: 5, to: 1 } },
      { type: 'view', requestId: 1, key: 'loss', mode: 'step', buckets: 10, runIds: [], range: { from: 0, to: Infinity } },
      { type: 'exportPng', key: 'loss', dataUrl: 'data:text/html;base64,PHNjcmlwdD4=' },
      { type: 'exportPng', key: 'loss', dataUrl: 'javascript:alert(1)' },
      { type: 'painted', ms: 'fast' },
    ];
    for (const m of bad) assert.equal(parseChartRequest(m), undefined, JSON.stringify(m));
  });

  it('budgets points, not runs', () => {
    assert.equal(bucketsFor(800, 1), 800);
    assert.equal(bucketsFor(800, 100), Math.floor(POINT_BUDGET / 400));
    assert.equal(bucketsFor(800, 10_000), 16, 'never below the minimum, whatever the number of runs');
    assert.ok(bucketsFor(1e6, 1) <= 4096);
  });

  it('sanitises the saved view state', () => {
    assert.deepEqual(sanitiseChartsState({ xMode: 'wall', logY: true, smoothing: 0.6, hidden: ['a'], zoom: { loss: { from: 1, to: 2 }, bad: { from: 3, to: 1 } }, keyFilter: 'lo' }), {
      xMode: 'wall', logY: true, smoothing: 0.6, hidden: ['a'], zoom: { loss: { from: 1, to: 2 } }, keyFilter: 'lo',
    });
    assert.deepEqual(sanitiseChartsState(undefined), { xMode: 'step', logY: false, smoothing: 0, hidden: [], zoom: {}, keyFilter: '' });
    assert.equal(sanitiseChartsState({ smoothing: 1.5 }).smoothing, 0);
  });
});

describe('compare, run page and model page messages', () => {
  it('compare', () => {
    assert.deepEqual(parseCompareRequest({ type: 'openRun', id: 'r' }), { type: 'openRun', id: 'r' });
    assert.equal(parseCompareRequest({ type: 'openRun' }), undefined);
    assert.equal(parseCompareRequest({ type: 'data' }), undefined, 'host-to-webview types are not requests');
    assert.equal(sanitiseCompareState({ tab: 'evil' }).tab, 'table');
    assert.equal(transportable(NaN), 'NaN');
    assert.equal(transportable(-Infinity), '-Infinity');
    assert.equal(transportable(2), 2);
  });

  it('run page', () => {
    assert.deepEqual(parseRunPageRequest({ type: 'preview', path: 'model/MLmodel' }), { type: 'preview', path: 'model/MLmodel' });
    assert.deepEqual(parseRunPageRequest({ type: 'sparklines', keys: ['loss'], buckets: 40 }), { type: 'sparklines', keys: ['loss'], buckets: 40 });
    assert.equal(parseRunPageRequest({ type: 'sparklines', keys: ['loss'], buckets: 100_000 }), undefined);
    assert.equal(parseRunPageRequest({ type: 'saveNote' }), undefined);
    assert.deepEqual(parseRunPageRequest({ type: 'saveNote', text: 'x'.repeat(MAX_NOTE + 1) })?.type, 'saveNote', 'the host reports an over-long note instead of dropping it');
    assert.equal(parseRunPageRequest({ type: 'openLink', url: 5 }), undefined);
    assert.deepEqual(sanitiseRunPageState({ openDirs: ['a', 3], showSystemTags: 'yes' }), { openDirs: [], selected: undefined, showSystemTags: false, editingNote: undefined });
  });

  it('model page', () => {
    assert.deepEqual(parseModelPageRequest({ type: 'saveVersionDescription', version: '3', text: 'ok' }), { type: 'saveVersionDescription', version: '3', text: 'ok' });
    assert.equal(parseModelPageRequest({ type: 'saveVersionDescription', version: '3; drop', text: 'ok' }), undefined);
    assert.equal(parseModelPageRequest({ type: 'signature', version: 'latest' }), undefined);
    assert.deepEqual(parseModelPageRequest({ type: 'refresh' }), { type: 'refresh' });
  });
});
