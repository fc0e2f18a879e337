// Where a trace's spans live and what they look like on the wire, as MLflow 3's client reads them. Pure.
// Spans arrive in two shapes: the `traces.json` artifact (attributes as a map of JSON texts) and traces/get's
// OTLP JSON (attributes as a list of {key, value: AnyValue}). Both become TraceSpan, attributes as JSON texts.
import type { TraceInfo, TraceSpan } from '../tracking/rest/types';

export const SPANS_LOCATION_TAG = 'mlflow.trace.spansLocation';
export const TRACE_ARTIFACT_LOCATION_TAG = 'mlflow.artifactLocation';
export const TRACE_NAME_TAG = 'mlflow.traceName';
export const TRACE_DATA_FILE = 'traces.json';

/** MLflow's client asks traces/get only when the tag says the tracking store holds the spans. */
export function spansInTrackingStore(info: TraceInfo): boolean {
  return info.tags?.[SPANS_LOCATION_TAG] === 'TRACKING_STORE';
}

/**
 * The artifact-proxy path (`api/2.0/mlflow-artifacts/artifacts/…`) of a file under an `mlflow-artifacts:` root,
 * or undefined for roots a REST client cannot read (file:, s3:, …). Segments are URL-encoded, `..` refused.
 */
export function proxiedArtifactPath(root: string | undefined, file: string): string | undefined {
  if (!root) return undefined;
  const m = /^mlflow-artifacts:(?:\/\/[^/]*)?\/*(.*)$/.exec(root);
  if (!m) return undefined;
  const segments = [...m[1].split('/'), ...file.split('/')].filter((s) => s !== '' && s !== '.');
  if (segments.some((s) => s === '..')) return undefined;
  return `api/2.0/mlflow-artifacts/artifacts/${segments.map(encodeURIComponent).join('/')}`;
}

/** The proxy's `path` query value for listing under an `mlflow-artifacts:` root (no leading slash). */
export function proxiedArtifactDir(root: string | undefined, dir: string | undefined): string | undefined {
  if (!root) return undefined;
  const m = /^mlflow-artifacts:(?:\/\/[^/]*)?\/*(.*)$/.exec(root);
  if (!m) return undefined;
  const segments = [...m[1].split('/'), ...(dir ?? '').split('/')].filter((s) => s !== '' && s !== '.');
  if (segments.some((s) => s === '..')) return undefined;
  return segments.join('/');
}

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };

/** An OTLP AnyValue in protobuf JSON → a plain value (int64 may come as a string). */
export function anyValue(v: unknown): Json {
  if (!v || typeof v !== 'object') return null;
  const o = v as Record<string, unknown>;
  if ('string_value' in o) return String(o.string_value);
  if ('bool_value' in o) return Boolean(o.bool_value);
  if ('int_value' in o) {
    const n = Number(o.int_value);
    return Number.isSafeInteger(n) ? n : String(o.int_value);
  }
  if ('double_value' in o) return typeof o.double_value === 'number' ? o.double_value : Number(o.double_value);
  if ('bytes_value' in o) return String(o.bytes_value);
  if ('array_value' in o) {
    const values = (o.array_value as { values?: unknown[] } | undefined)?.values ?? [];
    return values.map(anyValue);
  }
  if ('kvlist_value' in o) {
    const values = (o.kvlist_value as { values?: { key: string; value: unknown }[] } | undefined)?.values ?? [];
    const out: Record<string, Json> = {};
    for (const kv of values) out[kv.key] = anyValue(kv.value);
    return out;
  }
  return null;
}

function isKeyValueList(x: unknown): x is { key: string; value: unknown }[] {
  return Array.isArray(x);
}

/** One span from either wire shape. Ids stay as given (opaque: only parent links are compared). */
export function normaliseSpan(raw: unknown): TraceSpan {
  const s = (raw ?? {}) as Record<string, unknown>;
  const attributes: Record<string, string> = {};
  if (isKeyValueList(s.attributes)) {
    // OTLP: decoded then dumped as JSON, the way MLflow's Span.from_otel_proto keeps span attributes.
    for (const kv of s.attributes) if (kv && typeof kv.key === 'string') attributes[kv.key] = JSON.stringify(anyValue(kv.value));
  } else if (s.attributes && typeof s.attributes === 'object') {
    for (const [k, v] of Object.entries(s.attributes as Record<string, unknown>)) attributes[k] = typeof v === 'string' ? v : JSON.stringify(v);
  }
  const events = Array.isArray(s.events)
    ? (s.events as Record<string, unknown>[]).map((e) => {
        let attrs: Record<string, unknown> = {};
        if (isKeyValueList(e.attributes)) for (const kv of e.attributes) attrs[kv.key] = anyValue(kv.value);
        else if (e.attributes && typeof e.attributes === 'object') attrs = e.attributes as Record<string, unknown>;
        return { name: String(e.name ?? ''), time_unix_nano: (e.time_unix_nano as number | string) ?? 0, attributes: attrs };
      })
    : [];
  const status = s.status as { code?: unknown; message?: unknown } | undefined;
  const parent = s.parent_span_id;
  return {
    trace_id: String(s.trace_id ?? ''),
    span_id: String(s.span_id ?? ''),
    parent_span_id: typeof parent === 'string' && parent !== '' ? parent : null,
    name: String(s.name ?? ''),
    start_time_unix_nano: (s.start_time_unix_nano as number | string) ?? 0,
    end_time_unix_nano: (s.end_time_unix_nano as number | string | null) ?? null,
    status: { code: String(status?.code ?? 'STATUS_CODE_UNSET'), message: typeof status?.message === 'string' ? status.message : '' },
    attributes,
    events,
  };
}

export function normaliseSpans(raw: unknown): TraceSpan[] {
  return Array.isArray(raw) ? raw.map(normaliseSpan) : [];
}
