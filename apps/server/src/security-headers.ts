// Headers on every response (dashboard, API, webhook, health). The CSP is strict: the built
// dashboard loads only its own hashed scripts and styles and talks only to this origin (HTTP and
// the WebSocket; CSP3's 'self' covers ws:/wss: to the same host). React sets styles through the
// DOM, which style-src does not restrict, so no 'unsafe-inline' is needed.
import type { ServerResponse } from "node:http";

const contentSecurityPolicy = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data: blob:",
  "media-src 'self' blob:",
  "font-src 'self'",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join("; ");

const securityHeaders: Readonly<Record<string, string>> = {
  "content-security-policy": contentSecurityPolicy,
  // For browsers that predate frame-ancestors.
  "x-frame-options": "DENY",
  "x-content-type-options": "nosniff",
  "referrer-policy": "no-referrer",
  "cross-origin-opener-policy": "same-origin",
  "permissions-policy": "camera=(self), microphone=(self), geolocation=()",
};

export function setSecurityHeaders(res: ServerResponse): void {
  for (const [name, value] of Object.entries(securityHeaders)) res.setHeader(name, value);
}
