/**
 * The engine's caches, behind one switch. Every merge result the engine keeps (plans, groups, shared
 * prefixes, base chains) goes through a Memo; with `enabled: false` nothing is kept and every value is
 * worked out afresh — the plain resolution the reference test holds the cached one equal to.
 */
export class Memo<K, V> {
  // Made on first use: the engine holds tens of thousands of memos, most of them used once or never.
  private values?: Map<K, V>;
  constructor(private readonly enabled: boolean) {}

  /** The value for `key`, made by `make` the first time (every time when the memo is off). */
  get(key: K, make: () => V): V {
    if (!this.enabled) return make();
    const values = (this.values ??= new Map());
    const hit = values.get(key);
    if (hit !== undefined || values.has(key)) return hit as V;
    const value = make();
    values.set(key, value);
    return value;
  }

  /** Forgets every value (they are made again on demand). */
  clear(): void {
    this.values?.clear();
  }
}
