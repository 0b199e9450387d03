/**
 * A keyed cache whose entries expire, where concurrent asks for a missing key share one computation
 * (the registry client's pings, Bearer tokens, ECR passwords and whole pull-check results all work this
 * way: two checks of one registry must cost one ping and one token). Each entry carries a tag — the
 * registry host it belongs to — so one registry's entries can be dropped. A failed computation is not
 * kept: the next ask computes again.
 */

interface Entry<V, T> {
  value: V;
  expiresAt: number;
  tag: T;
}

export class InFlightCache<V, T> {
  private readonly entries = new Map<string, Entry<V, T>>();
  private readonly inFlight = new Map<string, Promise<V>>();

  constructor(private readonly now: () => number) {}

  /** The value, while it has not expired. */
  get(key: string): V | undefined {
    const entry = this.entries.get(key);
    if (!entry) return undefined;
    if (entry.expiresAt > this.now()) return entry.value;
    this.entries.delete(key);
    return undefined;
  }

  set(key: string, value: V, expiresAt: number, tag: T): void {
    this.entries.set(key, { value, expiresAt, tag });
  }

  delete(key: string): void {
    this.entries.delete(key);
  }

  /**
   * The fresh value, else the computation already in flight for `key`, else a new one. `keep` says
   * until when (and under which tag) a result is kept; undefined keeps nothing. `shareInFlight: false`
   * starts a computation of its own (a forced refresh) — it still replaces the kept value.
   */
  obtain(key: string, compute: () => Promise<V>, keep: (value: V) => { expiresAt: number; tag: T } | undefined, options: { useCached?: boolean; shareInFlight?: boolean } = {}): Promise<V> {
    if (options.useCached !== false) {
      const cached = this.get(key);
      if (cached !== undefined) return Promise.resolve(cached);
    }
    const pending = options.shareInFlight === false ? undefined : this.inFlight.get(key);
    if (pending) return pending;
    const started = compute().then((value) => {
      const kept = keep(value);
      if (kept) this.set(key, value, kept.expiresAt, kept.tag);
      return value;
    });
    this.inFlight.set(key, started);
    void started
      .finally(() => {
        if (this.inFlight.get(key) === started) this.inFlight.delete(key);
      })
      .catch(() => undefined);
    return started;
  }

  /** Whether a computation for `key` is running (a caller that joins it did not cause it). */
  isInFlight(key: string): boolean {
    return this.inFlight.has(key);
  }

  /** Drops the kept entries whose tag matches (computations in flight finish and are kept). */
  deleteWhere(matches: (tag: T) => boolean): void {
    for (const [key, entry] of this.entries) if (matches(entry.tag)) this.entries.delete(key);
  }
}
