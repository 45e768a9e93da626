import type { RequestHandler } from 'express';

/**
 * Security headers on every response (what helmet would set, without the package). The
 * screens are Vite-built Lit pages with no inline script, so scripts come from this server
 * only; the WebSocket goes back to the host the page came from.
 */
export function securityHeaders(): RequestHandler {
  const fixed = {
    'X-Content-Type-Options': 'nosniff',
    'Referrer-Policy': 'no-referrer',
    'X-Frame-Options': 'DENY',
    'Cross-Origin-Opener-Policy': 'same-origin',
    'Cross-Origin-Resource-Policy': 'same-origin',
    'Origin-Agent-Cluster': '?1',
    'X-DNS-Prefetch-Control': 'off',
    'X-Permitted-Cross-Domain-Policies': 'none',
  };
  return (req, res, next) => {
    const host = req.get('host');
    // A Host with anything but host[:port] characters is not echoed into the policy.
    const socketSources =
      host && /^[\w.-]+(:\d{1,5})?$|^\[[\d:a-f.]+\](:\d{1,5})?$/i.test(host)
        ? ` ws://${host} wss://${host}`
        : '';
    res.set(fixed);
    res.set(
      'Content-Security-Policy',
      [
        "default-src 'self'",
        "script-src 'self'",
        // Lit's styleMap sets style attributes; styles cannot run code, scripts stay 'self' only.
        "style-src 'self' 'unsafe-inline'",
        "img-src 'self' data: blob:",
        "font-src 'self' data:",
        `connect-src 'self'${socketSources}`,
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
      ].join('; '),
    );
    next();
  };
}
