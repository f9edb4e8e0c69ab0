// Serves the built dashboard (apps/dashboard/dist) with an SPA fallback to index.html.
// The build writes brotli (.br) and gzip (.gz) copies beside each text asset (vite.config.ts);
// this picks one by the request's Accept-Encoding, so nothing is compressed per request.
import { createReadStream, existsSync, type Stats } from "node:fs";
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
};

/** The precompressed copies the build writes, in the order preferred when a client accepts both equally. */
const precompressed = [
  { coding: "br", suffix: ".br" },
  { coding: "gzip", suffix: ".gz" },
] as const;

type Coding = (typeof precompressed)[number]["coding"] | "identity";

/**
 * The content coding to send, from an Accept-Encoding header (RFC 9110 §12.5.3) and the codings
 * on disk (in order of preference): the highest q-value wins, a tie goes to the smaller file (br,
 * then gzip, then identity), `*` stands for every coding not named, q=0 refuses one, and an
 * identity the header does not name is the fallback, not a rival at q=1. Without the header nothing is
 * compressed. If even identity is refused and nothing else fits, identity is sent anyway: the
 * RFC allows it, and a page that loads beats a 406 no browser ever asks for.
 */
export function negotiateEncoding(header: string | undefined, available: readonly Coding[]): Coding {
  if (header === undefined) return "identity";
  const weights = new Map<string, number>();
  for (const part of header.split(",")) {
    const [rawName, ...params] = part.split(";");
    const name = rawName?.trim().toLowerCase();
    if (!name) continue;
    let q = 1;
    for (const param of params) {
      const [key, value] = param.split("=").map((s) => s.trim());
      if (key?.toLowerCase() !== "q") continue;
      // A q-value is 0 to 1 with at most three decimals; an entry with a malformed one is ignored.
      q = value !== undefined && /^(0(\.\d{0,3})?|1(\.0{0,3})?)$/.test(value) ? Number(value) : Number.NaN;
    }
    if (Number.isNaN(q)) continue;
    // "x-gzip" is gzip's old name, which recipients are to treat as gzip.
    weights.set(name === "x-gzip" ? "gzip" : name, q);
  }
  const anyOther = weights.get("*");
  // Identity is acceptable unless refused, but an unnamed identity ranks below every coding accepted.
  let best: Coding = "identity";
  let bestWeight = weights.get("identity") ?? anyOther ?? 0;
  for (const coding of available) {
    const weight = weights.get(coding) ?? anyOther ?? 0;
    if (weight > bestWeight || (weight > 0 && weight === bestWeight && best === "identity")) {
      best = coding;
      bestWeight = weight;
    }
  }
  return best;
}

export function createStaticHandler(root: string) {
  const resolvedRoot = path.resolve(root);
  const indexFile = path.join(resolvedRoot, "index.html");
  const fileStat = (file: string) =>
    stat(file).then(
      (info) => (info.isFile() ? info : null),
      () => null,
    );

  function notFound(res: ServerResponse) {
    res.writeHead(404, { "content-type": "text/plain; charset=utf-8" });
    res.end("Not found\n");
  }

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
    // The build keeps its source maps (sourcemap: "hidden", for decoding a production stack trace
    // by hand) but they are the dashboard's source: never served, under any name.
    if (decoded.toLowerCase().endsWith(".map")) return notFound(res);
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
    let info: Stats | null = await fileStat(file);
    if (!info) {
      // Unknown asset paths are real 404s; everything else is a client-side route.
      if (pathname.startsWith("/assets/")) return notFound(res);
      file = indexFile;
      info = await fileStat(file);
      if (!info) return notFound(res);
    }
    const contentType = contentTypes[path.extname(file)];
    // Only the text types the build compresses have copies to look for; a missing copy (a file
    // under the build's size threshold, or one that compressed no smaller) means the original.
    const copies = contentType?.startsWith("text/") || contentType?.startsWith("application/json") ? precompressed : [];
    const onDisk = await Promise.all(
      copies.map(async (copy) => ({ ...copy, info: await fileStat(`${file}${copy.suffix}`) })),
    );
    const coding = negotiateEncoding(
      req.headers["accept-encoding"],
      onDisk.filter((copy) => copy.info).map((copy) => copy.coding),
    );
    const chosen = onDisk.find((copy) => copy.coding === coding);
    const sent = chosen?.info ? { file: `${file}${chosen.suffix}`, info: chosen.info } : { file, info };
    // Hashed names change with their content, so a browser may keep them for good; index.html
    // (and the client-side routes it answers) names the current hashes, so it is always revalidated.
    // No ETag or Last-Modified: hashed assets are never revalidated, and index.html is ~300 bytes
    // compressed, about the size of the 304 that a validator would buy.
    const hashedAsset = file.startsWith(path.join(resolvedRoot, "assets") + path.sep);
    res.writeHead(200, {
      "content-type": contentType ?? "application/octet-stream",
      "content-length": String(sent.info.size),
      "cache-control": hashedAsset ? "public, max-age=31536000, immutable" : "no-cache",
      ...(copies.length > 0 ? { vary: "Accept-Encoding" } : {}),
      ...(coding !== "identity" && chosen?.info ? { "content-encoding": coding } : {}),
    });
    if (req.method === "HEAD") {
      res.end();
      return;
    }
    createReadStream(sent.file).pipe(res);
  };
}
