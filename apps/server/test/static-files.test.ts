// The dashboard's delivery: precompressed copies chosen by Accept-Encoding, cache headers for
// hashed assets and index.html, source maps refused, paths outside the directory refused.
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { createServer, type IncomingHttpHeaders, request, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import os from "node:os";
import path from "node:path";
import { brotliCompressSync, brotliDecompressSync, gunzipSync, gzipSync } from "node:zlib";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createStaticHandler, negotiateEncoding } from "../src/static-files.ts";

const indexHtml = `<!doctype html><title>Switchboard</title><script type="module" src="/assets/app-abc.js"></script>`;
const appJs = `console.log(${JSON.stringify("the dashboard ".repeat(200))});`;
const styles = `body { color: black; }\n`.repeat(50);
const plainJs = `console.log("no compressed copy of this one");`;

let root: string;
let server: Server;
let origin: string;

beforeAll(async () => {
  root = await mkdtemp(path.join(os.tmpdir(), "sb-static-"));
  const files: Record<string, Buffer | string> = {
    "index.html": indexHtml,
    "index.html.br": brotliCompressSync(indexHtml),
    "index.html.gz": gzipSync(indexHtml),
    "assets/app-abc.js": appJs,
    "assets/app-abc.js.br": brotliCompressSync(appJs),
    "assets/app-abc.js.gz": gzipSync(appJs),
    "assets/app-abc.js.map": `{"version":3,"sources":["../src/secret-source.tsx"]}`,
    // Only a gzip copy, as after a build that skipped brotli for this file.
    "assets/styles-abc.css": styles,
    "assets/styles-abc.css.gz": gzipSync(styles),
    // No copy at all, as for a file too small to shrink.
    "assets/plain-abc.js": plainJs,
    "assets/logo-abc.png": Buffer.from([0x89, 0x50, 0x4e, 0x47]),
  };
  for (const [name, content] of Object.entries(files)) {
    await mkdir(path.dirname(path.join(root, name)), { recursive: true });
    await writeFile(path.join(root, name), content);
  }
  const serveStatic = createStaticHandler(root);
  server = createServer((req, res) => {
    void serveStatic(req, res, new URL(req.url ?? "/", "http://localhost").pathname);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await new Promise((resolve) => server?.close(resolve));
  if (root) await rm(root, { recursive: true, force: true });
});

/** A raw request (fetch would decompress and hide the bytes sent), the path sent as written. */
function get(target: string, headers: Record<string, string> = {}, method = "GET") {
  return new Promise<{ status: number; headers: IncomingHttpHeaders; body: Buffer }>((resolve, reject) => {
    const req = request(`${origin}${target}`, { method, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (chunk: Buffer) => chunks.push(chunk));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
    });
    req.on("error", reject);
    req.end();
  });
}

function decoded(response: { headers: IncomingHttpHeaders; body: Buffer }) {
  const encoding = response.headers["content-encoding"];
  if (encoding === "br") return brotliDecompressSync(response.body).toString();
  if (encoding === "gzip") return gunzipSync(response.body).toString();
  expect(encoding).toBeUndefined();
  return response.body.toString();
}

describe("negotiateEncoding", () => {
  const both = ["br", "gzip"] as const;
  it.each([
    ["a browser's usual header", "gzip, deflate, br, zstd", both, "br"],
    ["gzip alone", "gzip", both, "gzip"],
    ["gzip's old name", "x-gzip", both, "gzip"],
    ["names in any case", "GZip, BR", both, "br"],
    ["a higher q-value over the preferred order", "br;q=0.5, gzip;q=0.9", both, "gzip"],
    ["a q=0 refusal", "br;q=0, gzip", both, "gzip"],
    ["every coding refused", "br;q=0, gzip;q=0", both, "identity"],
    ["identity preferred by q-value", "gzip;q=0.4, identity;q=0.8", both, "identity"],
    ["identity only", "identity", both, "identity"],
    ["* for every coding not named", "*", both, "br"],
    ["* refused, br named", "br, *;q=0", both, "br"],
    ["even identity refused, nothing else accepted: identity all the same", "identity;q=0, *;q=0", both, "identity"],
    ["a malformed q-value ignores that entry", "br;q=2, gzip;q=abc, identity;q=0.1", both, "identity"],
    ["an empty header: identity only", "", both, "identity"],
    ["no header: nothing compressed", undefined, both, "identity"],
    ["an accepted coding with no copy on disk", "br", ["gzip"] as const, "identity"],
    ["gzip when brotli has no copy", "br, gzip;q=0.5", ["gzip"] as const, "gzip"],
  ])("%s (%j)", (_, header, available, expected) => {
    expect(negotiateEncoding(header, available)).toBe(expected);
  });
});

describe("the dashboard's files", () => {
  it("sends brotli when the client takes both, with the original's type and the copy's length", async () => {
    const response = await get("/assets/app-abc.js", { "accept-encoding": "gzip, deflate, br" });
    expect(response.status).toBe(200);
    expect(response.headers).toMatchObject({
      "content-encoding": "br",
      "content-type": "text/javascript; charset=utf-8",
      "content-length": String(brotliCompressSync(appJs).length),
      vary: "Accept-Encoding",
      "cache-control": "public, max-age=31536000, immutable",
    });
    expect(decoded(response)).toBe(appJs);
  });

  it("sends gzip to a client that takes only gzip", async () => {
    const response = await get("/assets/app-abc.js", { "accept-encoding": "gzip" });
    expect(response.headers["content-encoding"]).toBe("gzip");
    expect(Number(response.headers["content-length"])).toBe(response.body.length);
    expect(decoded(response)).toBe(appJs);
  });

  it("sends the original, still varying by Accept-Encoding, without the header or when both are refused", async () => {
    const requests: Record<string, string>[] = [
      {},
      { "accept-encoding": "br;q=0, gzip;q=0" },
      { "accept-encoding": "identity" },
    ];
    for (const headers of requests) {
      const response = await get("/assets/app-abc.js", headers);
      expect(response.headers["content-encoding"]).toBeUndefined();
      expect(response.headers.vary).toBe("Accept-Encoding");
      expect(response.headers["content-length"]).toBe(String(Buffer.byteLength(appJs)));
      expect(response.body.toString()).toBe(appJs);
    }
  });

  it("falls back to what is on disk when a copy is missing", async () => {
    const gzipOnly = await get("/assets/styles-abc.css", { "accept-encoding": "br, gzip" });
    expect(gzipOnly.headers).toMatchObject({ "content-encoding": "gzip", "content-type": "text/css; charset=utf-8" });
    expect(decoded(gzipOnly)).toBe(styles);
    const none = await get("/assets/plain-abc.js", { "accept-encoding": "br, gzip" });
    expect(none.headers["content-encoding"]).toBeUndefined();
    expect(none.body.toString()).toBe(plainJs);
  });

  it("never compresses or varies binary files", async () => {
    const response = await get("/assets/logo-abc.png", { "accept-encoding": "br, gzip" });
    expect(response.headers).toMatchObject({ "content-type": "image/png", "content-length": "4" });
    expect(response.headers["content-encoding"]).toBeUndefined();
    expect(response.headers.vary).toBeUndefined();
  });

  it("sends index.html, and the client-side routes it answers, compressed but never cached unrevalidated", async () => {
    for (const target of ["/", "/index.html", "/requests/board"]) {
      const response = await get(target, { "accept-encoding": "br" });
      expect(response.headers).toMatchObject({
        "content-encoding": "br",
        "content-type": "text/html; charset=utf-8",
        "cache-control": "no-cache",
        vary: "Accept-Encoding",
      });
      expect(decoded(response)).toBe(indexHtml);
    }
  });

  it("answers HEAD with the same headers and no body", async () => {
    const head = await get("/assets/app-abc.js", { "accept-encoding": "gzip" }, "HEAD");
    expect(head.status).toBe(200);
    expect(head.headers).toMatchObject({
      "content-encoding": "gzip",
      "content-length": String(gzipSync(appJs).length),
      "cache-control": "public, max-age=31536000, immutable",
    });
    expect(head.body.length).toBe(0);
  });

  it("refuses source maps, even ones on disk, and never answers them with the page", async () => {
    for (const target of [
      "/assets/app-abc.js.map",
      "/assets/app-abc.js.MAP",
      "/assets/app-abc.js%2emap",
      "/app.js.map",
    ]) {
      const response = await get(target);
      expect({ target, status: response.status }).toEqual({ target, status: 404 });
      expect(response.body.toString()).not.toContain("secret-source");
    }
  });

  it("keeps unknown assets 404 and everything outside the directory out of reach", async () => {
    expect((await get("/assets/missing-abc.js")).status).toBe(404);
    for (const target of [
      "/%2e%2e/%2e%2e/%2e%2e/etc/passwd",
      "/assets/..%2f..%2f..%2f..%2fetc%2fpasswd",
      "/../../etc/passwd",
    ]) {
      const response = await get(target);
      expect(decoded(response)).not.toContain("root:");
    }
    expect((await get("/%E0%A4%A")).status).toBe(400);
    const nul = await get("/requests%00/board");
    expect(decoded(nul)).toBe(indexHtml);
  });
});
