// The one rule for calls to an address a tenant chose (an agent's OpenAI-compatible base URL):
// https only, to public addresses only, unless the operator listed the host in
// OUTBOUND_ALLOWED_HOSTS (e.g. a local model server on localhost:11434). The rule is applied
// when the address is saved (checkUrl, for a clear field error) and again on every call
// (OutboundPolicy.fetch): the URL is re-checked, literal IPs are checked before connecting, and
// host names are resolved by our own lookup at connect time, so a name that resolved to a public
// address when saved and to 127.0.0.1 now (DNS rebinding) is refused. Redirects are never
// followed. Address classes come from ipaddr.js (IPv4, IPv6, v4-mapped v6 unwrapped): only
// plain public unicast is allowed; loopback, private, link-local (169.254.169.254, the cloud
// metadata service), unspecified (0.0.0.0), carrier-grade NAT, unique-local, 6to4/Teredo/NAT64
// (which can wrap a private v4 address) and the other special ranges are refused.
import dns from "node:dns";
import { isIP, type LookupFunction } from "node:net";
import ipaddr from "ipaddr.js";
import { Agent, buildConnector, fetch as undiciFetch } from "undici";

/** A call to a tenant's address that the policy refused (the detail is for the log only). */
export class OutboundRefusedError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "OutboundRefusedError";
  }
}

export type OutboundUrlCheck =
  | { ok: true; url: URL; allowlisted: boolean }
  | { ok: false; reason: "invalid" | "scheme" | "credentials" | "host" | "address"; message: string };

export interface ResolvedAddress {
  address: string;
  family: number;
}

export interface OutboundPolicyOptions {
  /** OUTBOUND_ALLOWED_HOSTS: "host" (any port) or "host:port", comma-separated; "[::1]:8080" for IPv6. */
  allowedHosts?: string | readonly string[] | undefined;
  /** How host names are resolved at connect time (default: the system resolver). Tests swap it. */
  resolve?: (hostname: string) => Promise<ResolvedAddress[]>;
  /** Connect timeout (default 10 s). */
  connectTimeoutMs?: number;
}

interface AllowedHost {
  host: string;
  port: string | null;
}

/** Plain words for the save-time field errors. */
const messages = {
  invalid: "Enter the provider's address, like https://llm.example.com/v1.",
  scheme: "Use an https:// address. This server allows http:// only for addresses its operator has listed.",
  credentials: "Put the key in the key field, not in the address.",
  host: "Use the provider's public address, a name like llm.example.com.",
  address: "This address is on a private or local network. Use the provider's public https:// address.",
} as const;

const defaultPort = (protocol: string) => (protocol === "https:" ? "443" : "80");
const bare = (hostname: string) => hostname.replace(/^\[|\]$/g, "").toLowerCase();

/** Whether an IP address is plain public unicast (v4-mapped v6 judged as the v4 address it carries). */
export function isPublicAddress(address: string): boolean {
  if (!ipaddr.isValid(address)) return false;
  return ipaddr.process(address).range() === "unicast";
}

/** Names that only ever mean this machine or a private network, whatever DNS says. */
function isLocalName(host: string): boolean {
  return (
    !host.includes(".") ||
    host === "localhost" ||
    /\.(localhost|local|internal|intranet|lan|home|corp|localdomain|home\.arpa)$/.test(host)
  );
}

export function parseAllowedHosts(value: string | readonly string[] | undefined): AllowedHost[] {
  const entries = typeof value === "string" ? value.split(",") : (value ?? []);
  return entries
    .map((entry) => entry.trim().toLowerCase())
    .filter(Boolean)
    .map((entry) => {
      const v6 = /^\[([^\]]+)\](?::(\d+))?$/.exec(entry);
      if (v6) return { host: v6[1]!, port: v6[2] ?? null };
      const withPort = /^([^:]+):(\d+)$/.exec(entry);
      if (withPort) return { host: withPort[1]!, port: withPort[2]! };
      if (entry.includes(":") || entry.includes("/")) {
        throw new Error(`OUTBOUND_ALLOWED_HOSTS: "${entry}" must be host or host:port (IPv6 as [::1]:8080)`);
      }
      return { host: entry, port: null };
    });
}

export class OutboundPolicy {
  readonly #allowed: AllowedHost[];
  readonly #resolve: (hostname: string) => Promise<ResolvedAddress[]>;
  readonly #agent: Agent;

