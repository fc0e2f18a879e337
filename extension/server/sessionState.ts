// What a workspace folder's session is doing, and the words and environment that follow from it. Pure.

export type SessionState =
  | { mode: 'starting' }
  /** This window owns the store and serves it. */
  | { mode: 'owner'; uri: string; token: string }
  /** Another window (process `ownerPid`) owns the store; this one is its REST client. */
  | { mode: 'client'; uri: string; token?: string; ownerPid: number }
  /** The views read a remote MLflow tracking server set in the settings. */
  | { mode: 'remote'; uri: string; token?: string }
  /** The store is owned but its server cannot be reached (yet); retrying. */
  | { mode: 'waiting'; reason: string }
  | { mode: 'error'; message: string }
  | { mode: 'stopped' };

/** URI and token that clients should use, when the session has a server to point them to. */
export function trackingEndpoint(state: SessionState): { uri: string; token?: string } | undefined {
  switch (state.mode) {
    case 'owner':
    case 'client':
    case 'remote':
      return { uri: state.uri, token: state.token };
    default:
      return undefined;
  }
}

export function trackingEnvironment(state: SessionState): Record<string, string> {
  const endpoint = trackingEndpoint(state);
  if (!endpoint) return {};
  const env: Record<string, string> = { MLFLOW_TRACKING_URI: endpoint.uri };
  if (endpoint.token) env.MLFLOW_TRACKING_TOKEN = endpoint.token;
  return env;
}

/** `export` lines a user can paste into a shell elsewhere (values single-quoted). */
export function environmentText(env: Record<string, string>): string {
  return Object.entries(env)
    .map(([k, v]) => `export ${k}='${v.replace(/'/g, `'\\''`)}'`)
    .join('\n');
}

function hostPort(uri: string): string {
  try {
    const u = new URL(uri);
    return `${u.host}${u.pathname === '/' ? '' : u.pathname}`;
  } catch {
    return uri;
  }
}

/** Status bar text (with codicons) and tooltip. */
export function statusPresentation(state: SessionState, folderName?: string): { text: string; tooltip: string; warning: boolean } {
  const where = folderName ? ` (${folderName})` : '';
  switch (state.mode) {
    case 'starting':
      return { text: '$(loading~spin) MLflow', tooltip: `Starting the MLflow tracking server${where}…`, warning: false };
    case 'owner':
      return { text: `$(beaker) MLflow ${hostPort(state.uri)}`, tooltip: `MLflow tracking server${where} at ${state.uri}`, warning: false };
    case 'client':
      return {
        text: `$(plug) MLflow ${hostPort(state.uri)}`,
        tooltip: `Using the tracking server of another window (process ${state.ownerPid})${where} at ${state.uri}`,
        warning: false,
      };
    case 'remote':
      return { text: `$(cloud) MLflow ${hostPort(state.uri)}`, tooltip: `Remote MLflow tracking server${where}: ${state.uri}`, warning: false };
    case 'waiting':
      return { text: '$(sync~spin) MLflow', tooltip: `${state.reason}${where}`, warning: true };
    case 'error':
      return { text: '$(error) MLflow', tooltip: `MLflow tracking server${where} failed: ${state.message}`, warning: true };
    case 'stopped':
      return { text: '$(circle-slash) MLflow', tooltip: `MLflow tracking server${where} stopped`, warning: false };
  }
}
