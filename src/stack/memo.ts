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

/**
 * A memo keyed by two values. Hot paths key on names the YAML parser already holds (a component type,
 * then a component or section name) instead of joining them into a new string on every lookup.
 */
export class Memo2<K1, K2, V> {
  private values?: Map<K1, Map<K2, V>>;
  constructor(private readonly enabled: boolean) {}

  get(k1: K1, k2: K2, make: () => V): V {
    if (!this.enabled) return make();
    const outer = (this.values ??= new Map());
    let inner = outer.get(k1);
    if (!inner) outer.set(k1, (inner = new Map()));
    const hit = inner.get(k2);
    if (hit !== undefined || inner.has(k2)) return hit as V;
    const value = make();
    inner.set(k2, value);
    return value;
  }

  clear(): void {
    this.values?.clear();
  }
}
