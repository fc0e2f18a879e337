// One error type for both clients, carrying MLflow's error code so views can tell "missing endpoint"
// (degrade) from "bad input" (tell the user).

export class ClientError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly status?: number,
  ) {
    super(message);
    this.name = 'ClientError';
  }
}

/** The server does not implement this route (an older or plain MLflow server, or a registry-less one). */
export function isEndpointMissing(err: unknown): boolean {
  return err instanceof ClientError && err.code === 'ENDPOINT_NOT_FOUND';
}

export function isNotFound(err: unknown): boolean {
  return err instanceof ClientError && (err.code === 'RESOURCE_DOES_NOT_EXIST' || err.code === 'NOT_FOUND');
}

export function isAlreadyExists(err: unknown): boolean {
  return err instanceof ClientError && (err.code === 'RESOURCE_ALREADY_EXISTS' || err.code === 'ALREADY_EXISTS');
}

export function isUnreachable(err: unknown): boolean {
  return err instanceof ClientError && err.code === 'UNREACHABLE';
}

/** Turns anything thrown by a store or transport into a ClientError, keeping MLflow's code when there is one. */
export function toClientError(err: unknown): ClientError {
  if (err instanceof ClientError) return err;
  const e = err as { errorCode?: unknown; error_code?: unknown; message?: unknown; httpStatus?: unknown };
  const code = typeof e?.errorCode === 'string' ? e.errorCode : typeof e?.error_code === 'string' ? e.error_code : 'INTERNAL_ERROR';
  const status = typeof e?.httpStatus === 'number' ? e.httpStatus : undefined;
  return new ClientError(code, typeof e?.message === 'string' ? e.message : String(err), status);
}
