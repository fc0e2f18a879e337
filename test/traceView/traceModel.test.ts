// The trace tab's model: span tree from parent ids (orphans, cycles), timing maths at nanosecond precision,
// statuses and exception events, pretty inputs/outputs; wire spans of both shapes (OTLP JSON from traces/get,
// the traces.json artifact) normalised alike; hostile strings kept as data, never interpreted.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { anyValue, normaliseSpan, proxiedArtifactDir, proxiedArtifactPath, spansInTrackingStore } from '../../extension/client/traceSpans';
import type { TraceInfo, TraceSpan } from '../../extension/tracking/rest/types';
import {
  buildSpanRows, durationMs, formatMs, nanos, prettyJson, spanStatus, traceInfoView, traceViewModel,
} from '../../extension/traceView/traceModel';
import { parseTraceViewRequest } from '../../extension/traceView/messages';

const HOSTILE = '<img src=x onerror=alert(1)>';
const T0 = 1796689145991604456n; // beyond 2^53: only exact with BigInt

function span(id: string, parent: string | null, startNs: bigint, endNs: bigint | null, extra: Partial<TraceSpan> = {}): TraceSpan {
  return {
    trace_id: 't',
    span_id: id,
    parent_span_id: parent,
    name: id,
    start_time_unix_nano: String(startNs),
    end_time_unix_nano: endNs === null ? null : String(endNs),
    status: { code: 'STATUS_CODE_OK', message: '' },
    attributes: {},
    events: [],
    ...extra,
  };
}

const info = (extra: Partial<TraceInfo> = {}): TraceInfo => ({
  trace_id: 'tr-1',
  trace_location: { type: 'MLFLOW_EXPERIMENT', mlflow_experiment: { experiment_id: '7' } },
  request_time: '2026-12-08T00:19:05.991Z',
  execution_duration: '0.003s',
  state: 'OK',
  ...extra,
});

describe('span tree', () => {
  it('nests children under parents in start order, depth first, whatever the input order', () => {
    const spans = [
      span('c2', 'root', T0 + 2_000_000n, T0 + 3_000_000n),
      span('g1', 'c1', T0 + 1_200_000n, T0 + 1_300_000n),
      span('root', null, T0, T0 + 4_000_000n),
      span('c1', 'root', T0 + 1_000_000n, T0 + 1_500_000n),
    ];
    const { rows, totalMs } = buildSpanRows(spans);
    assert.deepEqual(rows.map((r) => [r.id, r.depth, r.childCount, r.parentId ?? null]), [
      ['root', 0, 2, null],
      ['c1', 1, 1, 'root'],
      ['g1', 2, 0, 'c1'],
      ['c2', 1, 0, 'root'],
    ]);
    assert.equal(totalMs, 4);
  });

  it('computes offsets, durations and timing bars exactly from int64 nanoseconds', () => {
    const { rows } = buildSpanRows([span('root', null, T0, T0 + 4_000_000n), span('c', 'root', T0 + 1_000_001n, T0 + 3_000_001n)]);
    const c = rows[1];
    assert.equal(c.startMs, 1.000001);
    assert.equal(c.durationMs, 2);
    assert.equal(c.barLeft, 1.000001 / 4);
    assert.equal(c.barWidth, 0.5);
    assert.equal(rows[0].barLeft, 0);
    assert.equal(rows[0].barWidth, 1);
  });

  it('keeps a span still open (no end) visible to the end of the trace, without a duration', () => {
    const { rows } = buildSpanRows([span('root', null, T0, T0 + 10_000_000n), span('open', 'root', T0 + 5_000_000n, null)]);
    assert.equal(rows[1].durationMs, undefined);
    assert.equal(rows[1].barLeft, 0.5);
    assert.equal(rows[1].barWidth, 0.5);
  });

  it('shows orphans (parent not in the trace) as roots and survives parent cycles', () => {
    const { rows } = buildSpanRows([
      span('a', 'b', T0, T0 + 1n),
      span('b', 'a', T0 + 1n, T0 + 2n),
      span('self', 'self', T0 + 2n, T0 + 3n),
      span('orphan', 'missing', T0 + 3n, T0 + 4n),
    ]);
    assert.deepEqual(rows.map((r) => r.id).sort(), ['a', 'b', 'orphan', 'self']);
    assert.equal(rows.find((r) => r.id === 'orphan')!.depth, 0);
    assert.equal(rows.find((r) => r.id === 'self')!.depth, 0);
  });

  it('reads type, inputs, outputs, other attributes, status and exception events', () => {
    const s = span('f', null, T0, T0 + 5_000n, {
      name: HOSTILE,
      status: { code: 'STATUS_CODE_ERROR', message: 'ValueError: boom' },
      attributes: {
        'mlflow.spanType': '"LLM"',
        'mlflow.spanInputs': JSON.stringify({ q: HOSTILE }),
        'mlflow.spanOutputs': '"plain text"',
        'mlflow.traceRequestId': '"tr-1"',
        'z.custom': '[1,2]',
        'a.notJson': '{oops',
      },
      events: [
        { name: 'exception', time_unix_nano: String(T0 + 4_000n), attributes: { 'exception.type': 'ValueError', 'exception.message': HOSTILE, 'exception.stacktrace': 'Traceback…' } },
        { name: 'retry', time_unix_nano: String(T0 + 2_000n), attributes: { attempt: 2 } },
      ],
    });
    const [row] = buildSpanRows([s]).rows;
    assert.equal(row.name, HOSTILE); // data, rendered as text by the webview
    assert.equal(row.type, 'LLM');
    assert.equal(row.inputs, `{\n  "q": "${HOSTILE}"\n}`);
    assert.equal(row.outputs, 'plain text');
    assert.equal(row.status, 'ERROR');
    assert.equal(row.statusMessage, 'ValueError: boom');
    assert.deepEqual(row.exceptions, [{ type: 'ValueError', message: HOSTILE, stacktrace: 'Traceback…' }]);
    assert.deepEqual(row.events.map((e) => [e.name, e.offsetMs]), [['retry', 0.002]]);
    assert.deepEqual(row.attributes, [
      { key: 'a.notJson', value: '{oops' },
      { key: 'z.custom', value: '[\n  1,\n  2\n]' },
    ]);
  });
});

