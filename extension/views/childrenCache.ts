// Caches a tree's children per node so a live refresh can re-fetch everything that is shown, compare, and
// tell the tree to re-render only when something changed: no flicker, and expansion/selection are kept by id.
// Node objects are reused across refreshes (VS Code tracks elements by identity).

export interface CacheAdapter<N> {
  key(node: N | undefined): string;
  fetch(node: N | undefined): Promise<N[]>;
  /** What must change for a row to look different; compared after each re-fetch. */
  fingerprint(node: N): string;
}

interface Entry<N> {
  node: N | undefined;
  children: N[];
  print: string;
}

export class ChildrenCache<N extends object> {
  private readonly entries = new Map<string, Entry<N>>();
  private readonly inflight = new Map<string, Promise<N[]>>();
  /** Child key → the parent it was listed under (undefined: the root), for TreeDataProvider.getParent. */
  private readonly parents = new Map<string, N | undefined>();
  private generation = 0;

  constructor(private readonly adapter: CacheAdapter<N>) {}

  async children(node: N | undefined): Promise<N[]> {
    const key = this.adapter.key(node);
    const hit = this.entries.get(key);
    if (hit) return hit.children;
    const pending = this.inflight.get(key);
    if (pending) return pending;
    const generation = this.generation;
    const promise = this.adapter
      .fetch(node)
      .then((children) => {
        // A clear() while fetching means the answer may be stale: hand it out, but do not keep it.
        if (generation === this.generation) {
          this.entries.set(key, { node, children, print: this.print(children) });
          for (const child of children) this.parents.set(this.adapter.key(child), node);
        }
        return children;
      })
      .finally(() => this.inflight.delete(key));
    this.inflight.set(key, promise);
    return promise;
  }

  /** The node collapsed: stop refreshing it; its descendants become unreachable and are pruned. */
  forget(node: N): void {
    this.entries.delete(this.adapter.key(node));
  }

  parentOf(node: N): N | undefined {
    return this.parents.get(this.adapter.key(node));
  }

  clear(): void {
    this.entries.clear();
    this.parents.clear();
    this.generation++;
  }

  get size(): number {
    return this.entries.size;
  }

  /**
   * Re-fetches every cached node, top-down, reusing node objects whose key is unchanged. Returns whether any
   * list changed. Entries no longer reachable from the root are dropped.
   */
  async refresh(): Promise<boolean> {
    let changed = false;
    const rootKey = this.adapter.key(undefined);
    const reachable = new Set<string>([rootKey]);
    let level: string[] = [rootKey];
    while (level.length) {
      const next: string[] = [];
      await Promise.all(
        level.map(async (key) => {
          const entry = this.entries.get(key);
          if (!entry) return;
          const fresh = await this.adapter.fetch(entry.node);
          const reused = this.reuse(entry.children, fresh);
          const print = this.print(reused);
          if (print !== entry.print) changed = true;
          this.entries.set(key, { node: entry.node, children: reused, print });
          for (const child of reused) {
            const childKey = this.adapter.key(child);
            reachable.add(childKey);
            this.parents.set(childKey, entry.node);
            if (this.entries.has(childKey)) next.push(childKey);
          }
        }),
      );
      level = next;
    }
    for (const key of [...this.entries.keys()]) if (!reachable.has(key)) this.entries.delete(key);
    for (const key of [...this.parents.keys()]) if (!reachable.has(key)) this.parents.delete(key);
    return changed;
  }

  private reuse(old: N[], fresh: N[]): N[] {
    const byKey = new Map(old.map((n) => [this.adapter.key(n), n]));
    return fresh.map((n) => {
      const prior = byKey.get(this.adapter.key(n));
      if (!prior || prior === n) return n;
      // Same element for VS Code, new data for getTreeItem.
      for (const k of Object.keys(prior)) if (!(k in n)) delete (prior as Record<string, unknown>)[k];
      return Object.assign(prior, n);
    });
  }

  private print(children: N[]): string {
    return children.map((c) => this.adapter.fingerprint(c)).join('\n');
  }
}
