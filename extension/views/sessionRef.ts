// How tree content sees a workspace folder's session: a key, a name, and its client once it has one (the
// client changes when a window takes the store over). Pure.
import type { TrackingClient } from '../client/trackingClient';

export interface SessionRef {
  key: string;
  name: string;
  client: TrackingClient | undefined;
}

export interface SessionLookup {
  list(): SessionRef[];
  get(key: string): SessionRef | undefined;
}
