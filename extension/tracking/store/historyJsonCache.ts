// Serialised metric histories (get-history's JSON bytes, in slices), reused while a (run, key) gains no
// points. Charts and REST clients fetch the same long histories again and again (live tails, reopened
// panels); rebuilding 100,000 points costs far more than one lookup of the key's point count, which changes
// with every point that is actually stored.

interface Entry {
  count: number;
  json: readonly Uint8Array[];
  points: number;
}

export class HistoryJsonCache {
  private readonly entries = new Map<string, Entry>();
  private points = 0;

  /** Bounded by points held rather than entries: one long history can outweigh thousands of short ones. */
  constructor(private readonly maxPoints = 500_000) {}

  get(runId: number, keyId: number, count: number): readonly Uint8Array[] | undefined {
    const id = `${runId}:${keyId}`;
    const entry = this.entries.get(id);
    if (!entry) return undefined;
    this.entries.delete(id);
    if (entry.count !== count) {
      this.points -= entry.points;
      return undefined;
    }
    this.entries.set(id, entry); // most recently used last
    return entry.json;
  }

  set(runId: number, keyId: number, count: number, json: readonly Uint8Array[], points: number): void {
    if (points > this.maxPoints) return;
    const id = `${runId}:${keyId}`;
    const old = this.entries.get(id);
    if (old) {
      this.points -= old.points;
      this.entries.delete(id);
    }
    this.entries.set(id, { count, json, points });
    this.points += points;
    for (const [oldest, entry] of this.entries) {
      if (this.points <= this.maxPoints) break;
      this.entries.delete(oldest);
      this.points -= entry.points;
    }
  }
}
