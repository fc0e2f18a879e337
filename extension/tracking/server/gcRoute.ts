// Our POST /api/2.0/mlflow-workbench/gc: `mlflow gc` against the store this server owns (the CLI's `gc` calls it
// when a server holds the store; the views' RestClient calls it too). Answers GcResponse (rest/types.ts).
import type { GcResponse } from '../rest/types';
import type { TrackingStore } from '../store/trackingStore';
import type { Fields } from './fields';
import type { Route } from './trackingRoutes';

/**
 * A list field: a JSON list, repeated query values, or comma-separated text. Present but empty is an empty
 * selection (the palette sends exactly the ids it confirmed); absent means "every deleted one".
 */
function ids(f: Fields, name: string): string[] | undefined {
  if (f.raw[name] === undefined || f.raw[name] === null) return undefined;
  return f.strList(name).flatMap((s) => s.split(',')).filter((s) => s !== '');
}

/** Keyed by the path after `/api/2.0/mlflow-workbench/` (and the ajax-api twin). */
export function gcRoutes(store: TrackingStore): Map<string, Route> {
  return new Map<string, Route>([
    [
      'gc',
      {
        methods: ['POST'],
        // Every field always present (protobuf JSON would drop the empty lists).
        handler: async (f): Promise<{ rawJson: string }> => {
          const result: GcResponse = await store.gc({
            older_than: f.str('older_than') || undefined,
            run_ids: ids(f, 'run_ids'),
            experiment_ids: ids(f, 'experiment_ids'),
            logged_model_ids: ids(f, 'logged_model_ids'),
            dry_run: f.bool('dry_run'),
          });
          return { rawJson: JSON.stringify(result) };
        },
      },
    ],
  ]);
}
