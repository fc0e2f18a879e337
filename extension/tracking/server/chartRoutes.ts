// Our chart routes under /api/2.0/mlflow-workbench/ (types in rest/types.ts), so that a window reading another
// window's store gets what the in-process client gets: the kept metric summaries instead of full histories, and
// metric lines downsampled from the chunk summaries instead of millions of points. MLflow's routes are untouched.
import { invalidParameter } from '../errors';
import type { GetMetricSeriesResponse, GetMetricSummariesResponse, SeriesAxis } from '../rest/types';
import type { TrackingStore } from '../store/trackingStore';
import type { Fields } from './fields';
import type { Route } from './trackingRoutes';

const AXES: readonly SeriesAxis[] = ['step', 'time'];

function runIdOf(f: Fields): string {
  return f.str('run_id') || f.required('run_uuid');
}

/** Keyed by the path after `/api/2.0/mlflow-workbench/` (and the ajax-api twin). */
export function chartRoutes(store: TrackingStore): Map<string, Route> {
  const routes = new Map<string, Route>();
  // `?run_id=` → { summaries: [{ key, value, timestamp, step, min?, max?, count }] }
  routes.set('metrics/summaries', {
    methods: ['GET'],
    handler: (f): GetMetricSummariesResponse => ({ summaries: store.getMetricSummaries(runIdOf(f)) }),
  });
  // `?run_id=&metric_key=&buckets=[&axis=step|time][&from=&to=]` → GetMetricSeriesResponse
  routes.set('metrics/series', {
    methods: ['GET'],
    handler: (f): GetMetricSeriesResponse => {
      const buckets = f.int('buckets');
      if (buckets === undefined) throw invalidParameter("Missing value for required parameter 'buckets'.");
      const from = f.double('from');
      const to = f.double('to');
      return store.getMetricSeries(runIdOf(f), f.required('metric_key'), { axis: f.enumValue('axis', AXES) ?? 'step', from, to, buckets });
    },
  });
  return routes;
}
