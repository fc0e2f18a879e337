// Spans kept in the database (from OTLP on /v1/traces): OTLP span → stored form → MLflow's OTLP-JSON answer of
// traces/get and batchGet, or the TraceSpan shape the views read. The stored form is MLflow's span dict
// (base64 ids, attribute values as the JSON text Python's json.dumps writes) with the nanosecond times as
// decimal strings, so 64-bit values survive JavaScript numbers.
import type { TraceSpan } from '../tracking/rest/types';
import type { OtlpAttribute, OtlpSpan, OtlpValue } from './otlpProto';

export const REQUEST_ID_ATTRIBUTE = 'mlflow.traceRequestId';
export const INPUTS_ATTRIBUTE = 'mlflow.spanInputs';
export const OUTPUTS_ATTRIBUTE = 'mlflow.spanOutputs';
const STATUS_NAMES = ['STATUS_CODE_UNSET', 'STATUS_CODE_OK', 'STATUS_CODE_ERROR'] as const;

export interface StoredSpan {
  trace_id: string;
  span_id: string;
  parent_span_id: string | null;
  name: string;
  start_time_unix_nano: string;
  end_time_unix_nano: string | null;
  events: { name: string; time_unix_nano: string; attributes: Record<string, string> }[];
  status: { code: (typeof STATUS_NAMES)[number]; message: string };
  /** Each value is JSON text as Python's json.dumps writes it. */
  attributes: Record<string, string>;
}

/** A span as MLflow's SQL store sees it: its trace's MLflow id, its ids in hex, and the stored form. */
export interface SpanRecord {
  traceId: string;
  spanId: string;
  parentSpanId: string | null;
  name: string;
  status: 'UNSET' | 'OK' | 'ERROR';
  startNs: bigint;
  endNs: bigint | null;
  content: StoredSpan;
}

export class SpanConversionError extends Error {}

// ---- Python's json.dumps (ensure_ascii=False) ------------------------------------------------------------

function pyString(s: string): string {
  return JSON.stringify(s);
}

/** repr(float) as Python writes it: shortest round-trip digits, exponent form outside 1e-4 ≤ |x| < 1e16. */
export function pyFloat(x: number): string {
  if (Number.isNaN(x)) return 'NaN';
  if (!Number.isFinite(x)) return x > 0 ? 'Infinity' : '-Infinity';
  if (x === 0) return Object.is(x, -0) ? '-0.0' : '0.0';
  const [mant, expPart] = x.toExponential().split('e');
  const exp = Number(expPart);
  const neg = mant.startsWith('-');
  const digits = mant.replace('-', '').replace('.', '');
  let body: string;
  if (exp >= -4 && exp < 16) {
    if (exp < 0) body = `0.${'0'.repeat(-exp - 1)}${digits}`;
    else if (digits.length <= exp + 1) body = `${digits}${'0'.repeat(exp + 1 - digits.length)}.0`;
    else body = `${digits.slice(0, exp + 1)}.${digits.slice(exp + 1)}`;
  } else {
    const m = digits.length > 1 ? `${digits[0]}.${digits.slice(1)}` : digits;
    body = `${m}e${exp < 0 ? '-' : '+'}${String(Math.abs(exp)).padStart(2, '0')}`;
  }
  return neg ? `-${body}` : body;
}

/** str(bytes), which MLflow's JSON encoder falls back to for bytes values. */
function pyBytesRepr(b: Uint8Array): string {
  const hasSingle = b.includes(0x27);
  const quote = hasSingle && !b.includes(0x22) ? '"' : "'";
  let out = `b${quote}`;
  for (const c of b) {
    if (c === 0x5c) out += '\\\\';
    else if (c === 0x27 && quote === "'") out += "\\'";
    else if (c === 0x09) out += '\\t';
    else if (c === 0x0a) out += '\\n';
    else if (c === 0x0d) out += '\\r';
    else if (c >= 0x20 && c < 0x7f) out += String.fromCharCode(c);
    else out += `\\x${c.toString(16).padStart(2, '0')}`;
  }
  return out + quote;
}