describe('trace model', () => {
  it('names a trace by its tag, else its root span, else its id; and says when spans are missing', () => {
    const spans = [span('root', null, T0, T0 + 1n, { name: 'predict' })];
    assert.equal(traceInfoView(info({ tags: { 'mlflow.traceName': 'outer' } }), spans).name, 'outer');
    assert.equal(traceInfoView(info(), spans).name, 'predict');
    assert.equal(traceInfoView(info()).name, 'tr-1');
    const missing = traceViewModel(info(), undefined);
    assert.equal(missing.spans.length, 0);
    assert.match(missing.spansMissing!, /could not be read/);
    assert.equal(missing.totalMs, 3);
    assert.match(traceViewModel(info(), []).spansMissing!, /no spans/);
  });

  it('lists metadata and tags sorted, with the experiment, previews and duration', () => {
    const v = traceInfoView(info({ trace_metadata: { 'mlflow.user': 'me', 'a.b': HOSTILE }, tags: { z: '1', a: '2' }, request_preview: '{"x": 3}', response_preview: '7' }));
    assert.deepEqual(v.metadata.map((p) => p.key), ['a.b', 'mlflow.user']);
    assert.equal(v.metadata[0].value, HOSTILE);
    assert.deepEqual(v.tags.map((p) => p.key), ['a', 'z']);
    assert.equal(v.experimentId, '7');
    assert.equal(v.durationMs, 3);
    assert.equal(v.requestPreview, '{"x": 3}');
  });

  it('converts times and durations', () => {
    assert.equal(nanos('1796689145991604456'), 1796689145991604456n);
    assert.equal(nanos(1500), 1500n);
    assert.equal(nanos('12abc'), undefined);
    assert.equal(nanos(null), undefined);
    assert.equal(durationMs('0.003s'), 3);
    assert.equal(durationMs('12s'), 12000);
    assert.equal(durationMs('3ms'), undefined);
    assert.equal(formatMs(0.25), '250 µs');
    assert.equal(formatMs(3), '3.00 ms');
    assert.equal(formatMs(42.5), '42.5 ms');
    assert.equal(formatMs(4200), '4.20 s');
    assert.equal(formatMs(undefined), '—');
    assert.equal(prettyJson('"x"'), 'x');
    assert.equal(prettyJson(undefined), undefined);
    assert.deepEqual(['STATUS_CODE_OK', 'OK', 'STATUS_CODE_ERROR', 'ERROR', 'STATUS_CODE_UNSET', undefined].map(spanStatus), ['OK', 'OK', 'ERROR', 'ERROR', 'UNSET', 'UNSET']);
  });
});

