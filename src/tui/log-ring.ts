// The log screen's buffer: a fixed number of lines in a ring, so following a chatty pod for hours keeps
// memory flat (k9s#1188: ~30 GB after an hour). Long lines are cut to a fixed length for the same reason.

export class LogRing {
  private readonly buf: (string | undefined)[];
  private start = 0;
  private count = 0;
  /** Every line ever pushed, kept ones and dropped ones. */
  total = 0;

  constructor(
    readonly capacity = 5000,
    readonly maxLineLength = 4096,
  ) {
    if (capacity < 1) throw new RangeError("a log ring holds at least one line");
    this.buf = new Array<string | undefined>(capacity);
  }

  get size(): number {
    return this.count;
  }

  /** Lines dropped from the front to keep the ring at its capacity. */
  get dropped(): number {
    return this.total - this.count;
  }

  push(line: string): void {
    // A slice of a long string can keep the whole string alive in V8; copy what is kept.
    const kept = line.length > this.maxLineLength ? `${line.slice(0, this.maxLineLength)}…` : line;
    const at = (this.start + this.count) % this.capacity;
    this.buf[at] = kept;
    if (this.count < this.capacity) this.count++;
    else this.start = (this.start + 1) % this.capacity;
    this.total++;
  }

  /** `n` lines from line `from` (0 = the oldest kept). */
  slice(from: number, n: number): string[] {
    const out: string[] = [];
    const end = Math.min(this.count, from + n);
    for (let i = Math.max(0, from); i < end; i++) out.push(this.buf[(this.start + i) % this.capacity]!);
    return out;
  }

  clear(): void {
    this.buf.fill(undefined);
    this.start = 0;
    this.count = 0;
    this.total = 0;
  }
}
