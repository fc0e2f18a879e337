// Test support: hand-built OTLP protobuf (ExportTraceServiceRequest) bytes, field by field, so tests can also
// write unknown fields, wrong wire types and truncations that no real exporter sends.

export type Field = [number, 'varint', bigint | number] | [number, 'fixed64', bigint] | [number, 'double', number] | [number, 'fixed32', number] | [number, 'bytes', Uint8Array | string | Field[]];

function varint(v: bigint): number[] {
  let x = BigInt.asUintN(64, v);
  const out: number[] = [];
  do {
    let b = Number(x & 0x7fn);
    x >>= 7n;
    if (x) b |= 0x80;
    out.push(b);
  } while (x);
  return out;
}

export function encode(fields: Field[]): Buffer {
  const parts: Buffer[] = [];
  for (const [num, kind, value] of fields) {
    if (kind === 'varint') parts.push(Buffer.from([...varint(BigInt(num * 8)), ...varint(BigInt(value))]));
    else if (kind === 'fixed64' || kind === 'double') {
      const b = Buffer.alloc(8);
      if (kind === 'fixed64') b.writeBigUInt64LE(value as bigint);
      else b.writeDoubleLE(value as number);
      parts.push(Buffer.from(varint(BigInt(num * 8 + 1))), b);
    } else if (kind === 'fixed32') {
      const b = Buffer.alloc(4);
      b.writeUInt32LE(value as number);
      parts.push(Buffer.from(varint(BigInt(num * 8 + 5))), b);
    } else {
      const payload = typeof value === 'string' ? Buffer.from(value, 'utf8') : Array.isArray(value) ? encode(value) : Buffer.from(value as Uint8Array);
      parts.push(Buffer.from([...varint(BigInt(num * 8 + 2)), ...varint(BigInt(payload.length))]), payload);
    }
  }
  return Buffer.concat(parts);
}

// ---- OTLP messages -------------------------------------------------------------------------------------

export type Value = string | number | bigint | boolean | Uint8Array | Value[] | { [k: string]: Value } | null | { double: number };

export function anyValue(v: Value): Field[] {
  if (v === null) return [];
  if (typeof v === 'string') return [[1, 'bytes', v]];
  if (typeof v === 'boolean') return [[2, 'varint', v ? 1 : 0]];
  if (typeof v === 'bigint') return [[3, 'varint', v]];
  if (typeof v === 'number') return Number.isInteger(v) ? [[3, 'varint', BigInt(v)]] : [[4, 'double', v]];
  if (v instanceof Uint8Array) return [[7, 'bytes', v]];
  if (Array.isArray(v)) return [[5, 'bytes', v.map((x): Field => [1, 'bytes', anyValue(x)])]];
  if ('double' in v && typeof v.double === 'number') return [[4, 'double', v.double]];
  return [[6, 'bytes', Object.entries(v).map(([k, x]): Field => [1, 'bytes', keyValue(k, x)])]];
}

export function keyValue(key: string, v: Value): Field[] {
  return [[1, 'bytes', key], [2, 'bytes', anyValue(v)]];
}

export interface SpanSpec {
  traceId: Buffer;
  spanId: Buffer;
  parentSpanId?: Buffer;
  name: string;
  start: bigint;
  end?: bigint;
  attributes?: Record<string, Value>;
  events?: { name: string; time: bigint; attributes?: Record<string, Value> }[];
  status?: { code: number; message?: string };
  extra?: Field[];
}

export function spanFields(s: SpanSpec): Field[] {
  const f: Field[] = [[1, 'bytes', s.traceId], [2, 'bytes', s.spanId]];
  if (s.parentSpanId) f.push([4, 'bytes', s.parentSpanId]);
  f.push([5, 'bytes', s.name], [6, 'varint', 1], [7, 'fixed64', s.start]);
  if (s.end !== undefined) f.push([8, 'fixed64', s.end]);
  for (const [k, v] of Object.entries(s.attributes ?? {})) f.push([9, 'bytes', keyValue(k, v)]);
  for (const e of s.events ?? []) {
    f.push([11, 'bytes', [[1, 'fixed64', e.time], [2, 'bytes', e.name], ...Object.entries(e.attributes ?? {}).map(([k, v]): Field => [3, 'bytes', keyValue(k, v)])]]);
  }
  if (s.status) f.push([15, 'bytes', [...(s.status.message ? [[2, 'bytes', s.status.message] as Field] : []), [3, 'varint', s.status.code]]]);
  return [...f, ...(s.extra ?? [])];
}

/** One ResourceSpans with one ScopeSpans holding `spans`, as MLflow's client sends them. */
export function exportRequest(spans: SpanSpec[], resource: Record<string, Value> = {}): Buffer {
  return encode([
    [1, 'bytes', [
      [1, 'bytes', Object.entries(resource).map(([k, v]): Field => [1, 'bytes', keyValue(k, v)])],
      [2, 'bytes', [[1, 'bytes', [[1, 'bytes', 'mlflow']]], ...spans.map((s): Field => [2, 'bytes', spanFields(s)])]],
    ]],
  ]);
}

/** The OTel trace id behind an MLflow `tr-<32 hex>` id. */
export function otelTraceId(mlflowId: string): Buffer {
  return Buffer.from(mlflowId.slice(3), 'hex');
}
