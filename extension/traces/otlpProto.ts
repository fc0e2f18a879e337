// A small decoder for OTLP/HTTP's ExportTraceServiceRequest (opentelemetry/proto/collector/trace/v1), the body
// MLflow 3 clients POST to /v1/traces. Only the fields MLflow reads are kept; every other field (known or
// not), and a known field sent with another wire type, is skipped by its wire type, as protobuf parsers do. Malformed input throws OtlpDecodeError, which the
// route turns into a 400: never an uncaught error.

export class OtlpDecodeError extends Error {}

/** OTLP's AnyValue: which member of its oneof is set (none: `undefined`). */
export type OtlpValue =
  | { string: string }
  | { bool: boolean }
  | { int: bigint }
  | { double: number }
  | { bytes: Uint8Array }
  | { array: (OtlpValue | undefined)[] }
  | { kvlist: OtlpAttribute[] };

export interface OtlpAttribute {
  key: string;
  value: OtlpValue | undefined;
}

export interface OtlpEvent {
  name: string;
  timeUnixNano: bigint;
  attributes: OtlpAttribute[];
}

export interface OtlpSpan {
  traceId: Uint8Array;
  spanId: Uint8Array;
  parentSpanId: Uint8Array;
  name: string;
  kind: number;
  startTimeUnixNano: bigint;
  endTimeUnixNano: bigint;
  attributes: OtlpAttribute[];
  events: OtlpEvent[];
  /** 0 unset, 1 ok, 2 error (other values are kept as sent). */
  statusCode: number;
  statusMessage: string;
}

const WIRE_VARINT = 0;
const WIRE_FIXED64 = 1;
const WIRE_LEN = 2;
const WIRE_FIXED32 = 5;
/** Nesting deeper than this (AnyValue inside AnyValue …) is refused rather than recursed into. */
const MAX_DEPTH = 64;
const utf8 = new TextDecoder('utf-8', { fatal: true });

class Reader {
  pos: number;
  constructor(
    readonly buf: Uint8Array,
    start = 0,
    readonly end = buf.length,
  ) {
    this.pos = start;
  }

  get done(): boolean {
    return this.pos >= this.end;
  }

  varint(): bigint {
    let result = 0n;
    let shift = 0n;
    for (let i = 0; i < 10; i++) {
      if (this.pos >= this.end) throw new OtlpDecodeError('truncated varint');
      const b = this.buf[this.pos++];
      result |= BigInt(b & 0x7f) << shift;
      if ((b & 0x80) === 0) return BigInt.asUintN(64, result);
      shift += 7n;
    }
    throw new OtlpDecodeError('varint longer than 10 bytes');
  }

  /** A varint that must fit a JS number (tags, lengths, enums). */
  small(): number {
    const v = this.varint();
    if (v > BigInt(Number.MAX_SAFE_INTEGER)) throw new OtlpDecodeError('varint out of range');
    return Number(v);
  }

  fixed64(): bigint {
    if (this.end - this.pos < 8) throw new OtlpDecodeError('truncated fixed64');
    const v = new DataView(this.buf.buffer, this.buf.byteOffset + this.pos, 8).getBigUint64(0, true);
    this.pos += 8;
    return v;
  }

  double(): number {
    if (this.end - this.pos < 8) throw new OtlpDecodeError('truncated double');
    const v = new DataView(this.buf.buffer, this.buf.byteOffset + this.pos, 8).getFloat64(0, true);
    this.pos += 8;
    return v;
  }

  /** A length-delimited field: the reader over its bytes (the outer reader moves past them). */
  sub(): Reader {
    const len = this.small();
    if (len > this.end - this.pos) throw new OtlpDecodeError('length-delimited field runs past the end');
    const r = new Reader(this.buf, this.pos, this.pos + len);
    this.pos += len;
    return r;
  }

  bytes(): Uint8Array {
    const r = this.sub();
    return this.buf.slice(r.pos, r.end);
  }

  string(): string {
    const r = this.sub();
    try {
      return utf8.decode(this.buf.subarray(r.pos, r.end));
    } catch {
      throw new OtlpDecodeError('string field is not valid UTF-8');
    }
  }