/** json.dumps of the Python value an OTLP AnyValue decodes to. */
export function dumpAnyValue(v: OtlpValue | undefined): string {
  if (v === undefined) return 'null';
  if ('string' in v) return pyString(v.string);
  if ('bool' in v) return v.bool ? 'true' : 'false';
  if ('int' in v) return v.int.toString();
  if ('double' in v) return pyFloat(v.double);
  if ('bytes' in v) return pyString(pyBytesRepr(v.bytes));
  if ('array' in v) return `[${v.array.map(dumpAnyValue).join(', ')}]`;
  // A dict: a repeated key keeps its first place and its last value.
  const map = new Map<string, OtlpValue | undefined>();
  for (const kv of v.kvlist) map.set(kv.key, kv.value);
  return `{${[...map].map(([k, x]) => `${pyString(k)}: ${dumpAnyValue(x)}`).join(', ')}}`;
}

/**
 * MLflow dumps each OTLP attribute once more on its way in, and then strips one layer again when the value is
 * a string that itself is JSON text of a string, object or array (sanitize_attributes).
 */
function sanitize(dumped: string): string {
  let once: unknown;
  try {
    once = JSON.parse(dumped);
  } catch {
    return dumped;
  }
  if (typeof once !== 'string') return dumped;
  try {
    const twice: unknown = JSON.parse(once);
    if (typeof twice === 'string' || (typeof twice === 'object' && twice !== null)) return once;
  } catch {
    // not JSON: keep the dumped string
  }
  return dumped;
}

function attributesOf(list: readonly OtlpAttribute[]): Map<string, string> {
  const out = new Map<string, string>();
  for (const kv of list) out.set(kv.key, dumpAnyValue(kv.value));
  return out;
}

function hex(bytes: Uint8Array): string {
  return Buffer.from(bytes).toString('hex');
}

/** An OTLP id as the integer MLflow reads it (big-endian), written back in `width` bytes. */
function fixedId(bytes: Uint8Array, width: number, what: string): Buffer {
  let start = 0;
  while (start < bytes.length && bytes[start] === 0) start++;
  if (bytes.length - start > width) throw new SpanConversionError(`${what} is longer than ${width} bytes`);
  const out = Buffer.alloc(width);
  out.set(bytes.subarray(start), width - (bytes.length - start));
  return out;
}

/**
 * One OTLP span as MLflow stores it (Span.from_otel_proto, then the stored dict): the trace's MLflow id
 * (`tr-` + the 32 hex digits of the OTel trace id) as the first attribute unless the span carries one, every
 * attribute dumped to JSON text, `service.name` on root spans when the resource names a known client.
 */
export function spanFromOtlp(span: OtlpSpan, serviceName?: string): SpanRecord {
  if (span.traceId.length === 0) throw new SpanConversionError('trace_id is required but was empty');
  if (span.spanId.length === 0) throw new SpanConversionError('span_id is required but was empty');
  const traceId = fixedId(span.traceId, 16, 'trace_id');
  const spanId = fixedId(span.spanId, 8, 'span_id');
  const parent = span.parentSpanId.length ? fixedId(span.parentSpanId, 8, 'parent_span_id') : undefined;
  const parentId = parent && parent.some((b) => b !== 0) ? parent : undefined;
  const mlflowTraceId = `tr-${hex(traceId)}`;
  const attrs = new Map<string, string>([[REQUEST_ID_ATTRIBUTE, pyString(mlflowTraceId)]]);
  for (const [k, v] of attributesOf(span.attributes)) attrs.set(k, v);
  if (!parentId && serviceName) attrs.set('service.name', pyString(serviceName));
  const attributes: Record<string, string> = {};
  for (const [k, v] of attrs) attributes[k] = sanitize(v);
  const statusIndex = span.statusCode === 1 || span.statusCode === 2 ? span.statusCode : 0;
  const end = span.endTimeUnixNano === 0n ? null : span.endTimeUnixNano;
  const content: StoredSpan = {
    trace_id: traceId.toString('base64'),
    span_id: spanId.toString('base64'),
    parent_span_id: parentId ? parentId.toString('base64') : null,
    name: span.name,
    start_time_unix_nano: span.startTimeUnixNano.toString(),
    end_time_unix_nano: end === null ? null : end.toString(),
    events: span.events.map((e) => ({ name: e.name, time_unix_nano: e.timeUnixNano.toString(), attributes: Object.fromEntries(attributesOf(e.attributes)) })),
    status: { code: STATUS_NAMES[statusIndex], message: span.statusMessage },
    attributes,
  };
  return {
    traceId: mlflowTraceId,
    spanId: hex(spanId),
    parentSpanId: parentId ? hex(parentId) : null,
    name: span.name,
    status: (['UNSET', 'OK', 'ERROR'] as const)[statusIndex],
    startNs: span.startTimeUnixNano,
    endNs: end,
    content,
  };
}

