// The tracking RPCs of /api/2.0/mlflow/ (reference §2.3): field parsing per route, then one store call.
import { invalidParameter } from '../errors';
import type { DatasetInput, KeyValue, MetricInput, RunStatus } from '../rest/types';
import { RUN_STATUSES, VIEW_TYPES } from '../rest/types';
import type { JsonSlices } from '../store/metricHistory';
import type { TrackingStore } from '../store/trackingStore';
import { Fields, toDouble, toInt } from './fields';
import { metricsJson } from '../rest/json';

/**
 * A route's answer: an object to serialise, JSON text, or JSON bytes in slices, sent as they are made (a slice
 * may be overwritten by the next: the server takes the next only once the last has left).
 */
export type Reply = object | { rawJson: string } | { rawJsonSlices: JsonSlices };
export type Handler = (f: Fields) => Reply | Promise<Reply>;
export interface Route {
  methods: readonly string[];
  handler: Handler;
}

const GET = ['GET'] as const;
const POST = ['POST'] as const;

function runIdOf(f: Fields): string {
  // run_id wins; the Python client sends both, older ones only run_uuid.
  const id = f.str('run_id') || f.str('run_uuid');
  if (!id) throw invalidParameter("Missing value for required parameter 'run_id'. See the API docs for more information about request parameters.");
  return id;
}

function metricOf(raw: unknown, index: number): MetricInput {
  if (typeof raw !== 'object' || raw === null) throw invalidParameter(`Invalid value for metrics[${index}]: expected an object.`);
  const m = raw as Record<string, unknown>;
  return {
    key: m.key as string,
    value: toDouble('value', m.value) as number,
    timestamp: toInt('timestamp', m.timestamp) as number,
    step: toInt('step', m.step),
    ...modelFields(m),
  };
}

/** MLflow 3's model_id, dataset_name and dataset_digest of a metric, when given as strings. */
function modelFields(m: Record<string, unknown>): Pick<MetricInput, 'model_id' | 'dataset_name' | 'dataset_digest'> {
  const out: Pick<MetricInput, 'model_id' | 'dataset_name' | 'dataset_digest'> = {};
  for (const k of ['model_id', 'dataset_name', 'dataset_digest'] as const) {
    const v = m[k];
    if (v === undefined || v === null || v === '') continue;
    if (typeof v !== 'string') throw invalidParameter(`Invalid value ${JSON.stringify(v)} for parameter '${k}' supplied: expected a string.`);
    out[k] = v;
  }
  return out;
}

function pairsOf(raw: unknown[] | undefined, name: string): KeyValue[] {
  return (raw ?? []).map((p, i) => {
    if (typeof p !== 'object' || p === null) throw invalidParameter(`Invalid value for ${name}[${i}]: expected an object with key and value.`);
    const { key, value } = p as Record<string, unknown>;
    return { key: key as string, value: value === undefined || value === null ? '' : String(value) };
  });
}

