/**
 * Exponential backoff with a cap and jitter, for watches and lists that fail: retries spread out
 * so that many editors do not hammer a Supervisor that is coming back.
 */

export interface BackoffOptions {
  /** First delay, in ms (default 500). */
  readonly initialMs?: number;
  /** Largest delay, in ms (default 30 s). */
  readonly maxMs?: number;
  /** Growth per failure (default 2). */
  readonly factor?: number;
  /** Fraction of the delay that is random (0..1, default 0.5): delay × (1 − jitter × random). */
  readonly jitter?: number;
}

export class Backoff {
  private attempt = 0;
  private readonly initialMs: number;
  private readonly maxMs: number;
  private readonly factor: number;
  private readonly jitter: number;

  constructor(options: BackoffOptions = {}, private readonly random: () => number = Math.random) {
    this.initialMs = options.initialMs ?? 500;
    this.maxMs = options.maxMs ?? 30_000;
    this.factor = options.factor ?? 2;
    this.jitter = Math.min(1, Math.max(0, options.jitter ?? 0.5));
  }

  /** The delay before the next try; each call counts one more failure. */
  next(): number {
    const base = Math.min(this.maxMs, this.initialMs * Math.pow(this.factor, this.attempt));
    this.attempt++;
    return Math.round(base * (1 - this.jitter * this.random()));
  }

  /** The longest delay, jittered (for errors that retrying soon will not fix). */
  max(): number {
    this.attempt++;
    return Math.round(this.maxMs * (1 - this.jitter * this.random()));
  }

  reset(): void {
    this.attempt = 0;
  }

  get failures(): number {
    return this.attempt;
  }
}
