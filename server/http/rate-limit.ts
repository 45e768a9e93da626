import { ApiError } from '../errors.js';

export interface BucketRule {
  /** Requests allowed at once. */
  burst: number;
  /** Requests the bucket gains back per minute. */
  perMinute: number;
}

/**
 * In-memory token buckets, one per key (the client's IP). A request takes a token; an
 * empty bucket answers how many seconds until the next one. Full buckets are forgotten
 * so the map stays small.
 */
export class TokenBuckets {
  private readonly buckets = new Map<string, { tokens: number; at: number }>();

  constructor(
    readonly rule: BucketRule,
    private readonly now: () => number = () => performance.now(),
  ) {}

  /** Takes a token for `key`: 0 when granted, else the seconds to wait. */
  take(key: string): number {
    const now = this.now();
    const perMs = this.rule.perMinute / 60_000;
    const bucket = this.buckets.get(key) ?? { tokens: this.rule.burst, at: now };
    bucket.tokens = Math.min(this.rule.burst, bucket.tokens + (now - bucket.at) * perMs);
    bucket.at = now;
    if (bucket.tokens < 1) {
      this.buckets.set(key, bucket);
      return Math.max(1, Math.ceil((1 - bucket.tokens) / perMs / 1000));
    }
    bucket.tokens -= 1;
    this.buckets.set(key, bucket);
    if (this.buckets.size > 10_000) this.prune(now, perMs);
    return 0;
  }

  private prune(now: number, perMs: number): void {
    for (const [key, bucket] of this.buckets) {
      if (bucket.tokens + (now - bucket.at) * perMs >= this.rule.burst) this.buckets.delete(key);
    }
  }
}

/**
 * Per-IP limits on the doors a guesser would knock on: password and PIN sign-in, a
 * manager's PIN brought as an approval, the member PIN at the lookup kiosk, and device
 * pairing. They come on top of the lockouts (five wrong from an address). Generous enough
 * for a busy counter, far too slow to guess a PIN.
 */
export const SIGN_IN_LIMITS = {
  login: { burst: 20, perMinute: 20 },
  pin: { burst: 20, perMinute: 20 },
  /** `Hanger-Approval-Pin` (HTTP) and `approval` (WS): a PIN guessed as surely as at sign-in. */
  approval: { burst: 20, perMinute: 20 },
  memberPin: { burst: 20, perMinute: 20 },
  pairing: { burst: 30, perMinute: 30 },
  /** A device polls its claim every couple of seconds while the owner types the code. */
  claim: { burst: 60, perMinute: 60 },
  /** Feedback at the lookup kiosk: a queue of customers, not a flood. */
  feedback: { burst: 20, perMinute: 10 },
  /** Joining from one's own phone (public, with the display's ticket): as the kiosk's member lookup. */
  join: { burst: 20, perMinute: 20 },
} satisfies Record<string, BucketRule>;

export type Door = keyof typeof SIGN_IN_LIMITS;

/**
 * The server's buckets, one set per door, shared by HTTP and WebSocket. A route names its
 * door in its spec (`limit`), so the limit follows the route Express matched, whatever the
 * letter case or trailing slash of the path.
 */
export class RateLimits {
  private readonly buckets: Record<Door, TokenBuckets>;

  /** `now` (milliseconds, monotonic) is for tests. */
  constructor(limits: Record<Door, BucketRule> = SIGN_IN_LIMITS, now?: () => number) {
    this.buckets = Object.fromEntries(
      Object.entries(limits).map(([name, rule]) => [name, new TokenBuckets(rule, now)]),
    ) as Record<Door, TokenBuckets>;
  }

  /** Takes a token for `address` at `door`, or throws 429 with Retry-After. */
  take(door: Door, address: string): void {
    const wait = this.buckets[door].take(address);
    if (wait === 0) return;
    throw new ApiError(
      'too_many_requests',
      `Too many attempts from this address; try again in ${wait} s.`,
      undefined,
      { 'Retry-After': String(wait) },
    );
  }
}
