// POST /v1/traces: OTLP/HTTP span export, as MLflow's server answers it (mlflow/server/otel_api.py, a FastAPI
// route): the experiment id in the `x-mlflow-experiment-id` header, a protobuf ExportTraceServiceRequest body
// (gzip or deflate allowed), an empty protobuf ExportTraceServiceResponse on success; FastAPI's
// `{"detail": …}` errors for a bad request, MLflow's error JSON when the store refuses. The body is read with
// a size limit and decoded a span at a time, giving the event loop a turn every few milliseconds.
import type { IncomingMessage } from 'node:http';
import { gunzip, inflate, inflateRaw } from 'node:zlib';
import { promisify } from 'node:util';
import { MlflowError } from '../tracking/errors';
import type { Reply } from '../tracking/server/trackingRoutes';
import { readLimitedBody } from '../tracking/server/requestBody';
import { exportTraceRequestSpans, hasResourceSpans, OtlpDecodeError, type OtlpAttribute } from './otlpProto';
import { spanFromOtlp, type SpanRecord } from './spans';
import type { TraceStore } from './traceStore';

export const OTLP_TRACES_PATH = '/v1/traces';
export const EXPERIMENT_ID_HEADER = 'x-mlflow-experiment-id';
/** Compressed or not: a larger export is refused (413) before it is buffered or inflated. */
export const OTLP_MAX_BODY_BYTES = 256 * 1024 * 1024;
/** MLflow puts a resource's `service.name` on root spans only for these clients. */
const KNOWN_SERVICE_NAMES = new Set(['claude-code', 'codex_cli_rs', 'codex_vscode', 'gemini-cli', 'qwen-code']);
const SLICE_MS = 8;

const gunzipAsync = promisify(gunzip);
const inflateAsync = promisify(inflate);
const inflateRawAsync = promisify(inflateRaw);

/** A reply that is not MLflow's JSON: status, content type and bytes as given. */
export interface RawResponse {
  rawResponse: { status: number; contentType: string; body: Buffer };
}

function detail(status: number, message: unknown): RawResponse {
  return { rawResponse: { status, contentType: 'application/json', body: Buffer.from(JSON.stringify({ detail: message })) } };
}

class TooLarge extends Error {}


/** Content-Encoding as MLflow's decompress_otlp_body handles it (inflated off the event loop, bounded). */
async function decompress(body: Buffer, encoding: string): Promise<Buffer | RawResponse> {
  const opts = { maxOutputLength: OTLP_MAX_BODY_BYTES };
  if (encoding === 'gzip') {
    try {
      return await gunzipAsync(body, opts);
    } catch (err) {
      if ((err as { code?: string }).code === 'ERR_BUFFER_TOO_LARGE') return detail(413, `The decompressed body exceeds ${OTLP_MAX_BODY_BYTES} bytes.`);
      return detail(400, 'Failed to decompress gzip payload');
    }
  }
  if (encoding === 'deflate') {
    for (const fn of [inflateAsync, inflateRawAsync]) {
      try {
        return await fn(body, opts);
      } catch (err) {
        if ((err as { code?: string }).code === 'ERR_BUFFER_TOO_LARGE') return detail(413, `The decompressed body exceeds ${OTLP_MAX_BODY_BYTES} bytes.`);
      }
    }
    return detail(400, 'Failed to decompress deflate payload');
  }
  return detail(400, `Unsupported Content-Encoding: ${encoding}`);
}

function serviceNameOf(attrs: readonly OtlpAttribute[]): string | undefined {
  const kv = attrs.find((a) => a.key === 'service.name');
  const v = kv?.value;
  if (!v) return undefined;
  const text = 'string' in v ? v.string : 'int' in v ? v.int.toString() : 'bool' in v ? (v.bool ? 'True' : 'False') : undefined;
  return text !== undefined && KNOWN_SERVICE_NAMES.has(text) ? text : undefined;
}

const turn = (): Promise<void> => new Promise((r) => setImmediate(r));

export async function exportTraces(req: IncomingMessage, traces: TraceStore): Promise<Reply> {
  const experimentId = req.headers[EXPERIMENT_ID_HEADER];
  if (typeof experimentId !== 'string') {
    req.resume();
    // FastAPI's validation error for a missing required header
    return detail(422, [{ type: 'missing', loc: ['header', EXPERIMENT_ID_HEADER], msg: 'Field required', input: null }]);
  }
  const contentType = req.headers['content-type'];
  const mediaType = contentType ? contentType.split(';')[0].trim() : undefined;
  if (mediaType !== 'application/x-protobuf') {
    req.resume();
    // MLflow also takes OTLP JSON (application/json); we do not (yet): such a body gets this clear 400 too.
    return detail(400, `Invalid Content-Type: ${contentType ?? 'None'}. Expected: application/x-protobuf${mediaType === 'application/json' ? ' (OTLP JSON is not supported by this server)' : ' or application/json'}`);
  }
  let body: Buffer;
  try {
    body = await readLimitedBody(req, OTLP_MAX_BODY_BYTES, () => new TooLarge());
  } catch (err) {
    if (err instanceof TooLarge) return detail(413, `Request body exceeds the limit of ${OTLP_MAX_BODY_BYTES} bytes.`);
    throw err;
  }
  const encoding = req.headers['content-encoding'];
  if (encoding) {
    const inflated = await decompress(body, encoding.toLowerCase());
    if (!Buffer.isBuffer(inflated)) return inflated;
    body = inflated;
  }

  const records: SpanRecord[] = [];
  let convertible = true;
  try {
    let slice = performance.now();
    for (const { resourceAttributes, span } of exportTraceRequestSpans(body)) {
      // As MLflow: the whole body is parsed before any span is converted, so garbage anywhere is a 400 first.
      if (convertible) {
        try {
          records.push(spanFromOtlp(span, span.parentSpanId.some((b) => b !== 0) ? undefined : serviceNameOf(resourceAttributes)));
        } catch {
          convertible = false;
        }
      }
      if (performance.now() - slice > SLICE_MS) {
        await turn();
        slice = performance.now();
      }
    }
  } catch (err) {
    if (err instanceof OtlpDecodeError) return detail(400, 'Invalid OpenTelemetry format');
    throw err;
  }
  if (!hasResourceSpans(body)) return detail(400, 'Invalid OpenTelemetry format - no spans found');
  if (!convertible) return detail(422, 'Cannot convert OpenTelemetry span to MLflow span');

  if (records.length) {
    try {
      await traces.logSpans(experimentId, records);
    } catch (err) {
      if (err instanceof MlflowError) {
        return { rawResponse: { status: err.httpStatus, contentType: 'application/json', body: Buffer.from(JSON.stringify(err.toJSON())) } };
      }
      return detail(422, 'Failed to log OpenTelemetry spans');
    }
  }
  return { rawResponse: { status: 200, contentType: 'application/x-protobuf', body: Buffer.alloc(0) } };
}
