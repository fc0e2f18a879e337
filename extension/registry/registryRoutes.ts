// The 22 Model Registry RPCs of /api/2.0/mlflow/ (reference §6.2), with MLflow's methods and field names,
// plus our own routes under /api/2.0/mlflow-workbench/. Each handler parses its fields and makes one store
// call; who made the request (for the audit trail) comes with the request context.
import { invalidParameter } from '../tracking/errors';
import type { KeyValue } from '../tracking/rest/types';
import type { Fields } from '../tracking/server/fields';
import type { Reply } from '../tracking/server/trackingRoutes';
import type { Actor } from './audit';
import type { RegistryStore } from './registryStore';

export interface RequestContext {
  method: string;
  actor: Actor;
}

export type RegistryHandler = (f: Fields, ctx: RequestContext) => Reply | Promise<Reply>;

export interface RegistryRoute {
  methods: readonly string[];
  handler: RegistryHandler;
}

function tagsOf(f: Fields): KeyValue[] {
  return (f.list('tags') ?? []).map((t, i) => {
    if (typeof t !== 'object' || t === null) throw invalidParameter(`Invalid value for tags[${i}]: expected an object with key and value.`);
    const { key, value } = t as Record<string, unknown>;
    if (typeof key !== 'string' || key === '') throw invalidParameter(`Missing value for required parameter 'tags[${i}].key'.`);
    return { key, value: value === undefined || value === null ? '' : String(value) };
  });
}

function searchOf(f: Fields): { filter?: string; maxResults?: number; orderBy?: string[]; pageToken?: string } {
  return { filter: f.str('filter'), maxResults: f.int('max_results'), orderBy: f.strList('order_by'), pageToken: f.str('page_token') };
}

/** Routes keyed by the path after `/api/2.0/mlflow/` (and `/ajax-api/2.0/mlflow/`). */
export function registryRoutes(store: RegistryStore): Map<string, RegistryRoute> {
  const routes = new Map<string, RegistryRoute>();
  const add = (path: string, methods: readonly string[], handler: RegistryHandler): void => {
    routes.set(path, { methods, handler });
  };

  // ---- registered models
  add('registered-models/create', ['POST'], async (f, ctx) => ({
    registered_model: await store.createRegisteredModel(f.required('name'), tagsOf(f), f.str('description'), ctx.actor),
  }));
  add('registered-models/rename', ['POST'], async (f, ctx) => ({
    registered_model: await store.renameRegisteredModel(f.required('name'), f.required('new_name'), ctx.actor),
  }));
  add('registered-models/update', ['PATCH'], async (f, ctx) => ({
    registered_model: await store.updateRegisteredModel(f.required('name'), f.str('description'), ctx.actor),
  }));
  add('registered-models/delete', ['DELETE'], async (f, ctx) => {
    await store.deleteRegisteredModel(f.required('name'), ctx.actor);
    return {};
  });
  add('registered-models/get', ['GET'], (f) => ({ registered_model: store.getRegisteredModel(f.required('name')) }));
  add('registered-models/search', ['GET'], (f) => store.searchRegisteredModels(searchOf(f)));
  add('registered-models/get-latest-versions', ['POST', 'GET'], (f) => ({
    model_versions: store.getLatestVersions(f.required('name'), f.strList('stages')),
  }));
  add('registered-models/set-tag', ['POST'], async (f, ctx) => {
    await store.setRegisteredModelTag(f.required('name'), f.required('key'), f.str('value') ?? '', ctx.actor);
    return {};
  });
  add('registered-models/delete-tag', ['DELETE'], async (f, ctx) => {
    await store.deleteRegisteredModelTag(f.required('name'), f.required('key'), ctx.actor);
    return {};
  });
  add('registered-models/alias', ['POST', 'DELETE', 'GET'], async (f, ctx) => {
    const name = f.required('name');
    const alias = f.required('alias');
    if (ctx.method === 'GET') return { model_version: store.getModelVersionByAlias(name, alias) };
    if (ctx.method === 'POST') await store.setRegisteredModelAlias(name, alias, f.required('version'), ctx.actor);
    else await store.deleteRegisteredModelAlias(name, alias, ctx.actor);
    return {};
  });

  // ---- model versions
  add('model-versions/create', ['POST'], async (f, ctx) => ({
    model_version: await store.createModelVersion(
      {
        name: f.required('name'),
        source: f.required('source'),
        run_id: f.str('run_id'),
        tags: tagsOf(f),
        run_link: f.str('run_link'),
        description: f.str('description'),
        model_id: f.str('model_id'),
      },
      ctx.actor,
    ),
  }));
  add('model-versions/update', ['PATCH'], async (f, ctx) => ({
    model_version: await store.updateModelVersion(f.required('name'), f.required('version'), f.str('description'), ctx.actor),
  }));
  add('model-versions/transition-stage', ['POST'], async (f, ctx) => ({
    model_version: await store.transitionModelVersionStage(
      f.required('name'),
      f.required('version'),
      f.required('stage'),
      f.bool('archive_existing_versions') ?? false,
      ctx.actor,
    ),
  }));
  add('model-versions/delete', ['DELETE'], async (f, ctx) => {
    await store.deleteModelVersion(f.required('name'), f.required('version'), ctx.actor);
    return {};
  });
  add('model-versions/get', ['GET'], (f) => ({ model_version: store.getModelVersion(f.required('name'), f.required('version')) }));
  add('model-versions/search', ['GET'], (f) => store.searchModelVersions(searchOf(f)));
  add('model-versions/get-download-uri', ['GET'], (f) => ({
    artifact_uri: store.getModelVersionDownloadUri(f.required('name'), f.required('version')),
  }));
  add('model-versions/set-tag', ['POST'], async (f, ctx) => {
    await store.setModelVersionTag(f.required('name'), f.required('version'), f.required('key'), f.str('value') ?? '', ctx.actor);
    return {};
  });
  add('model-versions/delete-tag', ['DELETE'], async (f, ctx) => {
    await store.deleteModelVersionTag(f.required('name'), f.required('version'), f.required('key'), ctx.actor);
    return {};
  });

  return routes;
}

/** Our own routes, keyed by the path after `/api/2.0/mlflow-workbench/` (and the ajax-api twin). */
export function workbenchRoutes(store: RegistryStore): Map<string, RegistryRoute> {
  const routes = new Map<string, RegistryRoute>();
  // A model's audit trail: `?name=<model>[&max_results=N][&page_token=T]` → { name, entries[], next_page_token }.
  routes.set('registered-models/audit', {
    methods: ['GET'],
    handler: (f) => store.getAudit(f.required('name'), f.int('max_results') ?? 1000, f.str('page_token')),
  });
  // Resolves any models:/ URI the way clients and the extension do: `?uri=models:/m@champion`.
  routes.set('model-uris/resolve', { methods: ['GET'], handler: (f) => store.resolveForClient(f.required('uri')) });
  return routes;
}