  /** The next field's number and wire type. */
  tag(): [number, number] {
    const t = this.small();
    const field = Math.floor(t / 8);
    if (field === 0) throw new OtlpDecodeError('field number 0');
    return [field, t & 7];
  }

  skip(wire: number): void {
    switch (wire) {
      case WIRE_VARINT:
        this.varint();
        return;
      case WIRE_FIXED64:
        this.need(8);
        return;
      case WIRE_LEN:
        this.sub();
        return;
      case WIRE_FIXED32:
        this.need(4);
        return;
      default:
        // groups (3, 4) are not used by OTLP; 6 and 7 do not exist
        throw new OtlpDecodeError(`unsupported wire type ${wire}`);
    }
  }

  private need(n: number): void {
    if (this.end - this.pos < n) throw new OtlpDecodeError('truncated fixed field');
    this.pos += n;
  }
}

/** Reads each field of a message: `on` consumes the fields it knows and answers true; the rest are skipped. */
function fields(r: Reader, on: (field: number, wire: number) => boolean): void {
  while (!r.done) {
    const [field, wire] = r.tag();
    if (!on(field, wire)) r.skip(wire);
  }
}

function anyValue(r: Reader, depth: number): OtlpValue | undefined {
  if (depth > MAX_DEPTH) throw new OtlpDecodeError('values nested too deeply');
  let v: OtlpValue | undefined;
  fields(r, (field, wire) => {
    switch (field) {
      case 1:
        if (wire !== WIRE_LEN) return false;
        v = { string: r.string() };
        return true;
      case 2:
        if (wire !== WIRE_VARINT) return false;
        v = { bool: r.varint() !== 0n };
        return true;
      case 3:
        if (wire !== WIRE_VARINT) return false;
        v = { int: BigInt.asIntN(64, r.varint()) };
        return true;
      case 4:
        if (wire !== WIRE_FIXED64) return false;
        v = { double: r.double() };
        return true;
      case 5: {
        if (wire !== WIRE_LEN) return false;
        const items: (OtlpValue | undefined)[] = [];
        const sub = r.sub();
        fields(sub, (f, w) => {
          if (f !== 1) return false;
          if (w !== WIRE_LEN) return false;
          items.push(anyValue(sub.sub(), depth + 1));
          return true;
        });
        v = { array: items };
        return true;
      }
      case 6: {
        if (wire !== WIRE_LEN) return false;
        const kvs: OtlpAttribute[] = [];
        const sub = r.sub();
        fields(sub, (f, w) => {
          if (f !== 1) return false;
          if (w !== WIRE_LEN) return false;
          kvs.push(keyValue(sub.sub(), depth + 1));
          return true;
        });
        v = { kvlist: kvs };
        return true;
      }
      case 7:
        if (wire !== WIRE_LEN) return false;
        v = { bytes: r.bytes() };
        return true;
      default:
        return false;
    }
  });
  return v;
}

function keyValue(r: Reader, depth = 0): OtlpAttribute {
  const kv: OtlpAttribute = { key: '', value: undefined };
  fields(r, (field, wire) => {
    if (field === 1) {
      if (wire !== WIRE_LEN) return false;
      kv.key = r.string();
      return true;
    }
    if (field === 2) {
      if (wire !== WIRE_LEN) return false;
      kv.value = anyValue(r.sub(), depth + 1);
      return true;
    }
    return false;
  });
  return kv;
}

function event(r: Reader): OtlpEvent {
  const e: OtlpEvent = { name: '', timeUnixNano: 0n, attributes: [] };
  fields(r, (field, wire) => {
    switch (field) {
      case 1:
        if (wire !== WIRE_FIXED64) return false;
        e.timeUnixNano = r.fixed64();
        return true;
      case 2:
        if (wire !== WIRE_LEN) return false;
        e.name = r.string();
        return true;
      case 3:
        if (wire !== WIRE_LEN) return false;
        e.attributes.push(keyValue(r.sub()));
        return true;
      default:
        return false;
    }
  });
  return e;
}

