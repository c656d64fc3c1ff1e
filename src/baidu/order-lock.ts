/**
 * Serialises work per key (one key per Baidu order) within this process, so a retried write never
 * lands after a newer write to the same order. All keys of one call are taken in one synchronous
 * step, which keeps the queues in one global order and so cannot deadlock.
 */
export class OrderLock {
  private readonly tails = new Map<string, Promise<void>>();

  async run<T>(keys: readonly string[], work: () => Promise<T>): Promise<T> {
    let release!: () => void;
    const done = new Promise<void>((resolve) => (release = resolve));
    const waits: Promise<void>[] = [];
    for (const key of new Set(keys)) {
      const previous = this.tails.get(key);
      if (previous) waits.push(previous);
      this.tails.set(key, done);
    }
    try {
      if (waits.length > 0) await Promise.all(waits);
      return await work();
    } finally {
      release();
      for (const key of keys) if (this.tails.get(key) === done) this.tails.delete(key);
    }
  }
}
