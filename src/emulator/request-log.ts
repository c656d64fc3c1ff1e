/** One request as the emulator received it. */
export interface RecordedRequest {
  method: string;
  path: string;
  query: Record<string, string>;
  /**
   * The request's headers by lower-case name, as they arrived (Baidu documents
   * `Content-Type: application/json` for the order-center calls: contract §1.1).
   */
  headers: Record<string, string>;
  /** Parsed JSON, or the raw text if it is not JSON, or undefined when the body is empty. */
  body: unknown;
  /**
   * When the whole request had arrived, in ms since the epoch (the machine's clock, for rate
   * checks).
   */
  receivedAt: number;
  /**
   * The HTTP status the emulator answered with, once it has (a scripted latency answers later);
   * left out for a request it never answered (a `drop` or `hang` fault).
   */
  status?: number;
}

/** A ring buffer: a benchmark sends millions of requests, so only the newest `limit` are kept. */
export class RequestLog {
  private entries: RecordedRequest[] = [];
  private start = 0;

  constructor(private readonly limit: number) {}

  push(request: RecordedRequest): void {
    if (this.limit <= 0) return;
    if (this.entries.length < this.limit) {
      this.entries.push(request);
      return;
    }
    this.entries[this.start] = request;
    this.start = (this.start + 1) % this.limit;
  }

  /** Oldest first. */
  list(): RecordedRequest[] {
    return [...this.entries.slice(this.start), ...this.entries.slice(0, this.start)];
  }

  clear(): void {
    this.entries = [];
    this.start = 0;
  }
}
