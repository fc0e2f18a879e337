// MLflow 3's trace RPCs (/api/3.0/mlflow/traces…, /api/2.0/mlflow/traces…): field parsing per route, then one
// store call. Answers are MLflow's protobuf JSON (empty lists and unset fields left out).
import { invalidParameter, notFound } from '../tracking/errors';
import type { SearchTracesRequest, TraceLocation } from '../tracking/rest/types';
import type { TrackingStore } from '../tracking/store/trackingStore';
import type { ArtifactService } from '../tracking/server/artifactRoutes';
import type { Fields } from '../tracking/server/fields';
import type { PathRoute } from '../tracking/server/pathRoutes';
import { spansNotInStore, TraceStore } from './traceStore';

const V3 = '/api/3.0/mlflow/traces';

function required(f: Fields, name: string): never {
  void f;
  throw invalidParameter(`Missing value for required parameter '${name}'. See the API docs for more information about request parameters.`);
}

function requiredList(f: Fields, name: string): string[] {
  const raw = f.raw[name];
  if (raw === undefined || raw === null) required(f, name);
  if (!Array.isArray(raw) || raw.some((x) => typeof x !== 'string')) {
    throw invalidParameter(`Invalid value ${JSON.stringify(raw)} for parameter '${name}' supplied. Hint: Value was of type '${Array.isArray(raw) ? 'list' : typeof raw}'. See the API docs for more information about request parameters.`);
  }
  return raw as string[];
}

function optionalStringList(f: Fields, name: string): string[] | undefined {
  const raw = f.raw[name];
  if (raw === undefined || raw === null) return undefined;
  return requiredList(f, name);
}

function nonEmpty<T extends object>(o: T): Partial<T> {
  const out: Partial<T> = {};
  for (const [k, v] of Object.entries(o) as [keyof T, T[keyof T]][]) {
    if (v === undefined || (Array.isArray(v) && v.length === 0)) continue;
    out[k] = v;
  }
  return out;
}

/** The trace routes over a TraceStore; also lets the artifact proxy serve `<exp>/traces/<id>/…`. */
export function traceRoutes(store: TrackingStore, artifacts: ArtifactService, traces = new TraceStore(store)): PathRoute[] {
  artifacts.addOwner('traces', (experimentId, traceId) => traces.belongsTo(experimentId, traceId));

  const tagRoute = (path: string): PathRoute => ({
    path,
    methods: ['PATCH', 'DELETE'],
    handler: async (f, ctx) => {
      const id = f.required('trace_id');
      if (ctx.method === 'PATCH') await traces.setTag(id, f.required('key'), f.str('value'));
      else await traces.deleteTag(id, f.required('key'));
      return {};
    },
  });

  const deleteRoute = (path: string): PathRoute => ({
    path,
    methods: ['POST'],
    handler: async (f) => {
      const deleted = await traces.deleteTraces({
        experiment_id: f.required('experiment_id'),
        max_timestamp_millis: f.int('max_timestamp_millis'),
        max_traces: f.int('max_traces'),
        request_ids: optionalStringList(f, 'request_ids'),
      });
      return { traces_deleted: deleted };
    },
  });

  return [
    {
      // StartTraceV3: sent by the client once a trace has ended.
      path: V3,
      methods: ['POST'],
      handler: async (f) => {
        const trace = f.raw.trace as { trace_info?: unknown } | undefined;
        if (trace === undefined || trace === null) required(f, 'trace');
        if (typeof trace !== 'object' || Array.isArray(trace)) throw invalidParameter(`Invalid value ${JSON.stringify(trace)} for parameter 'trace' supplied.`);
        return { trace: { trace_info: await traces.startTrace(trace.trace_info) } };
      },
    },
    {
      path: `${V3}/{trace_id}`,
      methods: ['GET'],
      handler: (f) => ({ trace: { trace_info: traces.getTraceInfo(f.required('trace_id')) } }),
    },
    {
      // GetTrace and BatchGetTraces serve spans kept in the database. Ours never are (traceStore.ts): MLflow's SQL
      // server refuses such a trace (clients read its spans from the artifact instead), and so do we.
      path: `${V3}/get`,
      methods: ['GET'],
      handler: (f) => {
        const id = f.required('trace_id');
        f.bool('allow_partial');
        if (traces.batchGetTraceInfos([id]).length === 0) throw notFound(`Trace with ID ${id} is not found.`);
        throw spansNotInStore();
      },
    },
    {
      path: `${V3}/batchGet`,
      methods: ['GET'],
      handler: (f) => {
        if (traces.batchGetTraceInfos(requiredList(f, 'trace_ids')).length > 0) throw spansNotInStore();
        return {};
      },
    },
    {
      path: `${V3}/batchGetInfos`,
      methods: ['POST'],
      handler: (f) => nonEmpty({ trace_infos: traces.batchGetTraceInfos(requiredList(f, 'trace_ids')) }),
    },
    {
      path: `${V3}/search`,
      methods: ['POST'],
      handler: (f) => {
        const locations = f.raw.locations;
        if (locations === undefined || locations === null || (Array.isArray(locations) && locations.length === 0)) required(f, 'locations');
        if (!Array.isArray(locations)) throw invalidParameter(`Invalid value ${JSON.stringify(locations)} for parameter 'locations' supplied. Hint: Value was of type '${typeof locations}'. See the API docs for more information about request parameters.`);
        const maxResults = f.int('max_results');
        if (maxResults !== undefined && maxResults > 500) {
          throw invalidParameter(`Invalid value ${maxResults} for parameter 'max_results' supplied:  Hint: Value was of type 'int'. See the API docs for more information about request parameters.`);
        }
        const req: SearchTracesRequest = {
          locations: locations as TraceLocation[],
          filter: f.str('filter'),
          order_by: optionalStringList(f, 'order_by'),
          max_results: maxResults,
          page_token: f.str('page_token') || undefined,
        };
        return nonEmpty(traces.searchTraces(req));
      },
    },
    deleteRoute('/api/2.0/mlflow/traces/delete-traces'),
    deleteRoute(`${V3}/delete-traces`),
    tagRoute('/api/2.0/mlflow/traces/{trace_id}/tags'),
    tagRoute(`${V3}/{trace_id}/tags`),
  ];
}
