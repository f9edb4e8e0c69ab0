import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { isPublicAddress, OutboundPolicy, OutboundRefusedError, parseAllowedHosts } from "./outbound-policy.ts";

/** A local HTTP server that records what reached it and answers with `respond`. */
async function startServer(respond: (path: string) => { status: number; headers?: Record<string, string> }) {
  const hits: string[] = [];
  const server: Server = createServer((req, res) => {
    hits.push(req.url ?? "");
    const { status, headers } = respond(req.url ?? "");
    res.writeHead(status, { "content-type": "application/json", ...headers });
    res.end('{"ok":true}');
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.address() as AddressInfo).port;
  return { hits, port, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}

/** The reason fetch failed: undici wraps connect-time refusals in TypeError("fetch failed"). */
async function refusal(promise: Promise<unknown>) {
  const error = await promise.then(
    () => null,
    (caught: unknown) => caught,
  );
  if (error instanceof OutboundRefusedError) return error;
  const cause = (error as { cause?: unknown } | null)?.cause;
  return cause instanceof OutboundRefusedError ? cause : error;
}

describe("isPublicAddress", () => {
  it.each([
    ["8.8.8.8", true],
    ["2606:4700:4700::1111", true],
    ["127.0.0.1", false],
    ["10.1.2.3", false],
    ["172.16.0.1", false],
    ["192.168.1.1", false],
    ["169.254.169.254", false],
    ["0.0.0.0", false],
    ["100.64.0.1", false],
    ["::1", false],
    ["::", false],
    ["fe80::1", false],
    ["fd00::1", false],
    ["::ffff:127.0.0.1", false],
    ["::ffff:10.0.0.1", false],
    ["::ffff:8.8.8.8", true],
    ["64:ff9b::7f00:1", false],
    ["2002:7f00:1::", false],
    ["224.0.0.1", false],
    ["255.255.255.255", false],
    ["not an address", false],
  ])("%s → %s", (address, expected) => {
    expect(isPublicAddress(address)).toBe(expected);
  });
});

describe("checkUrl (save time, no DNS)", () => {
  const policy = new OutboundPolicy({ allowedHosts: "localhost:11434, 127.0.0.1:8080, [::1]:9000, models.lan" });
  afterAll(() => policy.close());

  it("accepts public https addresses", () => {
    expect(policy.checkUrl("https://api.example.com/v1")).toMatchObject({ ok: true, allowlisted: false });
    expect(policy.checkUrl("https://8.8.8.8:8443/v1")).toMatchObject({ ok: true });
  });

  it.each([
    ["http://api.example.com/v1", "scheme"],
    ["ftp://api.example.com", "invalid"],
    ["not a url", "invalid"],
    ["https://user:pass@api.example.com/v1", "credentials"],
    ["https://127.0.0.1/v1", "address"],
    ["https://10.0.0.5/v1", "address"],
    ["https://169.254.169.254/latest/meta-data", "address"],
    ["https://0.0.0.0/v1", "address"],
    ["https://[::1]/v1", "address"],
    ["https://[::ffff:127.0.0.1]/v1", "address"],
    ["https://[fd12::1]/v1", "address"],
    ["https://2130706433/v1", "address"], // the URL parser's 127.0.0.1
    ["https://0x7f.1/v1", "address"],
    ["https://localhost/v1", "host"],
    ["https://api.localhost/v1", "host"],
    ["https://metadata/computeMetadata", "host"],
    ["https://db.internal/v1", "host"],
    ["http://localhost:11435/v1", "scheme"], // listed only on 11434
    ["https://127.0.0.1:8081/v1", "address"], // listed only on 8080
  ])("refuses %s (%s)", (url, reason) => {
    expect(policy.checkUrl(url)).toMatchObject({ ok: false, reason });
  });

  it("accepts what the operator listed, http included", () => {
    expect(policy.checkUrl("http://localhost:11434/v1")).toMatchObject({ ok: true, allowlisted: true });
    expect(policy.checkUrl("http://127.0.0.1:8080/v1")).toMatchObject({ ok: true, allowlisted: true });
    expect(policy.checkUrl("http://[::1]:9000/v1")).toMatchObject({ ok: true, allowlisted: true });
    expect(policy.checkUrl("http://models.lan:1234/v1")).toMatchObject({ ok: true, allowlisted: true });
  });

  it("gives plain messages", () => {
    const check = policy.checkUrl("http://api.example.com/v1");
    expect(check.ok ? "" : check.message).toMatch(/^Use an https:\/\/ address/);
  });

  it("refuses a malformed allowlist entry at start", () => {
    expect(() => parseAllowedHosts("http://localhost:1234")).toThrow(/OUTBOUND_ALLOWED_HOSTS/);
    expect(parseAllowedHosts(" A.example:80 ,, b.example")).toEqual([
      { host: "a.example", port: "80" },
      { host: "b.example", port: null },
    ]);
  });
});

describe("fetch (call time)", () => {
  let target: Awaited<ReturnType<typeof startServer>>;
  let elsewhere: Awaited<ReturnType<typeof startServer>>;
  let redirector: Awaited<ReturnType<typeof startServer>>;
  beforeAll(async () => {
    target = await startServer(() => ({ status: 200 }));
    elsewhere = await startServer(() => ({ status: 200 }));
    redirector = await startServer((path) => ({
      status: 302,
      headers: {
        location: path.includes("metadata")
          ? "http://169.254.169.254/latest/meta-data"
          : `http://127.0.0.1:${elsewhere.port}/stolen`,
      },
    }));
  });
  afterAll(async () => {
    await Promise.all([target.close(), elsewhere.close(), redirector.close()]);
  });

  it("reaches a listed local server", async () => {
    const policy = new OutboundPolicy({ allowedHosts: `127.0.0.1:${target.port}` });
    const response = await policy.fetch(`http://127.0.0.1:${target.port}/v1/models`);
    expect(response.status).toBe(200);
    expect(target.hits).toContain("/v1/models");
    await policy.close();
  });

  it("refuses an unlisted loopback address before connecting", async () => {
    const policy = new OutboundPolicy();
    const before = target.hits.length;
    expect(await refusal(policy.fetch(`http://127.0.0.1:${target.port}/v1/models`))).toBeInstanceOf(
      OutboundRefusedError,
    );
    expect(await refusal(policy.fetch(`https://localhost:${target.port}/v1/models`))).toBeInstanceOf(
      OutboundRefusedError,
    );
    expect(target.hits.length).toBe(before);
    await policy.close();
  });

  it("refuses a public-looking name that resolves to loopback at connect time (DNS rebinding)", async () => {
    let lookups = 0;
    const policy = new OutboundPolicy({
      resolve: async () => {
        lookups++;
        return [{ address: "127.0.0.1", family: 4 }];
      },
    });
    expect(policy.checkUrl(`https://llm.example.com:${target.port}/v1`)).toMatchObject({ ok: true });
    const error = await refusal(policy.fetch(`https://llm.example.com:${target.port}/v1/models`));
    expect(error).toBeInstanceOf(OutboundRefusedError);
    expect((error as Error).message).toMatch(/resolves to 127\.0\.0\.1/);
    expect(lookups).toBeGreaterThan(0);
    await policy.close();
  });

  it("refuses a name when any of its addresses is private (v4-mapped v6 included)", async () => {
    const policy = new OutboundPolicy({
      resolve: async () => [
        { address: "93.184.215.14", family: 4 },
        { address: "::ffff:10.0.0.1", family: 6 },
      ],
    });
    expect(await refusal(policy.fetch("https://llm.example.com/v1/models"))).toBeInstanceOf(OutboundRefusedError);
    await policy.close();
  });

  it("does not follow a redirect, not even to another listed port or the metadata address", async () => {
    const policy = new OutboundPolicy({ allowedHosts: `127.0.0.1:${redirector.port},127.0.0.1:${elsewhere.port}` });
    expect(await refusal(policy.fetch(`http://127.0.0.1:${redirector.port}/v1/chat`))).toBeInstanceOf(
      OutboundRefusedError,
    );
    expect(await refusal(policy.fetch(`http://127.0.0.1:${redirector.port}/metadata`))).toBeInstanceOf(
      OutboundRefusedError,
    );
    expect(redirector.hits).toEqual(["/v1/chat", "/metadata"]);
    expect(elsewhere.hits).toEqual([]);
    await policy.close();
  });
});
