// What of a request's URL may go into the request log. Query strings carry secrets and
// people's words: tRPC GET queries and SSE subscriptions put the whole procedure input in
// `?input=` (invitation tokens, chat session ids, message text) and a subscription's
// `?connectionParams=` carries the session token. So no query value is ever logged, only its
// name (enough to tell a batched query from a subscription when reading the log). Some page
// paths are secrets themselves: an invitation link is /invitations/<token>.
//
// Hand-written rather than a library: the rule is ours (which paths hold secrets) and the
// query parsing is node's own URLSearchParams.

const masked = "[redacted]";

/** Pages whose next path segment is a bearer secret: whoever holds the link holds the token. */
const secretAfter = new Set(["invitations"]);

/** A path segment that is one of our API keys, wherever it appears (a key pasted into a URL). */
const apiKeySegment = /^sb_(live|test)_/i;

/**
 * A query parameter's name is logged only when it reads like a parameter name; anything else
 * (a token pasted as a bare `?<token>`, an encoded blob) is masked like a value.
 */
const plainName = /^[A-Za-z][A-Za-z0-9_]{0,31}$/;

/**
 * The request URL as it may be logged: path with secret segments masked, every query value
 * masked, fragment dropped. The raw request target is split by hand, not resolved with
 * `new URL`: resolving would turn `//invitations/<token>` into a host and a path and so
 * slip the token past the path rule. Never throws.
 */
export function redactUrlForLog(url: string): string {
  const queryAt = url.indexOf("?");
  const fragmentAt = url.indexOf("#");
  const pathEnd = Math.min(...[queryAt, fragmentAt, url.length].filter((at) => at >= 0));
  const path = maskPath(url.slice(0, pathEnd));
  if (queryAt < 0 || (fragmentAt >= 0 && fragmentAt < queryAt)) return path;
  const search = url.slice(queryAt + 1, fragmentAt > queryAt ? fragmentAt : url.length);
  const names = [...new URLSearchParams(search).keys()];
  const query = names.map((name) => `${plainName.test(name) ? name : masked}=${masked}`);
  // A bare "?" (or only "&"s) is still logged as a query that was there.
  return `${path}?${query.join("&")}`;
}

function maskPath(pathname: string): string {
  // Backslashes count as separators too: a hand-made request may use them, and the WHATWG URL
  // parsing that routes our requests reads `\` as `/` in http URLs.
  const parts = pathname.split(/([/\\])/);
  return parts
    .map((part, index) => {
      if (index % 2 === 1) return part;
      const previous = index >= 2 ? decodeSegment(parts[index - 2] ?? "") : "";
      return part !== "" && (secretAfter.has(previous.toLowerCase()) || isSecretSegment(part)) ? masked : part;
    })
    .join("");
}

function isSecretSegment(segment: string): boolean {
  const decoded = decodeSegment(segment);
  if (apiKeySegment.test(decoded)) return true;
  // An encoded separator (`invitations%2F<token>`) hides a path inside one segment.
  return decoded !== segment && /[/\\]/.test(decoded) && maskPath(decoded) !== decoded;
}

function decodeSegment(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}
