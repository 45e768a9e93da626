import type { RequestHandler } from 'express';
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
 * Per-IP limits on the doors a guesser would knock on: password and PIN sign-in, the
 * member PIN at the lookup kiosk, and device pairing. They come on top of the per-account
 * lockouts (five wrong in a row). Generous enough for a busy counter, far too slow to
 * guess a PIN.
 */
export const SIGN_IN_LIMITS = {
  login: { burst: 20, perMinute: 20 },
  pin: { burst: 20, perMinute: 20 },
  memberPin: { burst: 20, perMinute: 20 },
  pairing: { burst: 30, perMinute: 30 },
  /** A device polls its claim every couple of seconds while the owner types the code. */
  claim: { burst: 60, perMinute: 60 },
  /** Feedback at the lookup kiosk: a queue of customers, not a flood. */
  feedback: { burst: 20, perMinute: 10 },
  /** Joining from one's own phone (public, with the display's ticket): as the kiosk's member lookup. */
  join: { burst: 20, perMinute: 20 },
} satisfies Record<string, BucketRule>;

const DOORS: { method: string; path: RegExp; limit: keyof typeof SIGN_IN_LIMITS }[] = [
  { method: 'POST', path: /^\/api\/auth\/login\/?$/, limit: 'login' },
  { method: 'POST', path: /^\/api\/auth\/pin\/?$/, limit: 'pin' },
  { method: 'POST', path: /^\/api\/self\/lookup\/?$/, limit: 'memberPin' },
  { method: 'POST', path: /^\/api\/devices\/pairings\/?$/, limit: 'pairing' },
  { method: 'POST', path: /^\/api\/devices\/pairings\/[^/]+\/claim\/?$/, limit: 'claim' },
  { method: 'POST', path: /^\/api\/self\/feedback\/?$/, limit: 'feedback' },
  { method: 'POST', path: /^\/api\/join\/?$/, limit: 'join' },
];

/** The rate-limit middleware; `now` (milliseconds, monotonic) is for tests. */
export function signInRateLimits(
  limits: Record<keyof typeof SIGN_IN_LIMITS, BucketRule> = SIGN_IN_LIMITS,
  now?: () => number,
): RequestHandler {
  const buckets = Object.fromEntries(
    Object.entries(limits).map(([name, rule]) => [name, new TokenBuckets(rule, now)]),
  ) as Record<keyof typeof SIGN_IN_LIMITS, TokenBuckets>;
  return (req, _res, next) => {
    const door = DOORS.find((d) => d.method === req.method && d.path.test(req.path));
    if (!door) return next();
    const wait = buckets[door.limit].take(req.ip ?? req.socket.remoteAddress ?? 'unknown');
    if (wait === 0) return next();
    next(
      new ApiError(
        'too_many_requests',
        `Too many attempts from this address; try again in ${wait} s.`,
        undefined,
        { 'Retry-After': String(wait) },
      ),
    );
  };
}