// ---- the answer: OTLP JSON as MLflow's protobuf JSON writes it --------------------------------------------

/** A number written as its exact text (64-bit integers, Python's float text). */
export class RawNumber {
  constructor(readonly text: string) {}
}

/** JSON text with RawNumber values written verbatim. */
export function writeJson(v: unknown): string {
  if (v instanceof RawNumber) return v.text;
  if (v === null || typeof v !== 'object') return JSON.stringify(v) ?? 'null';
  if (Array.isArray(v)) return `[${v.map(writeJson).join(',')}]`;
  const parts: string[] = [];
  for (const [k, x] of Object.entries(v as Record<string, unknown>)) {
    if (x !== undefined) parts.push(`${JSON.stringify(k)}:${writeJson(x)}`);
  }
  return `{${parts.join(',')}}`;
}

/**
 * Python's json.loads of a stored value, then MLflow's AnyValue for it, as protobuf JSON: integers stay
 * int_value (exact), other numbers double_value, None leaves the value unset.
 */
export function anyValueJson(text: string): Record<string, unknown> | undefined {
  let i = 0;
  const ws = (): void => {
    while (i < text.length && ' \t\n\r'.includes(text[i])) i++;
  };
  const value = (): Record<string, unknown> | undefined => {
    ws();
    const c = text[i];
    if (c === '{') {
      i++;
      const values: Record<string, unknown>[] = [];
      const seen = new Map<string, number>();
      ws();
      if (text[i] === '}') {
        i++;
        return { kvlist_value: {} };
      }
      for (;;) {
        ws();
        const key = str();
        ws();
        if (text[i++] !== ':') throw new SyntaxError('expected :');
        const v = value();
        const kv = v === undefined ? { key } : { key, value: v };
        const at = seen.get(key);
        if (at === undefined) {
          seen.set(key, values.length);
          values.push(kv);
        } else values[at] = kv;
        ws();
        if (text[i] === ',') i++;
        else if (text[i++] === '}') break;
        else throw new SyntaxError('expected , or }');
      }
      return { kvlist_value: { values } };
    }
    if (c === '[') {
      i++;
      const values: Record<string, unknown>[] = [];
      ws();
      if (text[i] === ']') {
        i++;
        return { array_value: {} };
      }
      for (;;) {
        values.push(value() ?? {});
        ws();
        if (text[i] === ',') i++;
        else if (text[i++] === ']') break;
        else throw new SyntaxError('expected , or ]');
      }
      return { array_value: { values } };
    }
    if (c === '"') return { string_value: str() };
    for (const [word, v] of [['true', { bool_value: true }], ['false', { bool_value: false }], ['null', undefined], ['NaN', { double_value: 'NaN' }], ['Infinity', { double_value: 'Infinity' }], ['-Infinity', { double_value: '-Infinity' }]] as const) {
      if (text.startsWith(word, i)) {
        i += word.length;
        return v;
      }
    }
    const m = /^-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?/.exec(text.slice(i, i + 400));
    if (!m) throw new SyntaxError(`unexpected ${c}`);
    i += m[0].length;
    if (m[2] || m[3]) return double(m[0]);
    // protobuf's int64: values beyond it are what MLflow's setter refuses; keep them as doubles
    const n = BigInt(m[0]);
    return n >= -(2n ** 63n) && n < 2n ** 63n ? { int_value: new RawNumber(m[0]) } : double(m[0]);
  };
  const double = (lexeme: string): Record<string, unknown> => {
    const x = Number(lexeme);
    return { double_value: Number.isFinite(x) ? new RawNumber(lexeme) : x > 0 ? 'Infinity' : '-Infinity' };
  };
  const str = (): string => {
    const m = /^"(?:[^"\\]|\\.)*"/s.exec(text.slice(i));
    if (!m) throw new SyntaxError('expected a string');
    i += m[0].length;
    return JSON.parse(m[0]) as string;
  };
  try {
    const v = value();
    ws();
    if (i !== text.length) throw new SyntaxError('trailing text');
    return v;
  } catch {
    // not JSON (never written by us): MLflow reads such a value as the string itself
    return { string_value: text };
  }
}

