// What the trace tab shows, as plain data: the trace's info and its spans as a tree (parent links, children in
// start order), each with its offset and duration against the whole trace (the timing bar), status, exception
// events, inputs/outputs and other attributes as pretty JSON. Pure: shared by the host, the webview and tests.
import type { TraceInfo, TraceSpan, TraceState } from '../tracking/rest/types';
import { TRACE_NAME_TAG } from '../client/traceSpans';

export const SPAN_TYPE = 'mlflow.spanType';
export const SPAN_INPUTS = 'mlflow.spanInputs';
export const SPAN_OUTPUTS = 'mlflow.spanOutputs';
/** Attributes shown elsewhere (type, inputs, outputs) or that only repeat the trace id. */
const SHOWN_APART = new Set([SPAN_TYPE, SPAN_INPUTS, SPAN_OUTPUTS, 'mlflow.traceRequestId']);

export type SpanStatus = 'OK' | 'ERROR' | 'UNSET';

export interface SpanException {
  type: string;
  message: string;
  stacktrace: string;
}

export interface SpanEvent {
  name: string;
  offsetMs: number;
  attributes: string;
}

export interface SpanRow {
  id: string;
  parentId?: string;
  depth: number;
  childCount: number;
  name: string;
  type?: string;
  /** Milliseconds from the trace's first span start. */
  startMs: number;
  /** Undefined while the span has not ended. */
  durationMs?: number;
  /** The timing bar: left edge and width as fractions (0…1) of the whole trace. */
  barLeft: number;
  barWidth: number;
  status: SpanStatus;
  statusMessage?: string;
  exceptions: SpanException[];
  events: SpanEvent[];
  inputs?: string;
  outputs?: string;
  attributes: { key: string; value: string }[];
}

export interface TraceInfoView {
  traceId: string;
  name: string;
  state: TraceState;
  experimentId?: string;
  requestTime?: string;
  durationMs?: number;
  requestPreview?: string;
  responsePreview?: string;
  metadata: { key: string; value: string }[];
  tags: { key: string; value: string }[];
}

export interface TraceViewModel {
  info: TraceInfoView;
  spans: SpanRow[];
  /** Why there are no spans to show, when there are none. */
  spansMissing?: string;
  totalMs: number;
}

/** A nanosecond time as JSON gives it (number, or a string for full int64 precision). */
export function nanos(v: number | string | null | undefined): bigint | undefined {
  if (v === null || v === undefined || v === '') return undefined;
  if (typeof v === 'string') return /^-?\d+$/.test(v.trim()) ? BigInt(v.trim()) : undefined;
  return Number.isFinite(v) ? BigInt(Math.round(v)) : undefined;
}

const nsToMs = (ns: bigint): number => Number(ns) / 1e6;

/** A protobuf Duration in JSON (`"0.003s"`, `"12s"`) in milliseconds. */
export function durationMs(text: string | undefined): number | undefined {
  const m = text ? /^(-?\d+(?:\.\d+)?)s$/.exec(text.trim()) : null;
  return m ? Number(m[1]) * 1000 : undefined;
}

/** An attribute's JSON text, pretty-printed; text that is not JSON is shown as it is. */
export function prettyJson(text: string | undefined): string | undefined {
  if (text === undefined) return undefined;
  try {
    const v: unknown = JSON.parse(text);
    return typeof v === 'string' ? v : JSON.stringify(v, null, 2);
  } catch {
    return text;
  }
}

export function spanStatus(code: string | undefined): SpanStatus {
  const c = (code ?? '').toUpperCase();
  if (c === 'OK' || c === 'STATUS_CODE_OK' || c === '1') return 'OK';
  if (c === 'ERROR' || c === 'STATUS_CODE_ERROR' || c === '2') return 'ERROR';
  return 'UNSET';
}

const str = (v: unknown): string => (typeof v === 'string' ? v : v === undefined || v === null ? '' : JSON.stringify(v));

/**
 * Spans in display order: depth first, children by start time. A span whose parent is not in the trace is a
 * root; a parent cycle (corrupt data) cannot loop: each span is placed once.
 */
export function buildSpanRows(spans: TraceSpan[]): { rows: SpanRow[]; totalMs: number } {
  const starts = spans.map((s) => nanos(s.start_time_unix_nano));
  const ends = spans.map((s) => nanos(s.end_time_unix_nano));
  const known = starts.filter((x): x is bigint => x !== undefined);
  const t0 = known.length ? known.reduce((a, b) => (b < a ? b : a)) : 0n;
  const lastEnd = [...ends, ...starts].filter((x): x is bigint => x !== undefined).reduce((a, b) => (b > a ? b : a), t0);
  const totalMs = nsToMs(lastEnd - t0);

  const ids = new Set(spans.map((s) => s.span_id));
  const children = new Map<string, number[]>();
  const roots: number[] = [];
  spans.forEach((s, i) => {
    const p = s.parent_span_id;
    if (p && p !== s.span_id && ids.has(p)) {
      const list = children.get(p) ?? [];
      list.push(i);
      children.set(p, list);
    } else roots.push(i);
  });
  const byStart = (a: number, b: number): number => {
    const x = starts[a] ?? t0;
    const y = starts[b] ?? t0;
    return x < y ? -1 : x > y ? 1 : a - b;
  };

  const rows: SpanRow[] = [];
  const placed = new Set<number>();
  const visit = (i: number, depth: number): void => {
    if (placed.has(i)) return;
    placed.add(i);
    const s = spans[i];
    const kids = (children.get(s.span_id) ?? []).filter((k) => !placed.has(k)).sort(byStart);
    rows.push(spanRow(s, depth, kids.length, starts[i], ends[i], t0, totalMs));
    for (const k of kids) visit(k, depth + 1);
  };
  for (const r of roots.sort(byStart)) visit(r, 0);
  // Whatever a cycle kept out of reach still shows, at the top level.
  spans.forEach((_, i) => visit(i, 0));
  return { rows, totalMs };
}

