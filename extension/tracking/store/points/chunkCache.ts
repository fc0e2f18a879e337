// Decoded chunks kept for reuse, least recently used first out, within a byte budget: memory follows the
// working set of histories and charts, not the size of the store.
import type { ChunkPoints } from './codec';

/** Bytes a decoded chunk holds: three float64 columns plus a little bookkeeping. */
export const decodedBytes = (p: ChunkPoints): number => 24 * p.step.length + 200;

export class ChunkCache {
  private readonly entries = new Map<string, ChunkPoints>();
  private bytes = 0;

  constructor(readonly budgetBytes: number) {}

  get(key: string): ChunkPoints | undefined {
    const hit = this.entries.get(key);
    if (hit) {
      // Re-inserting moves it to the end: Map keeps insertion order, so the first entry is the least recent.
      this.entries.delete(key);
      this.entries.set(key, hit);
    }
    return hit;
  }

  set(key: string, points: ChunkPoints): void {
    const old = this.entries.get(key);
    if (old) {
      this.bytes -= decodedBytes(old);
      this.entries.delete(key);
    }
    const size = decodedBytes(points);
    if (size > this.budgetBytes) return;
    this.entries.set(key, points);
    this.bytes += size;
    for (const [k, v] of this.entries) {
      if (this.bytes <= this.budgetBytes) break;
      this.entries.delete(k);
      this.bytes -= decodedBytes(v);
    }
  }

  delete(key: string): void {
    const old = this.entries.get(key);
    if (!old) return;
    this.entries.delete(key);
    this.bytes -= decodedBytes(old);
  }

  get size(): number {
    return this.entries.size;
  }

  get usedBytes(): number {
    return this.bytes;
  }
}
