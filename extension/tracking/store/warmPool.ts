// Large scratch memory kept between requests instead of allocated for each one. On virtual machines like
// the ones this runs on, the first touch of freshly allocated memory costs a page fault per 4 KB, about
// 3 ms per MB: more than the work done in it. Answering a 100,000-point history in fresh buffers spent
// some 30 ms faulting in its columns and 8 MB of JSON; memory taken back from here is already mapped.

/** Kept memory is let go after this long unused, so an editor that served one long history does not hold it for good. */
const KEEP_MS = 60_000;

export class WarmPool<T> {
  private readonly free: T[] = [];
  private timer: NodeJS.Timeout | undefined;

  /**
   * `make(size)` allocates an item of at least `size` units; `sizeOf` reads an item's size back. At most
   * `maxKept` items of at most `maxKeptSize` each are kept, so one huge request cannot pin its memory.
   */
  constructor(
    private readonly make: (size: number) => T,
    private readonly sizeOf: (item: T) => number,
    private readonly maxKeptSize: number,
    private readonly maxKept = 2,
  ) {}

  /** A kept item of at least `size` units, or a new one. Give it back when done with it. */
  take(size: number): T {
    const i = this.free.findIndex((item) => this.sizeOf(item) >= size);
    return i >= 0 ? this.free.splice(i, 1)[0] : this.make(size);
  }

  give(item: T): void {
    if (this.free.length >= this.maxKept || this.sizeOf(item) > this.maxKeptSize) return;
    this.free.push(item);
    clearTimeout(this.timer);
    this.timer = setTimeout(() => (this.free.length = 0), KEEP_MS);
    this.timer.unref(); // never what keeps a process alive
  }
}

/** `size` rounded up to a power of two (at least `min`), so items fit the next slightly larger request too. */
export function roundedSize(size: number, min: number): number {
  let n = min;
  while (n < size) n *= 2;
  return n;
}