  constructor(options: OutboundPolicyOptions = {}) {
    this.#allowed = parseAllowedHosts(options.allowedHosts);
    this.#resolve = options.resolve ?? ((hostname) => dns.promises.lookup(hostname, { all: true, verbatim: true }));
    const connect = buildConnector({ lookup: this.#lookup, timeout: options.connectTimeoutMs ?? 10_000 });
    this.#agent = new Agent({
      connect: (connectOptions, callback) => {
        // Node's socket skips `lookup` for a literal IP, so literal addresses are judged here.
        const host = bare(connectOptions.hostname);
        if (isIP(host) && !this.#hostListed(host) && !isPublicAddress(host)) {
          callback(new OutboundRefusedError(`refused to connect to ${host}: not a public address`), null);
          return;
        }
        connect(connectOptions, callback);
      },
    });
  }

  /** Is this host (any port) or host:port on the operator's list? */
  #listed(host: string, port: string): boolean {
    return this.#allowed.some((entry) => entry.host === host && (entry.port === null || entry.port === port));
  }

  #hostListed(host: string): boolean {
    return this.#allowed.some((entry) => entry.host === host);
  }

  /** The save-time (and call-time) check of a tenant's address; no DNS, so saving probes nothing. */
  checkUrl(raw: string): OutboundUrlCheck {
    const refuse = (reason: keyof typeof messages): OutboundUrlCheck => ({
      ok: false,
      reason,
      message: messages[reason],
    });
    if (!URL.canParse(raw)) return refuse("invalid");
    const url = new URL(raw);
    if (url.protocol !== "https:" && url.protocol !== "http:") return refuse("invalid");
    if (url.username || url.password) return refuse("credentials");
    const host = bare(url.hostname);
    if (!host) return refuse("invalid");
    const allowlisted = this.#listed(host, url.port || defaultPort(url.protocol));
    if (allowlisted) return { ok: true, url, allowlisted };
    if (url.protocol !== "https:") return refuse("scheme");
    if (isIP(host)) return isPublicAddress(host) ? { ok: true, url, allowlisted } : refuse("address");
    if (isLocalName(host)) return refuse("host");
    return { ok: true, url, allowlisted };
  }

  /** Connect-time resolution: every address a name resolves to must be allowed, or none is used. */
  #lookup: LookupFunction = (hostname, options, callback) => {
    const host = bare(hostname);
    this.#resolve(host).then(
      (found) => {
        const family = typeof options.family === "number" ? options.family : 0;
        const addresses = found.filter((a) => family === 0 || a.family === family);
        if (addresses.length === 0) {
          const error: NodeJS.ErrnoException = new Error(`no address for ${host}`);
          error.code = "ENOTFOUND";
          callback(error, "", 0);
          return;
        }
        const refused = addresses.find((a) => !isPublicAddress(a.address));
        if (refused && !this.#hostListed(host)) {
          callback(new OutboundRefusedError(`refused ${host}: it resolves to ${refused.address}`), "", 0);
          return;
        }
        if (options.all) callback(null, addresses);
        else callback(null, addresses[0]!.address, addresses[0]!.family);
      },
      (error: NodeJS.ErrnoException) => callback(error, "", 0),
    );
  };

  /**
   * fetch for calls to a tenant's address (give it to the OpenAI SDK as `fetch`): the URL is
   * checked on every call, connections go through the policy's lookup, and a redirect is an error
   * rather than a hop to wherever it points.
   */
  readonly fetch = async (input: string | URL | Request, init?: RequestInit): Promise<Response> => {
    const href = input instanceof Request ? input.url : String(input);
    const check = this.checkUrl(href);
    if (!check.ok) throw new OutboundRefusedError(`refused ${href}: ${check.reason}`);
    const response = await undiciFetch(href, {
      ...(init as Parameters<typeof undiciFetch>[1]),
      dispatcher: this.#agent,
      redirect: "manual",
    });
    if (response.status >= 300 && response.status < 400) {
      await response.body?.cancel().catch(() => {});
      throw new OutboundRefusedError(`refused a redirect from ${check.url.host} (status ${response.status})`);
    }
    return response as unknown as Response;
  };

  async close(): Promise<void> {
    await this.#agent.close();
  }
}