function span(r: Reader): OtlpSpan {
  const empty = new Uint8Array(0);
  const s: OtlpSpan = {
    traceId: empty, spanId: empty, parentSpanId: empty, name: '', kind: 0,
    startTimeUnixNano: 0n, endTimeUnixNano: 0n, attributes: [], events: [], statusCode: 0, statusMessage: '',
  };
  fields(r, (field, wire) => {
    switch (field) {
      case 1:
        if (wire !== WIRE_LEN) return false;
        s.traceId = r.bytes();
        return true;
      case 2:
        if (wire !== WIRE_LEN) return false;
        s.spanId = r.bytes();
        return true;
      case 4:
        if (wire !== WIRE_LEN) return false;
        s.parentSpanId = r.bytes();
        return true;
      case 5:
        if (wire !== WIRE_LEN) return false;
        s.name = r.string();
        return true;
      case 6:
        if (wire !== WIRE_VARINT) return false;
        s.kind = Number(BigInt.asIntN(32, r.varint()));
        return true;
      case 7:
        if (wire !== WIRE_FIXED64) return false;
        s.startTimeUnixNano = r.fixed64();
        return true;
      case 8:
        if (wire !== WIRE_FIXED64) return false;
        s.endTimeUnixNano = r.fixed64();
        return true;
      case 9:
        if (wire !== WIRE_LEN) return false;
        s.attributes.push(keyValue(r.sub()));
        return true;
      case 11:
        if (wire !== WIRE_LEN) return false;
        s.events.push(event(r.sub()));
        return true;
      case 15: {
        if (wire !== WIRE_LEN) return false;
        const st = r.sub();
        fields(st, (f, w) => {
          if (f === 2) {
            if (w !== WIRE_LEN) return false;
            s.statusMessage = st.string();
            return true;
          }
          if (f === 3) {
            if (w !== WIRE_VARINT) return false;
            s.statusCode = Number(BigInt.asIntN(32, st.varint()));
            return true;
          }
          return false;
        });
        return true;
      }
      default:
        return false;
    }
  });
  return s;
}

/** A span with the attributes of the resource that sent it. */
export interface OtlpResourceSpan {
  resourceAttributes: OtlpAttribute[];
  span: OtlpSpan;
}

/**
 * ExportTraceServiceRequest's spans one at a time, so that a caller can give the event loop a turn between
 * them on a large body. A resource's attributes come with each of its spans wherever they sit in the message.
 */
export function* exportTraceRequestSpans(body: Uint8Array): Generator<OtlpResourceSpan> {
  const top = new Reader(body);
  while (!top.done) {
    const [field, wire] = top.tag();
    if (field !== 1 || wire !== WIRE_LEN) {
      top.skip(wire);
      continue;
    }
    const rs = top.sub();
    const resourceAttributes: OtlpAttribute[] = [];
    // First pass: the resource (its attributes); the scope spans are only stepped over.
    const scopes: Reader[] = [];
    while (!rs.done) {
      const [f, w] = rs.tag();
      if (f === 1 && w === WIRE_LEN) {
        const res = rs.sub();
        fields(res, (rf, rw) => {
          if (rf !== 1 || rw !== WIRE_LEN) return false;
          resourceAttributes.push(keyValue(res.sub()));
          return true;
        });
      } else if (f === 2 && w === WIRE_LEN) scopes.push(rs.sub());
      else rs.skip(w);
    }
    for (const ss of scopes) {
      while (!ss.done) {
        const [sf, sw] = ss.tag();
        if (sf === 2 && sw === WIRE_LEN) yield { resourceAttributes, span: span(ss.sub()) };
        else ss.skip(sw);
      }
    }
  }
}

/** Whether the request holds at least one ResourceSpans (MLflow refuses a request without). */
export function hasResourceSpans(body: Uint8Array): boolean {
  const top = new Reader(body);
  while (!top.done) {
    const [field, wire] = top.tag();
    if (field === 1 && wire === WIRE_LEN) return true;
    top.skip(wire);
  }
  return false;
}

/** ExportTraceServiceRequest → its spans, all at once. */
export function decodeExportTraceRequest(body: Uint8Array): OtlpResourceSpan[] {
  return [...exportTraceRequestSpans(body)];
}