function spanRow(s: TraceSpan, depth: number, childCount: number, start: bigint | undefined, end: bigint | undefined, t0: bigint, totalMs: number): SpanRow {
  const startMs = start === undefined ? 0 : nsToMs(start - t0);
  const duration = start !== undefined && end !== undefined && end >= start ? nsToMs(end - start) : undefined;
  const attrs = s.attributes ?? {};
  const type = attrs[SPAN_TYPE] !== undefined ? prettyJson(attrs[SPAN_TYPE]) : undefined;
  const exceptions: SpanException[] = [];
  const events: SpanEvent[] = [];
  for (const e of s.events ?? []) {
    const a = e.attributes ?? {};
    if (e.name === 'exception') {
      exceptions.push({ type: str(a['exception.type']), message: str(a['exception.message']), stacktrace: str(a['exception.stacktrace']) });
    } else {
      const at = nanos(e.time_unix_nano);
      events.push({ name: e.name, offsetMs: at === undefined ? 0 : nsToMs(at - t0), attributes: JSON.stringify(a, null, 2) });
    }
  }
  const status = spanStatus(s.status?.code);
  const left = totalMs > 0 ? Math.min(1, Math.max(0, startMs / totalMs)) : 0;
  const width = totalMs > 0 ? Math.min(1 - left, Math.max(0, (duration ?? totalMs - startMs) / totalMs)) : 1;
  return {
    id: s.span_id,
    parentId: s.parent_span_id || undefined,
    depth,
    childCount,
    name: s.name,
    type: type || undefined,
    startMs,
    durationMs: duration,
    barLeft: left,
    barWidth: width,
    status,
    statusMessage: s.status?.message || undefined,
    exceptions,
    events,
    inputs: prettyJson(attrs[SPAN_INPUTS]),
    outputs: prettyJson(attrs[SPAN_OUTPUTS]),
    attributes: Object.keys(attrs)
      .filter((k) => !SHOWN_APART.has(k))
      .sort()
      .map((key) => ({ key, value: prettyJson(attrs[key]) ?? '' })),
  };
}

const sortedPairs = (r: Record<string, string> | undefined): { key: string; value: string }[] =>
  Object.entries(r ?? {})
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([key, value]) => ({ key, value }));

/** A trace's name: the tag MLflow sets, else its root span's name, else its id. */
export function traceName(info: TraceInfo, spans?: TraceSpan[]): string {
  return info.tags?.[TRACE_NAME_TAG] || spans?.find((s) => !s.parent_span_id)?.name || info.trace_id;
}

export function traceInfoView(info: TraceInfo, spans?: TraceSpan[]): TraceInfoView {
  return {
    traceId: info.trace_id,
    name: traceName(info, spans),
    state: info.state,
    experimentId: info.trace_location?.mlflow_experiment?.experiment_id,
    requestTime: info.request_time,
    durationMs: durationMs(info.execution_duration),
    requestPreview: info.request_preview,
    responsePreview: info.response_preview,
    metadata: sortedPairs(info.trace_metadata),
    tags: sortedPairs(info.tags),
  };
}

export function traceViewModel(info: TraceInfo, spans: TraceSpan[] | undefined): TraceViewModel {
  const { rows, totalMs } = buildSpanRows(spans ?? []);
  const view = traceInfoView(info, spans);
  return {
    info: view,
    spans: rows,
    spansMissing: spans === undefined ? 'The spans of this trace could not be read from this server.' : rows.length === 0 ? 'This trace has no spans.' : undefined,
    totalMs: rows.length ? totalMs : view.durationMs ?? 0,
  };
}

/** Milliseconds for people: `850 µs`, `12.3 ms`, `4.20 s`. */
export function formatMs(ms: number | undefined): string {
  if (ms === undefined || !Number.isFinite(ms)) return '—';
  if (ms < 1) return `${Math.round(ms * 1000)} µs`;
  if (ms < 1000) return `${ms < 10 ? ms.toFixed(2) : ms < 100 ? ms.toFixed(1) : Math.round(ms)} ms`;
  return `${(ms / 1000).toFixed(ms < 10_000 ? 2 : 1)} s`;
}