export function trackingRoutes(store: TrackingStore): Map<string, Route> {
  const routes = new Map<string, Route>();
  const add = (path: string, methods: readonly string[], handler: Handler): void => {
    routes.set(path, { methods, handler });
  };

  // ---- experiments
  add('experiments/create', POST, async (f) => ({
    experiment_id: await store.createExperiment(f.required('name'), f.str('artifact_location'), pairsOf(f.list('tags'), 'tags')),
  }));
  add('experiments/get', GET, (f) => ({ experiment: store.getExperiment(f.required('experiment_id')) }));
  add('experiments/get-by-name', GET, (f) => ({ experiment: store.getExperimentByName(f.required('experiment_name')) }));
  const searchExperiments: Handler = (f) =>
    store.searchExperiments({
      max_results: f.int('max_results'),
      page_token: f.str('page_token'),
      filter: f.str('filter'),
      order_by: f.strList('order_by'),
      view_type: f.enumValue('view_type', VIEW_TYPES),
    });
  add('experiments/search', ['GET', 'POST'], searchExperiments);
  add('experiments/update', POST, async (f) => {
    await store.renameExperiment(f.required('experiment_id'), f.required('new_name'));
    return {};
  });
  add('experiments/delete', POST, async (f) => {
    await store.deleteExperiment(f.required('experiment_id'));
    return {};
  });
  add('experiments/restore', POST, async (f) => {
    await store.restoreExperiment(f.required('experiment_id'));
    return {};
  });
  add('experiments/set-experiment-tag', POST, async (f) => {
    await store.setExperimentTag(f.required('experiment_id'), f.required('key'), f.str('value') ?? '');
    return {};
  });
  add('experiments/delete-experiment-tag', POST, async (f) => {
    await store.deleteExperimentTag(f.required('experiment_id'), f.required('key'));
    return {};
  });

  // ---- runs
  add('runs/create', POST, async (f) => ({
    run: await store.createRun({
      experiment_id: f.str('experiment_id'),
      user_id: f.str('user_id'),
      run_name: f.str('run_name'),
      start_time: f.int('start_time'),
      tags: pairsOf(f.list('tags'), 'tags'),
    }),
  }));
  add('runs/get', GET, (f) => ({ run: store.getRun(runIdOf(f)) }));
  add('runs/update', POST, async (f) => ({
    run_info: await store.updateRun({
      run_id: runIdOf(f),
      status: f.enumValue<RunStatus>('status', RUN_STATUSES),
      end_time: f.int('end_time'),
      run_name: f.str('run_name'),
    }),
  }));
  add('runs/delete', POST, async (f) => {
    await store.deleteRun(f.required('run_id'));
    return {};
  });
  add('runs/restore', POST, async (f) => {
    await store.restoreRun(f.required('run_id'));
    return {};
  });
  add('runs/log-metric', POST, async (f) => {
    const key = f.required('key');
    if (!f.has('value')) throw invalidParameter("Missing value for required parameter 'value'.");
    if (!f.has('timestamp')) throw invalidParameter("Missing value for required parameter 'timestamp'.");
    const model = modelFields({ model_id: f.str('model_id'), dataset_name: f.str('dataset_name'), dataset_digest: f.str('dataset_digest') });
    await store.logMetric(runIdOf(f), { key, value: f.double('value') as number, timestamp: f.int('timestamp') as number, step: f.int('step'), ...model });
    return {};
  });
  add('runs/log-parameter', POST, async (f) => {
    await store.logParam(runIdOf(f), f.required('key'), f.str('value') ?? '');
    return {};
  });
  add('runs/set-tag', POST, async (f) => {
    await store.setTag(runIdOf(f), f.required('key'), f.str('value') ?? '');
    return {};
  });
  add('runs/delete-tag', POST, async (f) => {
    await store.deleteTag(f.required('run_id'), f.required('key'));
    return {};
  });
  add('runs/log-batch', POST, async (f) => {
    await store.logBatch({
      run_id: f.required('run_id'),
      metrics: (f.list('metrics') ?? []).map(metricOf),
      params: pairsOf(f.list('params'), 'params'),
      tags: pairsOf(f.list('tags'), 'tags'),
    });
    return {};
  });
  add('runs/log-model', POST, async (f) => {
    await store.logModel(f.required('run_id'), f.required('model_json'));
    return {};
  });
  add('runs/log-inputs', POST, async (f) => {
    await store.logInputs(f.required('run_id'), f.list<DatasetInput>('datasets'), f.list<{ model_id: string }>('models'));
    return {};
  });
  add('runs/outputs', POST, async (f) => {
    await store.logOutputs(f.required('run_id'), f.list<{ model_id: string; step?: number }>('models'));
    return {};
  });
  add('runs/search', POST, (f) =>
    store.searchRuns({
      experiment_ids: f.strList('experiment_ids'),
      filter: f.str('filter'),
      run_view_type: f.enumValue('run_view_type', VIEW_TYPES),
      max_results: f.int('max_results'),
      order_by: f.strList('order_by'),
      page_token: f.str('page_token'),
    }),
  );

  // ---- metrics
  add('metrics/get-history', GET, (f) => {
    const maxResults = f.int('max_results');
    const pageToken = f.str('page_token');
    if (maxResults === undefined && !pageToken) {
      // The whole history: the common case for clients and charts, served from the store's JSON cache.
      const slices = store.getMetricHistoryJson(runIdOf(f), f.required('metric_key'));
      return slices === undefined ? { rawJson: '{}' } : { rawJsonSlices: wrapSlices('{"metrics":', slices, '}') };
    }
    const page = store.getMetricHistory(runIdOf(f), f.required('metric_key'), maxResults, pageToken);
    const token = page.next_page_token ? `,"next_page_token":${JSON.stringify(page.next_page_token)}` : '';
    return { rawJson: page.metrics.length ? `{"metrics":${metricsJson(page.metrics)}${token}}` : token ? `{${token.slice(1)}}` : '{}' };
  });
  add('metrics/get-history-bulk-interval', GET, (f) => {
    const metrics = store.getMetricHistoryBulkInterval(f.strList('run_ids'), f.required('metric_key'), f.int('start_step'), f.int('end_step'), f.int('max_results'));
    return { rawJson: metrics.length ? `{"metrics":${metricsJson(metrics)}}` : '{}' };
  });
  add('metrics/get-history-bulk', GET, (f) => {
    const runIds = f.strList('run_id');
    if (runIds.length === 0) throw invalidParameter('GetMetricHistoryBulk request must specify at least one run_id.');
    if (runIds.length > 100) throw invalidParameter(`GetMetricHistoryBulk request cannot specify more than 100 run_ids. Received ${runIds.length} run_ids.`);
    const key = f.required('metric_key');
    const max = f.int('max_results') ?? 25000;
    const metrics = [...runIds]
      .sort()
      .flatMap((id) => store.getMetricHistory(id, key).metrics.map((m) => ({ ...m, run_id: id })))
      .slice(0, Math.min(max, 25000));
    return { rawJson: metrics.length ? `{"metrics":${metricsJson(metrics)}}` : '{}' };
  });

  return routes;
}

async function* wrapSlices(head: string, body: JsonSlices, tail: string): AsyncGenerator<Uint8Array> {
  yield Buffer.from(head);
  yield* body;
  yield Buffer.from(tail);
}
