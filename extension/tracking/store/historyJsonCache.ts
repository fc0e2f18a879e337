// Serialised metric histories (get-history's JSON bytes, in slices), reused while a (run, key) gains no
// points. Charts and REST clients fetch the same long histories again and again (live tails, reopened
// panels); rebuilding 100,000 points costs far more than one lookup of the key's point count, which changes
// with every point that is actually stored. A history is kept from its second fetch at the same count on:
// keeping it means building it in memory of its own, which costs the first fetch, served from reused
// scratch memory, a good part of its time (see warmPool.ts), and most histories are fetched once.

/** Entries at most, marks of histories served once included. */
const MAX_ENTRIES = 10_000;

interface Entry {
  count: number;
  /** Unset while the history has been served once at this count. */
  json?: readonly Uint8Array[];
  points: number;
}

/** What to do for a history about to be served: answer from `json`, or build it and keep it or not. */
export type HistoryJsonLookup = { json: readonly Uint8Array[] } | { keep: boolean };

export class HistoryJsonCache {
  private readonly entries = new Map<string, Entry>();
  private points = 0;

  /** Bounded by points held rather than entries: one long history can outweigh thousands of short ones. */
  constructor(private readonly maxPoints = 500_000) {}

  lookup(runId: number, keyId: number, count: number): HistoryJsonLookup {
    const id = `${runId}:${keyId}`;
    const entry = this.entries.get(id);
    if (entry) {
      this.entries.delete(id);
      if (entry.count === count) {
        this.entries.set(id, entry); // most recently used last
        return entry.json ? { json: entry.json } : { keep: true };
      }
      this.points -= entry.points;
    }
    this.entries.set(id, { count, points: 0 });
    this.trim();
    return { keep: false };
  }

  set(runId: number, keyId: number, count: number, json: readonly Uint8Array[], points: number): void {
    const id = `${runId}:${keyId}`;
    const old = this.entries.get(id);
    if (old) {
      this.points -= old.points;
      this.entries.delete(id);
    }
    if (points > this.maxPoints) return;
    this.entries.set(id, { count, json, points });
    this.points += points;
    this.trim();
  }

  /** Forgets everything (gc removed runs whose internal ids a new run may take again). */
  clear(): void {
    this.entries.clear();
    this.points = 0;
  }

  private trim(): void {
    for (const [oldest, entry] of this.entries) {
      if (this.points <= this.maxPoints && this.entries.size <= MAX_ENTRIES) break;
      this.entries.delete(oldest);
      this.points -= entry.points;
    }
  }
}
