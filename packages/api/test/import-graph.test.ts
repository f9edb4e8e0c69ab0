// The layout's two rules about imports, held by the suite (docs/architecture.md "Layout"):
// no module imports itself round a cycle (type-only imports count: a cycle of types is still two
// modules that cannot be understood apart), and a product folder never imports another
// product's files — what two products share moves down to a shared mechanism.
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import ts from "typescript";
import { describe, expect, it } from "vitest";

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../..");
const apiSrc = path.join(repoRoot, "packages/api/src");

/** The source trees whose import graphs must be acyclic. */
const sourceRoots = [
  ...readdirSync(path.join(repoRoot, "packages")).map((name) => path.join(repoRoot, "packages", name, "src")),
  path.join(repoRoot, "apps/server/src"),
].filter((root) => existsSync(root));

/** Product folders in packages/api/src: each owns its procedures and services. */
const products = ["agents", "coaching", "onboarding", "organizations", "requests", "sessions"];

/**
 * Shared mechanisms, with why products may import them. Every top-level module of src/ is one
 * too (trpc.ts, errors.ts, live-events.ts, job-queue.ts, throttle.ts, secret-tokens.ts, ...).
 */
const sharedFolders: Record<string, string> = {
  ai: "the AI runtime, streaming and token budgets that agents and coaching both use",
  auth: "sessions and their revocation: every product's procedures stand on them (DESIGN §3)",
};

/**
 * The assemblers: top-level modules whose job is to put the products together, so they alone
 * may import product folders.
 */
const assemblers: Record<string, string> = {
  "root.ts": "assembles appRouter from every product's router",
  "index.ts": "the package's public surface",
  "live-events.ts": "assembles every product's topics into the one topic map",
  "job-worker.ts": "assembles every product's graphile-worker tasks and cron items",
};

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = path.join(dir, name);
    if (name === "generated" || name === "node_modules") return [];
    if (statSync(full).isDirectory()) return sourceFiles(full);
    return /\.tsx?$/.test(name) && !name.endsWith(".d.ts") ? [full] : [];
  });
}

/** Every relative import of a file (static, type-only, re-exports and dynamic), resolved to a file. */
function importsOf(file: string): string[] {
  const { importedFiles } = ts.preProcessFile(readFileSync(file, "utf8"), true, true);
  return importedFiles
    .map(({ fileName }) => fileName)
    .filter((specifier) => specifier.startsWith("."))
    .map((specifier) => {
      const target = path.resolve(path.dirname(file), specifier);
      const candidates = [target, target.replace(/\.js$/, ".ts"), `${target}.ts`, path.join(target, "index.ts")];
      const found = candidates.find((candidate) => existsSync(candidate) && statSync(candidate).isFile());
      if (!found) throw new Error(`${path.relative(repoRoot, file)} imports ${specifier}, which does not exist`);
      return found;
    });
}

const files = sourceRoots.flatMap(sourceFiles);
const graph = new Map(files.map((file) => [file, importsOf(file)]));

/** Each cycle once, as the list of files round it (Tarjan's strongly connected components). */
function findCycles(): string[][] {
  let index = 0;
  const indexOf = new Map<string, number>();
  const lowOf = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const cycles: string[][] = [];
  const visit = (file: string) => {
    indexOf.set(file, index);
    lowOf.set(file, index);
    index++;
    stack.push(file);
    onStack.add(file);
    for (const next of graph.get(file) ?? []) {
      if (!indexOf.has(next)) {
        visit(next);
        lowOf.set(file, Math.min(lowOf.get(file) as number, lowOf.get(next) as number));
      } else if (onStack.has(next)) {
        lowOf.set(file, Math.min(lowOf.get(file) as number, indexOf.get(next) as number));
      }
    }
    if (lowOf.get(file) === indexOf.get(file)) {
      const component: string[] = [];
      let member: string;
      do {
        member = stack.pop() as string;
        onStack.delete(member);
        component.push(member);
      } while (member !== file);
      const selfImport = graph.get(file)?.includes(file);
      if (component.length > 1 || selfImport) cycles.push(component.map((f) => path.relative(repoRoot, f)).sort());
    }
  };
  for (const file of graph.keys()) if (!indexOf.has(file)) visit(file);
  return cycles;
}

/** Where a file of packages/api/src sits: a product folder, a shared folder, an assembler, or another shared module. */
function placeOf(file: string) {
  const [first, ...rest] = path.relative(apiSrc, file).split(path.sep);
  if (first === undefined || first.startsWith("..")) return null;
  if (rest.length === 0) return { kind: first in assemblers ? "assembler" : "shared", name: first };
  if (products.includes(first)) return { kind: "product", name: first };
  if (first in sharedFolders) return { kind: "shared", name: first };
  return { kind: "unlisted", name: first };
}

describe("the import graph", () => {
  it("reads every source tree (the check is not vacuous)", () => {
    expect(files.length).toBeGreaterThan(100);
    expect(files.some((file) => file.endsWith("packages/api/src/trpc.ts"))).toBe(true);
    expect(files.some((file) => file.endsWith("apps/server/src/main.ts"))).toBe(true);
    expect(graph.get(path.join(apiSrc, "root.ts"))).toContain(path.join(apiSrc, "requests/router.ts"));
  });

  it("has no import cycle in packages/*/src or apps/server/src, type-only imports included", () => {
    expect(findCycles()).toEqual([]);
  });

  it("puts every folder of packages/api/src in the table: a product or a shared mechanism", () => {
    const folders = readdirSync(apiSrc).filter((name) => statSync(path.join(apiSrc, name)).isDirectory());
    expect(folders.filter((name) => !products.includes(name) && !(name in sharedFolders))).toEqual([]);
  });

  it("lets no product folder import another product's files, and no shared mechanism import a product", () => {
    const crossings: string[] = [];
    for (const [file, imports] of graph) {
      const from = placeOf(file);
      if (!from || from.kind === "assembler") continue;
      for (const target of imports) {
        const to = placeOf(target);
        if (to?.kind !== "product" || (from.kind === "product" && from.name === to.name)) continue;
        crossings.push(`${path.relative(apiSrc, file)} → ${path.relative(apiSrc, target)}`);
      }
    }
    expect(crossings).toEqual([]);
  });
});
