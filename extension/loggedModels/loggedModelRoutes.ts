// MLflow 3's logged-model RPCs (/api/2.0/mlflow/logged-models…): field parsing per route, then one store call.
// The model's files go through the artifact proxy under `<exp>/models/<model_id>/artifacts/…`, which this module
// opens to the proxy (a folder of a model that does not exist there stays a 404).
import { invalidParameter } from '../tracking/errors';
import type { KeyValue } from '../tracking/rest/types';
import type { TrackingStore } from '../tracking/store/trackingStore';
import type { ArtifactService } from '../tracking/server/artifactRoutes';
import { safeSegments } from '../tracking/server/artifactPaths';
import type { Fields } from '../tracking/server/fields';
import type { PathRoute } from '../tracking/server/pathRoutes';
import { LoggedModelStore } from './loggedModelStore';
import type { LoggedModelOrderBy } from './search';

const BASE = '/api/2.0/mlflow/logged-models';

function pairsOf(f: Fields, name: string): KeyValue[] | undefined {
  const list = f.list<unknown>(name);
  return list?.map((p, i) => {
    if (typeof p !== 'object' || p === null) throw invalidParameter(`Invalid value for ${name}[${i}]: expected an object with key and value.`);
    const { key, value } = p as Record<string, unknown>;
    if (key !== undefined && typeof key !== 'string') throw invalidParameter(`Invalid value ${JSON.stringify(key)} for parameter '${name}[${i}].key' supplied: expected a string.`);
    return { key: key as string, value: value === undefined || value === null ? '' : String(value) };
  });
}

function objectsOf(f: Fields, name: string): Record<string, unknown>[] | undefined {
  return f.list<unknown>(name)?.map((o, i) => {
    if (typeof o !== 'object' || o === null || Array.isArray(o)) throw invalidParameter(`Invalid value for ${name}[${i}]: expected an object.`);
    return o as Record<string, unknown>;
  });
}

function optionalString(o: Record<string, unknown>, key: string, path: string): string | undefined {
  const v = o[key];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'string') throw invalidParameter(`Invalid value ${JSON.stringify(v)} for parameter '${path}' supplied: expected a string.`);
  return v;
}

function orderByOf(f: Fields): LoggedModelOrderBy[] | undefined {
  return objectsOf(f, 'order_by')?.map((o, i) => {
    const field = optionalString(o, 'field_name', `order_by[${i}].field_name`);
    if (!field) throw invalidParameter(`Missing value for required parameter 'order_by[${i}].field_name'.`);
    const asc = o.ascending;
    if (asc !== undefined && asc !== null && typeof asc !== 'boolean') {
      throw invalidParameter(`Invalid value ${JSON.stringify(asc)} for parameter 'order_by[${i}].ascending' supplied: expected true or false.`);
    }
    const out: LoggedModelOrderBy = { field_name: field, ascending: asc ?? true };
    const name = optionalString(o, 'dataset_name', `order_by[${i}].dataset_name`);
    const digest = optionalString(o, 'dataset_digest', `order_by[${i}].dataset_digest`);
    if (name) out.dataset_name = name;
    if (digest) out.dataset_digest = digest;
    return out;
  });
}

function datasetsOf(f: Fields): { dataset_name: string; dataset_digest?: string }[] | undefined {
  return objectsOf(f, 'datasets')?.map((o, i) => {
    const name = optionalString(o, 'dataset_name', `datasets[${i}].dataset_name`) ?? '';
    const digest = optionalString(o, 'dataset_digest', `datasets[${i}].dataset_digest`);
    return digest ? { dataset_name: name, dataset_digest: digest } : { dataset_name: name };
  });
}

export function loggedModelRoutes(store: TrackingStore, artifacts: ArtifactService): PathRoute[] {
  const models = new LoggedModelStore(store);
  artifacts.addOwner('models', (experimentId, modelId) => models.ownsArtifactFolder(experimentId, modelId));

  return [
    {
      path: BASE,
      methods: ['POST'],
      handler: async (f) => ({
        model: await models.createLoggedModel({
          experiment_id: f.required('experiment_id'),
          name: f.str('name'),
          model_type: f.str('model_type'),
          source_run_id: f.str('source_run_id'),
          params: pairsOf(f, 'params'),
          tags: pairsOf(f, 'tags'),
        }),
      }),
    },
    {
      path: `${BASE}/search`,
      methods: ['POST'],
      handler: (f) => {
        // An absent list is MLflow's missing required value; an empty one simply matches nothing.
        if (!f.has('experiment_ids')) {
          throw invalidParameter("Missing value for required parameter 'experiment_ids'. See the API docs for more information about request parameters.");
        }
        const maxResults = f.int('max_results');
        return models.searchLoggedModels({
          experiment_ids: f.strList('experiment_ids'),
          filter: f.str('filter'),
          datasets: datasetsOf(f),
          order_by: orderByOf(f),
          // Unset, MLflow's handler reads the proto default (50); an explicit 0 falls to its store's default (100).
          max_results: maxResults === 0 ? 100 : maxResults,
          page_token: f.str('page_token'),
        });
      },
    },
    {
      path: `${BASE}/{model_id}`,
      methods: ['GET', 'PATCH', 'DELETE'],
      handler: async (f, ctx) => {
        const id = f.required('model_id');
        // As MLflow reads it: anything but "true" (in any case) is false.
        if (ctx.method === 'GET') return { model: models.getLoggedModel(id, (f.str('allow_deleted') ?? '').toLowerCase() === 'true') };
        if (ctx.method === 'PATCH') return { model: await models.finalizeLoggedModel(id, f.raw.status ?? undefined) };
        await models.deleteLoggedModel(id);
        return {};
      },
    },
    {
      path: `${BASE}/{model_id}/tags`,
      methods: ['PATCH'],
      handler: async (f) => {
        await models.setLoggedModelTags(f.required('model_id'), pairsOf(f, 'tags'));
        return {};
      },
    },
    {
      path: `${BASE}/{model_id}/tags/{tag_key}`,
      methods: ['DELETE'],
      handler: async (f) => {
        await models.deleteLoggedModelTag(f.required('model_id'), f.required('tag_key'));
        return {};
      },
    },
    {
      path: `${BASE}/{model_id}/params`,
      methods: ['POST'],
      handler: async (f) => {
        await models.logLoggedModelParams(f.required('model_id'), pairsOf(f, 'params'));
        return {};
      },
    },
    {
      path: `${BASE}/{model_id}/artifacts/directories`,
      methods: ['GET'],
      handler: (f) => {
        const id = f.required('model_id');
        const root = models.findLoggedModel(id);
        const folder = models.artifactProxyPath(id);
        const sub = safeSegments(f.str('artifact_directory_path') ?? '');
        const listed = artifacts.list([folder, ...sub].join('/'));
        const prefix = sub.join('/');
        const files = listed.files?.map((file) => ({ ...file, path: prefix ? `${prefix}/${file.path}` : file.path }));
        return files?.length ? { root_uri: root!.artifactUri, files } : { root_uri: root!.artifactUri };
      },
    },
  ];
}
