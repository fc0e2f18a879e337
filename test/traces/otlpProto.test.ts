// The OTLP protobuf decoder (extension/traces/otlpProto.ts) and the span conversion (spans.ts) on hand-built
// bytes: every field MLflow reads, unknown fields anywhere, nested values, and truncated or garbage input,
// which must end in OtlpDecodeError (a 400), never in another exception.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { decodeExportTraceRequest, OtlpDecodeError } from '../../extension/traces/otlpProto';
import { anyValueJson, dumpAnyValue, pyFloat, spanFromOtlp, spanToOtlpJson, spanToTraceSpan, writeJson } from '../../extension/traces/spans';
import { encode, exportRequest, spanFields, type Field } from './otlpEncode';

const TRACE = Buffer.from('07e3355e055c21b36a6bcdebc8fe144e', 'hex');
const ROOT = Buffer.from('76136beb0b567f74', 'hex');
const CHILD = Buffer.from('5e18a45c4b4e7ce5', 'hex');
const BIG = 1796689145991604456n; // above 2^53: must survive exactly

test('decodes every field MLflow reads, with nested values, and skips unknown fields at every level', () => {
  const unknown: Field[] = [[99, 'varint', 7], [98, 'fixed64', 1n], [97, 'fixed32', 5], [96, 'bytes', 'junk']];
  const span = spanFields({
    traceId: TRACE, spanId: CHILD, parentSpanId: ROOT, name: 'child', start: BIG, end: BIG + 5n,
    attributes: { s: 'x', i: -3n, d: 1.5, b: true, raw: new Uint8Array([0, 0x27, 0x41]), arr: [1, 'two', [3]], kv: { a: { b: null } } },
    events: [{ name: 'exception', time: BIG + 1n, attributes: { 'exception.type': 'ValueError' } }],
    status: { code: 2, message: 'ValueError: boom' },
    extra: unknown,
  });
  const body = encode([
    ...unknown,
    [1, 'bytes', [
      ...unknown,
      [1, 'bytes', [[1, 'bytes', [[1, 'bytes', 'service.name'], [2, 'bytes', [[1, 'bytes', 'svc'], ...unknown]]]], [2, 'varint', 0]]],
      [2, 'bytes', [[1, 'bytes', [[1, 'bytes', 'scope']]], [2, 'bytes', span], ...unknown, [3, 'bytes', 'schema']]],
      [3, 'bytes', 'https://schema'],
    ]],
  ]);
  const [got, ...rest] = decodeExportTraceRequest(body);
  assert.equal(rest.length, 0);
  assert.deepEqual(got.resourceAttributes, [{ key: 'service.name', value: { string: 'svc' } }]);
  const s = got.span;
  assert.deepEqual([Buffer.from(s.traceId), Buffer.from(s.spanId), Buffer.from(s.parentSpanId)], [TRACE, CHILD, ROOT]);
  assert.equal(s.name, 'child');
  assert.equal(s.kind, 1);
  assert.equal(s.startTimeUnixNano, BIG);
  assert.equal(s.endTimeUnixNano, BIG + 5n);
  assert.equal(s.statusCode, 2);
  assert.equal(s.statusMessage, 'ValueError: boom');
  assert.deepEqual(s.events, [{ name: 'exception', timeUnixNano: BIG + 1n, attributes: [{ key: 'exception.type', value: { string: 'ValueError' } }] }]);
  const attrs = Object.fromEntries(s.attributes.map((a) => [a.key, a.value]));
  assert.deepEqual(attrs.s, { string: 'x' });
  assert.deepEqual(attrs.i, { int: -3n });
  assert.deepEqual(attrs.d, { double: 1.5 });
  assert.deepEqual(attrs.b, { bool: true });
  assert.deepEqual(Buffer.from((attrs.raw as { bytes: Uint8Array }).bytes), Buffer.from([0, 0x27, 0x41]));
  assert.deepEqual(attrs.arr, { array: [{ int: 1n }, { string: 'two' }, { array: [{ int: 3n }] }] });
  assert.deepEqual(attrs.kv, { kvlist: [{ key: 'a', value: { kvlist: [{ key: 'b', value: undefined }] } }] });

  // MLflow's stored form: Python's json.dumps of each value
  const rec = spanFromOtlp(s);
  assert.equal(rec.traceId, 'tr-07e3355e055c21b36a6bcdebc8fe144e');
  assert.equal(rec.parentSpanId, ROOT.toString('hex'));
  assert.equal(rec.status, 'ERROR');
  assert.deepEqual(rec.content.attributes, {
    'mlflow.traceRequestId': '"tr-07e3355e055c21b36a6bcdebc8fe144e"',
    s: '"x"', i: '-3', d: '1.5', b: 'true', raw: '"b\\"\\\\x00\'A\\""', arr: '[1, "two", [3]]', kv: '{"a": {"b": null}}',
  });
  assert.equal(rec.content.start_time_unix_nano, BIG.toString());
  // … and served back as MLflow's OTLP JSON: exact 64-bit times, ints as int_value, objects as kvlist_value
  const json = writeJson(spanToOtlpJson(rec.content));
  assert.ok(json.includes(`"start_time_unix_nano":${BIG}`), json);
  const back = JSON.parse(json) as { attributes: { key: string; value?: unknown }[]; status: unknown; parent_span_id: string; events: unknown[] };
  assert.deepEqual(back.attributes.find((a) => a.key === 'kv')?.value, { kvlist_value: { values: [{ key: 'a', value: { kvlist_value: { values: [{ key: 'b' }] } } }] } });
  assert.deepEqual(back.attributes.find((a) => a.key === 'i')?.value, { int_value: -3 });
  assert.deepEqual(back.attributes.find((a) => a.key === 'arr')?.value, { array_value: { values: [{ int_value: 1 }, { string_value: 'two' }, { array_value: { values: [{ int_value: 3 }] } }] } });
  assert.deepEqual(back.status, { code: 'STATUS_CODE_ERROR', message: 'ValueError: boom' });
  assert.equal(back.parent_span_id, ROOT.toString('base64'));
  assert.equal(back.events.length, 1);
  const view = spanToTraceSpan(rec.content);
  assert.equal(view.parent_span_id, ROOT.toString('base64'));
  assert.deepEqual(view.events?.[0].attributes, { 'exception.type': 'ValueError' });
});

