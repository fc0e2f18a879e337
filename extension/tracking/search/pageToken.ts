// Opaque paging tokens. Same shape as MLflow's (base64 of `{"offset": N}`, Python's json.dumps spacing) so a
// token minted by either server decodes on the other; clients must still treat it as opaque.

import { invalidParameter } from '../errors';

export function encodePageToken(offset: number): string {
  return Buffer.from(`{"offset": ${offset}}`, 'utf8').toString('base64');
}

export function decodePageToken(token: string | undefined): number {
  if (token === undefined || token === '') return 0;
  // A '+' that crossed a form-encoded query string arrives as a space; url-safe letters are accepted too.
  const b64 = token.trim().replace(/ /g, '+').replace(/-/g, '+').replace(/_/g, '/');
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(b64) || b64.length % 4 !== 0) {
    throw invalidParameter('Invalid page token, could not base64-decode');
  }
  const decoded = Buffer.from(b64, 'base64').toString('utf8');
  let parsed: unknown;
  try {
    parsed = JSON.parse(decoded);
  } catch {
    throw invalidParameter(`Invalid page token, decoded value=${decoded}`);
  }
  const raw = typeof parsed === 'object' && parsed !== null ? (parsed as { offset?: unknown }).offset : undefined;
  const offset = typeof raw === 'string' && /^\d+$/.test(raw.trim()) ? Number(raw) : raw;
  if (typeof offset !== 'number' || !Number.isSafeInteger(offset) || offset < 0) {
    throw invalidParameter(`Invalid page token, parsed value=${decoded}`);
  }
  return offset;
}
