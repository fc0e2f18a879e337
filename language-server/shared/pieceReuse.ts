// Reuses what was computed for the pieces of the previous version of a text. An edit changes one
// piece or a few adjacent ones, so pieces are matched from both ends first, which costs a string
// comparison each; only the pieces in between are looked up by text (hashing them).

export class PieceReuse<V> {
  private previous: Array<{ key: string; value: V }> = [];

  /**
   * The value for each key, in order: a previous value with the same key that `fits`, else a new
   * one from `create`. Each previous value is handed out at most once (the caller may mutate it).
   * Only these values are kept for the next call.
   */
  values(keys: readonly string[], create: (index: number) => V, fits: (value: V, index: number) => boolean = () => true): V[] {
    const prev = this.previous;
    const out = new Array<V>(keys.length);
    const matches = (i: number, j: number): boolean => keys[i] === prev[j].key && fits(prev[j].value, i);
    let front = 0;
    while (front < keys.length && front < prev.length && matches(front, front)) {
      out[front] = prev[front].value;
      front++;
    }
    let back = 0;
    while (back < keys.length - front && back < prev.length - front && matches(keys.length - 1 - back, prev.length - 1 - back)) {
      out[keys.length - 1 - back] = prev[prev.length - 1 - back].value;
      back++;
    }
    const middle = new Map<string, V[]>();
    for (let j = front; j < prev.length - back; j++) {
      const list = middle.get(prev[j].key);
      if (list) list.push(prev[j].value);
      else middle.set(prev[j].key, [prev[j].value]);
    }
    for (let i = front; i < keys.length - back; i++) {
      const candidates = middle.get(keys[i]);
      const at = candidates?.findIndex((v) => fits(v, i)) ?? -1;
      out[i] = at >= 0 ? candidates!.splice(at, 1)[0] : create(i);
    }
    this.previous = keys.map((key, i) => ({ key, value: out[i] }));
    return out;
  }
}