test('a known field with an unexpected wire type is skipped, as protobuf parsers do', () => {
  const body = exportRequest([{ traceId: TRACE, spanId: ROOT, name: 'root', start: 1n, extra: [[5, 'varint', 3], [7, 'bytes', 'x']] }]);
  const [{ span }] = decodeExportTraceRequest(body);
  assert.equal(span.name, 'root');
  assert.equal(span.startTimeUnixNano, 1n);
});

test('every truncation and random garbage end in OtlpDecodeError or a clean result, never another error', () => {
  const body = exportRequest([
    { traceId: TRACE, spanId: ROOT, name: 'root', start: BIG, end: BIG + 9n, attributes: { x: { y: [1, 2.5, 'z'] } }, status: { code: 1 } },
    { traceId: TRACE, spanId: CHILD, parentSpanId: ROOT, name: 'child', start: BIG, events: [{ name: 'e', time: BIG }] },
  ]);
  let errors = 0;
  for (let n = 0; n < body.length; n++) {
    try {
      decodeExportTraceRequest(body.subarray(0, n));
    } catch (err) {
      assert.ok(err instanceof OtlpDecodeError, `prefix ${n}: ${String(err)}`);
      errors++;
    }
  }
  assert.ok(errors > body.length / 2, `most truncations are errors (${errors} of ${body.length})`);
  let seed = 12345;
  const rnd = (): number => (seed = (seed * 1103515245 + 12345) % 2 ** 31) % 256;
  for (let i = 0; i < 2000; i++) {
    const junk = Buffer.from(Array.from({ length: 1 + (i % 97) }, rnd));
    try {
      decodeExportTraceRequest(junk);
    } catch (err) {
      assert.ok(err instanceof OtlpDecodeError, String(err));
    }
  }
  // flipped bytes inside a valid body
  for (let i = 0; i < body.length; i++) {
    const bad = Buffer.from(body);
    bad[i] ^= 0xff;
    try {
      decodeExportTraceRequest(bad);
    } catch (err) {
      assert.ok(err instanceof OtlpDecodeError, `byte ${i}: ${String(err)}`);
    }
  }
});

test('specific malformed input: overlong varint, length past the end, invalid UTF-8, group wire types, deep nesting', () => {
  const cases: [string, Buffer][] = [
    ['overlong varint', Buffer.from([0x0a, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01])],
    ['length past the end', Buffer.from([0x0a, 0x05, 0x01])],
    ['invalid UTF-8 name', exportRequest([{ traceId: TRACE, spanId: ROOT, name: '\uFFFD', start: 1n, extra: [[5, 'bytes', new Uint8Array([0xc3, 0x28])]] }])],
    ['start group', Buffer.from([0x0b])],
    ['field number 0', Buffer.from([0x02, 0x00])],
  ];
  let nested: Field[] = [[1, 'bytes', 'leaf']];
  for (let i = 0; i < 200; i++) nested = [[5, 'bytes', [[1, 'bytes', nested]]]];
  cases.push(['200 nested arrays', exportRequest([{ traceId: TRACE, spanId: ROOT, name: 'n', start: 1n, extra: [[9, 'bytes', [[1, 'bytes', 'k'], [2, 'bytes', nested]]]] }])]);
  for (const [what, body] of cases) assert.throws(() => decodeExportTraceRequest(body), OtlpDecodeError, what);
  assert.deepEqual(decodeExportTraceRequest(Buffer.alloc(0)), []);
});

test("values are dumped as Python's json.dumps writes them, and read back as MLflow types them", () => {
  // expected values printed by CPython's repr()
  assert.deepEqual([7, 0.1, 1e16, 1.5e-7, 1e-4, 123.456, -2.5, 1e22, 5e-324, 1e-5, 12345678.9, 1e15].map(pyFloat), ['7.0', '0.1', '1e+16', '1.5e-07', '0.0001', '123.456', '-2.5', '1e+22', '5e-324', '1e-05', '12345678.9', '1000000000000000.0']);
  assert.equal(dumpAnyValue({ kvlist: [{ key: 'a', value: { int: 1n } }, { key: 'b', value: undefined }, { key: 'a', value: { string: 'é"\n' } }] }), '{"a": "é\\"\\n", "b": null}');
  assert.equal(dumpAnyValue({ double: NaN }), 'NaN');
  assert.equal(writeJson(anyValueJson('7.0')), '{"double_value":7.0}');
  assert.equal(writeJson(anyValueJson('12345678901234567890')), '{"double_value":12345678901234567890}');
  assert.equal(writeJson(anyValueJson('9007199254740993')), '{"int_value":9007199254740993}');
  assert.equal(anyValueJson('null'), undefined);
  assert.deepEqual(anyValueJson('{}'), { kvlist_value: {} });
  assert.deepEqual(anyValueJson('[]'), { array_value: {} });
  assert.deepEqual(anyValueJson('not json'), { string_value: 'not json' });
  assert.deepEqual(anyValueJson('"\\u00e9"'), { string_value: 'é' });
});
