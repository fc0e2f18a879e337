// HTTP to an MLflow tracking server, the way MLflow's own clients speak it: GET with a query string (lists as
// repeated keys), other verbs with a JSON body, errors as {"error_code","message"}. A bare 404 (a route the
// server does not have) becomes ENDPOINT_NOT_FOUND so callers can degrade.
import { ClientError } from './clientError';

export type Query = Record<string, string | number | boolean | undefined | readonly (string | number)[]>;

export interface TransportOptions {
  /** Base URI of the tracking server, possibly with a path prefix (`https://host/mlflow`). */
  baseUri: string;
  token?: string;
  timeoutMs?: number;
}

export function joinUrl(baseUri: string, path: string): string {
  return `${baseUri.replace(/\/+$/, '')}/${path.replace(/^\/+/, '')}`;
}

export function queryString(query: Query): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) {
    if (value === undefined) continue;
    if (Array.isArray(value)) for (const v of value) params.append(key, String(v));
    else params.append(key, String(value));
  }
  const s = params.toString();
  return s ? `?${s}` : '';
}

export class RestTransport {
  readonly baseUri: string;
  private readonly headers: Record<string, string>;
  private readonly timeoutMs: number;

  constructor(options: TransportOptions) {
    const url = new URL(options.baseUri); // throws on a malformed URI: better at construction than per call
    if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new Error(`Unsupported tracking URI scheme '${url.protocol}'. Use http:// or https://.`);
    this.baseUri = options.baseUri.replace(/\/+$/, '');
    this.headers = { Accept: 'application/json', 'User-Agent': 'mlflow-workbench' };
    if (options.token) this.headers.Authorization = `Bearer ${options.token}`;
    this.timeoutMs = options.timeoutMs ?? 30_000;
  }

  get<T>(path: string, query: Query = {}): Promise<T> {
    return this.json<T>('GET', `${path}${queryString(query)}`);
  }

  post<T>(path: string, body: object): Promise<T> {
    return this.json<T>('POST', path, body);
  }

  patch<T>(path: string, body: object): Promise<T> {
    return this.json<T>('PATCH', path, body);
  }

  delete<T>(path: string, body: object): Promise<T> {
    return this.json<T>('DELETE', path, body);
  }

  async bytes(path: string, query: Query = {}): Promise<Uint8Array> {
    const res = await this.send('GET', `${path}${queryString(query)}`);
    if (!res.ok) throw await errorOf(res);
    return new Uint8Array(await res.arrayBuffer());
  }

  private async json<T>(method: string, path: string, body?: object): Promise<T> {
    const res = await this.send(method, path, body);
    const text = await res.text();
    if (!res.ok) throw errorFromBody(res.status, text);
    if (!text) return {} as T;
    try {
      return JSON.parse(text) as T;
    } catch {
      throw new ClientError('BAD_RESPONSE', `The server at ${this.baseUri} answered ${path} with something that is not JSON.`, res.status);
    }
  }

  private async send(method: string, path: string, body?: object): Promise<Response> {
    const headers = { ...this.headers };
    if (body !== undefined) headers['Content-Type'] = 'application/json';
    try {
      return await fetch(joinUrl(this.baseUri, path), {
        method,
        headers,
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: AbortSignal.timeout(this.timeoutMs),
      });
    } catch (err) {
      const cause = (err as { cause?: { code?: string } }).cause?.code ?? (err as Error).name;
      throw new ClientError('UNREACHABLE', `Cannot reach the tracking server at ${this.baseUri} (${cause}).`);
    }
  }
}

async function errorOf(res: Response): Promise<ClientError> {
  return errorFromBody(res.status, await res.text().catch(() => ''));
}

export function errorFromBody(status: number, text: string): ClientError {
  let parsed: { error_code?: unknown; message?: unknown } | undefined;
  try {
    parsed = JSON.parse(text) as typeof parsed;
  } catch {
    parsed = undefined;
  }
  const code = typeof parsed?.error_code === 'string' ? parsed.error_code : status === 404 ? 'ENDPOINT_NOT_FOUND' : `HTTP_${status}`;
  const message = typeof parsed?.message === 'string' ? parsed.message : `HTTP ${status}${text ? `: ${text.slice(0, 200)}` : ''}`;
  return new ClientError(code, message, status);
}
