// The dashboard's bundle budget: the JavaScript a first visit must load before the page can
// start (the entry scripts index.html names, and the chunks it modulepreloads) stays under
// 150 KB gzipped. The test builds the dashboard itself, into a temporary directory, with its own
// vite.config.ts (about two seconds), so it checks the sources as they are, never a stale dist/.
import { existsSync } from "node:fs";
import { mkdtemp, readdir, readFile, rm } from "node:fs/promises";
import { createServer, request, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { gzipSync } from "node:zlib";
import { build } from "vite";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createStaticHandler } from "../src/static-files.ts";

const budgetBytes = 150 * 1024;
const dashboardRoot = fileURLToPath(new URL("../../dashboard", import.meta.url));

let outDir: string;
let indexHtml: string;

beforeAll(async () => {
  outDir = await mkdtemp(path.join(os.tmpdir(), "sb-dashboard-build-"));
  // Vitest sets NODE_ENV=test, and Vite keeps a NODE_ENV it finds: React would be built in its
  // development flavour, 60 KB larger than what `vite build` ships.
  const nodeEnv = process.env.NODE_ENV;
  process.env.NODE_ENV = "production";
  try {
    await build({
      root: dashboardRoot,
      configFile: path.join(dashboardRoot, "vite.config.ts"),
      mode: "production",
      logLevel: "warn",
      build: { outDir, emptyOutDir: true },
    });
  } finally {
    process.env.NODE_ENV = nodeEnv;
  }
  indexHtml = await readFile(path.join(outDir, "index.html"), "utf8");
}, 120_000);

afterAll(async () => {
  if (outDir) await rm(outDir, { recursive: true, force: true });
});

/** The tags of one name in index.html, each as its attributes (in whatever order Vite wrote them). */
function tags(html: string, name: string) {
  return [...html.matchAll(new RegExp(`<${name}\\b([^>]*)>`, "gi"))].map((match) =>
    Object.fromEntries(
      [...(match[1] ?? "").matchAll(/([\w-]+)(?:\s*=\s*"([^"]*)")?/g)].map((attribute) => [
        attribute[1]?.toLowerCase(),
        attribute[2] ?? "",
      ]),
    ),
  );
}

/** What a first visit loads before the dashboard runs: entry scripts and modulepreloaded chunks. */
function initialScripts(html: string) {
  const entries = tags(html, "script")
    .filter((script) => script.type === "module" && script.src)
    .map((script) => script.src);
  const preloads = tags(html, "link")
    .filter((link) => link.rel === "modulepreload" && link.href)
    .map((link) => link.href);
  return [...new Set([...entries, ...preloads])] as string[];
}

describe("the dashboard's build", () => {
  it("keeps the initial JavaScript under 150 KB gzipped", async () => {
    const scripts = initialScripts(indexHtml);
    expect(scripts.length).toBeGreaterThan(0);
    let total = 0;
    const sizes: string[] = [];
    for (const script of scripts) {
      const gzipped = gzipSync(await readFile(path.join(outDir, script))).length;
      total += gzipped;
      sizes.push(`${script} ${(gzipped / 1024).toFixed(1)} KB`);
    }
    // biome-ignore lint/suspicious/noConsole: the figure is the point of a budget; the run's output keeps it in sight.
    console.info(
      `initial JS, gzipped: ${(total / 1024).toFixed(1)} KB of a ${budgetBytes / 1024} KB budget (${sizes.join(", ")})`,
    );
    expect(total).toBeLessThan(budgetBytes);
  });

  it("writes brotli and gzip copies of the entry, and source maps that nothing references", async () => {
    const assets = await readdir(path.join(outDir, "assets"));
    const maps = assets.filter((name) => name.endsWith(".map"));
    expect(maps.length).toBeGreaterThan(0);
    for (const script of initialScripts(indexHtml)) {
      const file = path.join(outDir, script);
      expect(existsSync(`${file}.br`) && existsSync(`${file}.gz`)).toBe(true);
      expect(await readFile(file, "utf8")).not.toContain("sourceMappingURL");
    }
    expect(existsSync(path.join(outDir, "index.html.br"))).toBe(true);
  });

  describe("served", () => {
    let server: Server;
    let origin: string;
    beforeAll(async () => {
      const serveStatic = createStaticHandler(outDir);
      server = createServer((req, res) => {
        void serveStatic(req, res, new URL(req.url ?? "/", "http://localhost").pathname);
      });
      await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
      origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    });
    afterAll(() => new Promise((resolve) => server?.close(resolve)));

    const head = (target: string) =>
      new Promise<{ status: number; encoding: string | undefined; cache: string | undefined }>((resolve, reject) => {
        const req = request(
          `${origin}${target}`,
          { method: "HEAD", headers: { "accept-encoding": "gzip, deflate, br, zstd" } },
          (res) => {
            res.resume();
            resolve({
              status: res.statusCode ?? 0,
              encoding: res.headers["content-encoding"],
              cache: res.headers["cache-control"],
            });
          },
        );
        req.on("error", reject);
        req.end();
      });

    it("sends a browser brotli for the page and its scripts, and none of the source maps", async () => {
      expect(await head("/")).toEqual({ status: 200, encoding: "br", cache: "no-cache" });
      for (const script of initialScripts(indexHtml)) {
        expect(await head(script)).toEqual({
          status: 200,
          encoding: "br",
          cache: "public, max-age=31536000, immutable",
        });
      }
      const maps = (await readdir(path.join(outDir, "assets"))).filter((name) => name.endsWith(".map"));
      for (const map of maps) expect((await head(`/assets/${map}`)).status).toBe(404);
    });
  });
});
