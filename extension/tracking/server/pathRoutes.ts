// Routes whose path carries a parameter (`/api/2.0/mlflow/logged-models/{model_id}/tags`) or that live outside
// `/api/2.0/mlflow/` (`/api/3.0/mlflow/traces`, `/v1/traces`). As in MLflow, a path parameter becomes a request
// field. Exact paths win over patterns, so `logged-models/search` never reads as a model id.
import type { IncomingMessage } from 'node:http';
import type { RequestContext } from '../../registry/registryRoutes';
import type { Fields } from './fields';
import type { Reply } from './trackingRoutes';

export interface PathRouteContext extends RequestContext {
  /** The request itself, for a route that reads a body other than JSON (`rawBody`). */
  req: IncomingMessage;
}

export interface PathRoute {
  /** e.g. `/api/2.0/mlflow/logged-models/{model_id}`; `/api/<v>/mlflow/…` is also served under `/ajax-api/<v>/mlflow/…`. */
  path: string;
  methods: readonly string[];
  handler: (f: Fields, ctx: PathRouteContext) => Reply | Promise<Reply>;
  /** The handler reads the body itself: the server passes no parsed fields but the path's and the query's. */
  rawBody?: boolean;
}

interface Compiled {
  route: PathRoute;
  regex: RegExp;
  names: string[];
  exact: boolean;
}

export interface PathMatch {
  route: PathRoute;
  params: Record<string, string>;
}

/** The same route under `/ajax-api/…` when it is an `/api/…` route, as MLflow serves both. */
function variants(path: string): string[] {
  return path.startsWith('/api/') ? [path, `/ajax-api/${path.slice('/api/'.length)}`] : [path];
}

export class PathRouter {
  private readonly compiled: Compiled[] = [];

  add(...routes: PathRoute[]): void {
    for (const route of routes) {
      for (const path of variants(route.path)) {
        const names: string[] = [];
        const source = path
          .split('/')
          .map((seg) => {
            const m = /^\{(\w+)\}$/.exec(seg);
            if (!m) return seg.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
            names.push(m[1]);
            return '([^/]+)';
          })
          .join('/');
        this.compiled.push({ route, regex: new RegExp(`^${source}$`), names, exact: names.length === 0 });
      }
    }
    // Exact paths first, then patterns in the order given.
    this.compiled.sort((a, b) => Number(b.exact) - Number(a.exact));
  }

  /** The route for a path (whatever the method: the server answers 405 for a wrong one), with its parameters. */
  match(path: string): PathMatch | undefined {
    for (const c of this.compiled) {
      const m = c.regex.exec(path);
      if (!m) continue;
      const params: Record<string, string> = {};
      try {
        c.names.forEach((n, i) => (params[n] = decodeURIComponent(m[i + 1])));
      } catch {
        continue; // malformed percent-encoding: no match, so ENDPOINT_NOT_FOUND
      }
      return { route: c.route, params };
    }
    return undefined;
  }
}
