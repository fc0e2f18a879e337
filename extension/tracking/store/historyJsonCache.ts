// Serialised metric histories (get-history's JSON bytes, in slices), reused while a (run, key) gains no
// points. Charts and REST clients fetch the same long histories again and again (live tails, reopened
// panels); rebuilding 100,000 points costs far more than one lookup of the key's point count, which changes
// with every point that is actually stored. A history is kept from its second fetch at the same count on:
// keeping it means building it in memory of its own, which costs the first fetch, served from reused
// scratch memory, a good part of its time (see warmPool.ts), and most histories are fetched once.

/** Entries at most, marks of histories served once included. */
const MAX_ENTRIES = 10_000;
/** Default budget of the kept JSON bytes (about 500,000 points). */
export const HISTORY_JSON_CACHE_BYTES = 32 * 1024 * 1024;

interface Entry {
  count: number;
  /** Unset while the history has been served once at this count. */
  json?: readonly Uint8Array[];
  bytes: number;
}

/** What to do for a history about to be served: answer from `json`, or build it and keep it or not. */
export type HistoryJsonLookup = { json: readonly Uint8Array[] } | { keep: boolean };

export class HistoryJsonCache {
  private readonly entries = new Map<string, Entry>();
  private bytes = 0;

  /** Bounded by the bytes held rather than entries: one long history can outweigh thousands of short ones. */
  constructor(readonly maxBytes = HISTORY_JSON_CACHE_BYTES) {}

  get usedBytes(): number {
    return this.bytes;
  }

  lookup(runId: number, keyId: number, count: number): HistoryJsonLookup {
    const id = `${runId}:${keyId}`;
    const entry = this.entries.get(id);
    if (entry) {
      this.entries.delete(id);
      if (entry.count === count) {
        this.entries.set(id, entry); // most recently used last
        return entry.json ? { json: entry.json } : { keep: true };
      }
      this.bytes -= entry.bytes;
    }
    this.entries.set(id, { count, bytes: 0 });
    this.trim();
    return { keep: false };
  }

  set(runId: number, keyId: number, count: number, json: readonly Uint8Array[]): void {
    const id = `${runId}:${keyId}`;
    const old = this.entries.get(id);
    if (old) {
      this.bytes -= old.bytes;
      this.entries.delete(id);
    }
    let bytes = 0;
    for (const slice of json) bytes += slice.byteLength;
    if (bytes > this.maxBytes) return;
    this.entries.set(id, { count, json, bytes });
    this.bytes += bytes;
    this.trim();
  }

  /** Forgets everything (gc removed runs whose internal ids a new run may take again). */
  clear(): void {
    this.entries.clear();
    this.bytes = 0;
  }

  private trim(): void {
    for (const [oldest, entry] of this.entries) {
      if (this.bytes <= this.maxBytes && this.entries.size <= MAX_ENTRIES) break;
      this.entries.delete(oldest);
      this.bytes -= entry.bytes;
    }
  }
}
