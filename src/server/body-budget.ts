/**
 * The request-body bytes all requests hold at once, bounded by `inFlightBodyBytes`. A request takes
 * from the budget what it declares (Content-Length) before reading, or what arrives as it arrives,
 * and what decoding adds; it gives everything back once answered. What does not fit is refused
 * (the pipeline answers 503) unless the request would be alone, so one body up to its route's own
 * limit is always taken.
 */
export class BodyBudget {
  private used = 0;

  constructor(private readonly limit: number) {}

  /** Bytes held by requests in flight. */
  get inUse(): number {
    return this.used;
  }

  /** One request's share: `take` more bytes (false when they do not fit), `release` all at the end. */
  lease(): { take(n: number): boolean; release(): void } {
    let held = 0;
    return {
      take: (n) => {
        if (this.used + n > this.limit && this.used > held) return false;
        this.used += n;
        held += n;
        return true;
      },
      release: () => {
        this.used -= held;
        held = 0;
      },
    };
  }
}
