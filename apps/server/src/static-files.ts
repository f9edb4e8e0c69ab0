// Serves the built dashboard (apps/dashboard/dist) with an SPA fallback to index.html.
import { createReadStream, existsSync } from "node:fs";
import { stat } from "node:fs/promises";
import type { IncomingMessage, ServerResponse } from "node:http";
import path from "node:path";

const contentTypes: Record<string, string> = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".json": "application/json; charset=utf-8",
  ".svg": "image/svg+xml",
  ".png": "image/png",
  ".ico": "image/x-icon",
  ".woff2": "font/woff2",
  ".map": "application/json; charset=utf-8",
};

export function createStaticHandler(root: string) {
  const resolvedRoot = path.resolve(root);
  const indexFile = path.join(resolvedRoot, "index.html");

  return async function serveStatic(req: IncomingMessage, res: ServerResponse, pathname: string): Promise<void> {
    let decoded: string;
    try {
      decoded = decodeURIComponent(pathname);
    } catch {
      // Malformed percent-encoding ("/%E0%A4%A") names no file and no page: the client's mistake.
      res.writeHead(400, { "content-type": "text/plain; charset=utf-8" });
      res.end("This address is not valid.\n");
      return;
    }
    // A NUL byte names no file (and Node's file functions refuse it).
    if (decoded.includes("\0")) decoded = "/";
    if (!existsSync(indexFile)) {
      res.writeHead(503, { "content-type": "text/plain; charset=utf-8" });
      res.end(
        "The dashboard has not been built yet. Run `pnpm --filter @switchboard/dashboard build` (pnpm start does this).\n",
      );
      return;
    }
    let file = path.resolve(resolvedRoot, `.${decoded}`);
    // Never serve anything outside the dashboard directory.
    if (!file.startsWith(resolvedRoot + path.sep) && file !== resolvedRoot) file = indexFile;
    const info = await stat(file).catch(() => null);
    if (!info?.isFile()) {
      // Unknown asset paths are real 404s; everything else is a client-side route.
      if (pathname.startsWith("/assets/")) {
        res.writeHead(404, { "content-type": "text/plain; charset=utf-8" });
        res.end("Not found\n");
        return;
      }
      file = indexFile;
    }
    const hashedAsset = file.includes(`${path.sep}assets${path.sep}`);
    res.writeHead(200, {
      "content-type": contentTypes[path.extname(file)] ?? "application/octet-stream",
      "cache-control": hashedAsset ? "public, max-age=31536000, immutable" : "no-cache",
    });
    if (req.method === "HEAD") {
      res.end();
      return;
    }
    createReadStream(file).pipe(res);
  };
}