function keyValues(attrs: Record<string, string>): Record<string, unknown>[] | undefined {
  const out = Object.entries(attrs).map(([key, text]) => {
    const value = anyValueJson(text);
    return value === undefined ? { key } : { key, value };
  });
  return out.length ? out : undefined;
}

/** A stored span as MLflow's traces/get writes it (Span.to_otel_proto as protobuf JSON; defaults left out). */
export function spanToOtlpJson(s: StoredSpan): Record<string, unknown> {
  const status: Record<string, unknown> = {};
  if (s.status.code !== 'STATUS_CODE_UNSET') status.code = s.status.code;
  if (s.status.message) status.message = s.status.message;
  const out: Record<string, unknown> = { trace_id: s.trace_id, span_id: s.span_id };
  if (s.parent_span_id) out.parent_span_id = s.parent_span_id;
  if (s.name) out.name = s.name;
  if (s.start_time_unix_nano !== '0') out.start_time_unix_nano = new RawNumber(s.start_time_unix_nano);
  if (s.end_time_unix_nano && s.end_time_unix_nano !== '0') out.end_time_unix_nano = new RawNumber(s.end_time_unix_nano);
  out.attributes = keyValues(s.attributes);
  const events = s.events.map((e) => {
    const ev: Record<string, unknown> = {};
    if (e.time_unix_nano !== '0') ev.time_unix_nano = new RawNumber(e.time_unix_nano);
    if (e.name) ev.name = e.name;
    ev.attributes = keyValues(e.attributes);
    return ev;
  });
  if (events.length) out.events = events;
  out.status = status;
  return out;
}

/** A stored span in the views' TraceSpan shape (as traces.json holds it). */
export function spanToTraceSpan(s: StoredSpan): TraceSpan {
  const parse = (text: string): unknown => {
    try {
      return JSON.parse(text);
    } catch {
      return text;
    }
  };
  return {
    trace_id: s.trace_id,
    span_id: s.span_id,
    parent_span_id: s.parent_span_id,
    name: s.name,
    start_time_unix_nano: safeNumber(s.start_time_unix_nano),
    end_time_unix_nano: s.end_time_unix_nano === null ? null : safeNumber(s.end_time_unix_nano),
    status: { code: s.status.code, message: s.status.message },
    attributes: { ...s.attributes },
    events: s.events.map((e) => ({
      name: e.name,
      time_unix_nano: safeNumber(e.time_unix_nano),
      attributes: Object.fromEntries(Object.entries(e.attributes).map(([k, v]) => [k, parse(v)])),
    })),
  };
}

/** Nanoseconds as a number (what JSON.parse of traces.json gives); the views only need microsecond precision. */
function safeNumber(text: string): number {
  return Number(text);
}