describe('wire spans', () => {
  it('normalises traces/get OTLP JSON like the traces.json artifact', () => {
    const otlp = {
      trace_id: 'B+M1Xg==',
      span_id: 'DQPGn1Q9h8E=',
      parent_span_id: 'dhNr6wtWf3Q=',
      name: 'failing',
      start_time_unix_nano: '1796689145992597696',
      end_time_unix_nano: '1796689145994537977',
      attributes: [
        { key: 'mlflow.spanType', value: { string_value: 'UNKNOWN' } },
        { key: 'mlflow.spanInputs', value: { kvlist_value: { values: [{ key: 'x', value: { int_value: '3' } }, { key: 'l', value: { array_value: { values: [{ double_value: 1.5 }, { bool_value: true }] } } }] } } },
      ],
      events: [{ name: 'exception', time_unix_nano: '1796689145994446592', attributes: [{ key: 'exception.type', value: { string_value: 'ValueError' } }] }],
      status: { code: 'STATUS_CODE_ERROR', message: 'ValueError: boom' },
    };
    const artifact = {
      trace_id: 'B+M1Xg==',
      span_id: 'DQPGn1Q9h8E=',
      parent_span_id: 'dhNr6wtWf3Q=',
      name: 'failing',
      start_time_unix_nano: '1796689145992597696',
      end_time_unix_nano: '1796689145994537977',
      attributes: { 'mlflow.spanType': '"UNKNOWN"', 'mlflow.spanInputs': '{"x":3,"l":[1.5,true]}' },
      events: [{ name: 'exception', time_unix_nano: '1796689145994446592', attributes: { 'exception.type': 'ValueError' } }],
      status: { code: 'STATUS_CODE_ERROR', message: 'ValueError: boom' },
    };
    assert.deepEqual(normaliseSpan(otlp), normaliseSpan(artifact));
    assert.equal(normaliseSpan({ ...artifact, parent_span_id: '' }).parent_span_id, null);
    assert.equal(anyValue({ int_value: '9007199254740993' }), '9007199254740993');
    assert.equal(anyValue({}), null);
  });

  it('finds spans where MLflow does and keeps artifact paths confined', () => {
    assert.equal(spansInTrackingStore(info({ tags: { 'mlflow.trace.spansLocation': 'TRACKING_STORE' } })), true);
    assert.equal(spansInTrackingStore(info()), false);
    assert.equal(proxiedArtifactPath('mlflow-artifacts:/1/traces/tr-1/artifacts', 'traces.json'), 'api/2.0/mlflow-artifacts/artifacts/1/traces/tr-1/artifacts/traces.json');
    assert.equal(proxiedArtifactPath('mlflow-artifacts://host:5000/1/x', 'a b#?.txt'), 'api/2.0/mlflow-artifacts/artifacts/1/x/a%20b%23%3F.txt');
    assert.equal(proxiedArtifactPath('mlflow-artifacts:/1/x', '../../etc/passwd'), undefined);
    assert.equal(proxiedArtifactPath('s3://bucket/1/x', 'traces.json'), undefined);
    assert.equal(proxiedArtifactPath(undefined, 'traces.json'), undefined);
    assert.equal(proxiedArtifactDir('mlflow-artifacts:/1/models/m-1/artifacts', 'sub/'), '1/models/m-1/artifacts/sub');
    assert.equal(proxiedArtifactDir('mlflow-artifacts:/1/models/m-1/artifacts', '..'), undefined);
  });
});

describe('trace tab messages', () => {
  it('accepts ready, refresh and openRun; refuses anything else', () => {
    for (const m of [{ type: 'ready' }, { type: 'refresh' }, { type: 'openRun', id: 'abc' }]) assert.deepEqual(parseTraceViewRequest(m), m);
    for (const m of [null, 'ready', { type: 'openRun' }, { type: 'openRun', id: '' }, { type: 'openRun', id: 'x'.repeat(201) }, { type: 'eval', code: '1' }]) {
      assert.equal(parseTraceViewRequest(m), undefined, JSON.stringify(m));
    }
  });
});
