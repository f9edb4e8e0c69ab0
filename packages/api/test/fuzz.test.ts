// Bad input is never a 500. Every procedure of the app router (enumerated from the router, so a
// new one is fuzzed without anyone adding it here) is called through tRPC's real fetch handler,
// superjson and the error formatter, as nobody, a customer, a mechanic and an organization
// owner, with hostile values derived from its own zod input schema. Every answer must be a
// success or a planned error with our words, and a rejected call must write nothing.
import { randomUUID } from "node:crypto";
import { createTestDatabase, type TestDatabase } from "@switchboard/testing";
import { fetchRequestHandler } from "@trpc/server/adapters/fetch";
import superjson from "superjson";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { sessionExpiry, tokenFromAuthorizationHeader } from "../src/auth/tokens.ts";
import { type AppEventBus, createAppEventBus } from "../src/live-events.ts";
import { appRouter } from "../src/root.ts";
import { hashSecretToken, newSecretToken } from "../src/secret-tokens.ts";
import { createContext } from "../src/trpc.ts";
import type { z } from "../src/validation-messages.ts";
import { createTestAccount, createTestOrganization } from "./accounts.ts";
import { testServices } from "./services.ts";

let database: TestDatabase;
let events: AppEventBus;
const tokens: Record<Who, string | null> = { anonymous: null, customer: null, mechanic: null, owner: null };
const userIds: Partial<Record<Who, string>> = {};
let organizationId = "";
type Who = "anonymous" | "customer" | "mechanic" | "owner";

beforeAll(async () => {
  database = await createTestDatabase();
  events = createAppEventBus({ databaseUrl: database.url });
  await events.start();
  const { db } = database;
  userIds.customer = (await createTestAccount(db, { email: "fuzz-customer@example.com" })).id;
  userIds.mechanic = (
    await createTestAccount(db, { email: "fuzz-mechanic@example.com", role: "mechanic", mechanicProfile: true })
  ).id;
  const owner = await createTestAccount(db, { email: "fuzz-owner@example.com" });
  userIds.owner = owner.id;
  const organization = await createTestOrganization(db, "fuzz", []);
  await db.membership.create({ data: { organizationId: organization.id, userId: owner.id, role: "owner" } });
  organizationId = organization.id;
  tableFingerprintSql = await fingerprintQuery();
});
// A fresh session per identity for every procedure: a probe of auth.signOut that succeeds (it
// takes no input) must not leave later procedures fuzzed as nobody.
beforeEach(async () => {
  for (const who of ["customer", "mechanic", "owner"] as const) {
    const token = newSecretToken();
    await database.db.authSession.create({
      data: { userId: userIds[who] as string, tokenHash: hashSecretToken(token), expiresAt: sessionExpiry() },
    });
    tokens[who] = token;
  }
});

afterAll(async () => {
  await events?.stop();
  await database?.drop();
});

// ---------------------------------------------------------------------------------------------
// "No write": a fingerprint of every table (row count and a hash of every row). Auth sessions
// are left out: resolving a token may refresh its lastUsedAt at most once a minute, by design.
let tableFingerprintSql = "";
async function fingerprintQuery(): Promise<string> {
  const tables = await database.db.$queryRaw<{ name: string }[]>`
    SELECT table_name AS name FROM information_schema.tables
    WHERE table_schema = 'public' AND table_type = 'BASE TABLE' AND table_name <> 'auth_sessions'
    ORDER BY table_name`;
  return tables
    .map(
      ({ name }) =>
        `SELECT '${name}' AS name, count(*)::text || ':' || coalesce(sum(hashtext(t::text)::bigint), 0)::text AS print FROM "${name}" t`,
    )
    .join(" UNION ALL ");
}
async function fingerprint(): Promise<string> {
  const rows = await database.db.$queryRawUnsafe<{ name: string; print: string }[]>(tableFingerprintSql);
  return rows.map((row) => `${row.name}=${row.print}`).join(" ");
}

// ---------------------------------------------------------------------------------------------
// Calls as raw HTTP requests, so bodies a client library would never send can be sent too.
const handle = (request: Request) =>
  fetchRequestHandler({
    endpoint: "/trpc",
    req: request,
    router: appRouter,
    createContext: ({ req }) =>
      createContext(
        testServices({
          db: database.db,
          events,
          // As a server with no payment provider runs it (the runner is not under test here).
          onboarding: { stripe: null, publicUrl: "http://fuzz.test", kick: () => {} },
        }),
        {
          token: tokenFromAuthorizationHeader(req.headers.get("authorization")),
          requestId: randomUUID(),
          client: { origin: null, ip: "127.0.0.1" },
        },
      ),
  });

type Body = { superjson: unknown } | { raw: string } | { missing: true };

interface Answer {
  status: number;
  /** Each error the response carried (one for a call, one per SSE error event). */
  errors: { message?: unknown; data?: { code?: unknown; appCode?: unknown; httpStatus?: unknown } }[];
}

/** superjson as a client sends it; a value too deep for superjson's own walk goes as plain JSON. */
function encode(value: unknown): string {
  try {
    return JSON.stringify(superjson.serialize(value));
  } catch {
    return JSON.stringify({ json: value });
  }
}

/** An error shape as the server sent it: through the output transformer (superjson). */
function shapeOf(sent: unknown): Answer["errors"][number] {
  if (typeof sent === "object" && sent !== null && "json" in sent)
    return superjson.deserialize(sent as Parameters<typeof superjson.deserialize>[0]);
  return sent as Answer["errors"][number];
}

async function call(type: string, path: string, who: Who, body: Body): Promise<Answer> {
  const headers: Record<string, string> = {};
  if (tokens[who]) headers.authorization = `Bearer ${tokens[who]}`;
  const encoded = "missing" in body ? undefined : "raw" in body ? body.raw : encode(body.superjson);
  let request: Request;
  if (type === "mutation") {
    headers["content-type"] = "application/json";
    request = new Request(`http://fuzz.test/trpc/${path}`, { method: "POST", headers, body: encoded ?? "" });
  } else {
    const query = encoded === undefined ? "" : `?input=${encodeURIComponent(encoded)}`;
    if (type === "subscription") headers.accept = "text/event-stream";
    request = new Request(`http://fuzz.test/trpc/${path}${query}`, { method: "GET", headers });
  }
  const abort = new AbortController();
  const response = await handle(new Request(request, { signal: abort.signal }));
  if (type !== "subscription" || !response.headers.get("content-type")?.includes("text/event-stream")) {
    const text = await response.text();
    const parsed = JSON.parse(text) as { error?: Answer["errors"][number] };
    return { status: response.status, errors: parsed.error ? [shapeOf(parsed.error)] : [] };
  }
  // A subscription over SSE: read until its first event other than a connection frame, then go.
  const errors: Answer["errors"] = [];
  const reader = response.body?.getReader();
  const decoder = new TextDecoder();
  let buffered = "";
  // A refusal comes at once; a subscription that started and is quiet is left after a moment.
  const deadline = setTimeout(() => abort.abort(), 300);
  try {
    reading: while (reader) {
      const { value, done } = await reader.read();
      if (done) break;
      buffered += decoder.decode(value, { stream: true });
      const complete = buffered.split("\n\n");
      buffered = complete.pop() ?? "";
      for (const frame of complete) {
        const name = /^event: (.*)$/m.exec(frame)?.[1];
        const data = /^data: (.*)$/m.exec(frame)?.[1];
        if (name === "serialized-error" && data) errors.push(shapeOf(JSON.parse(data)));
        if (name !== "connected" && name !== "ping") break reading;
      }
    }
  } catch {
    // Aborted by the deadline: the stream was open and quiet, which is not a failure.
  } finally {
    clearTimeout(deadline);
    abort.abort();
  }
  return { status: response.status, errors };
}

// ---------------------------------------------------------------------------------------------
// Inputs from the schema: a plausible valid value for each field (so a hostile value in one
// field reaches as deep as it can), then the hostile values for that field's kind.
type Schema = z.ZodType & { _zod: { def: Record<string, unknown> & { type: string } } };
const defOf = (schema: unknown) => (schema as Schema)._zod.def;

/** Peels wrappers that do not change what a value must look like. */
function core(schema: Schema): Schema {
  let current = schema;
  for (let i = 0; i < 20; i++) {
    const def = defOf(current);
    if (["optional", "nullable", "default", "prefault", "readonly", "catch", "nonoptional"].includes(def.type))
      current = def.innerType as Schema;
    else if (def.type === "pipe") current = (defOf(def.in).type === "transform" ? def.out : def.in) as Schema;
    else return current;
  }
  return current;
}

type Kind = "text" | "id" | "day" | "instant" | "number" | "boolean" | "enum" | "record" | "array" | "other";
function kindOf(schema: Schema): Kind {
  const def = defOf(core(schema));
  if (def.type === "string") {
    const format = (core(schema) as unknown as { format?: string }).format ?? def.format;
    if (format === "uuid" || format === "guid") return "id";
    if (format === "date") return "day";
    if (format === "datetime") return "instant";
    return "text";
  }
  if (def.type === "number" || def.type === "int" || def.type === "bigint") return "number";
  if (def.type === "boolean") return "boolean";
  if (def.type === "enum" || def.type === "literal") return "enum";
  if (def.type === "record") return "record";
  if (def.type === "array") return "array";
  return "other";
}

const firstPassing = (schema: Schema, candidates: unknown[]) =>
  candidates.find((candidate) => schema.safeParse(candidate).success) ?? candidates[0];

/** Which of an enum's values the plausible input takes: the first, or (for a second pass) the last. */
let enumChoice: "first" | "last" = "first";

function plausible(schema: Schema, field: string): unknown {
  const inner = core(schema);
  const def = defOf(inner);
  if (field === "organizationId") return organizationId;
  if (def.type === "object") {
    const shape = def.shape as Record<string, Schema>;
    return Object.fromEntries(Object.entries(shape).map(([key, value]) => [key, plausible(value, key)]));
  }
  switch (kindOf(schema)) {
    case "id":
      return randomUUID();
    case "day":
      return "2026-06-01";
    case "instant":
      return "2026-06-01T10:00:00Z";
    case "text":
      return firstPassing(schema, [
        "fuzz@example.com",
        "https://example.com",
        "example.com",
        "+1 555 123 4567",
        "UTC",
        "A plausible description of at least ten characters.",
        "a".repeat(40),
        "Fuzz",
      ]);
    case "number":
      return firstPassing(schema, [1, 16, 30, 2020, 0, 0.5]);
    case "boolean":
      return false;
    case "enum": {
      const values = Object.values((def.entries as object) ?? { value: def.values }).flat();
      return firstPassing(schema, enumChoice === "first" ? values : values.reverse());
    }
    case "record":
      return {};
    case "array":
      return [];
    default:
      return firstPassing(schema, [undefined, null, {}, "x", 1]);
  }
}

/** Every field of an object input, with its schema, by dotted path (nested objects included). */
function fieldsOf(schema: Schema, prefix: string[] = []): { path: string[]; schema: Schema }[] {
  const def = defOf(core(schema));
  if (def.type !== "object") return prefix.length ? [{ path: prefix, schema }] : [];
  return Object.entries(def.shape as Record<string, Schema>).flatMap(([key, value]) =>
    defOf(core(value)).type === "object"
      ? fieldsOf(value, [...prefix, key])
      : [{ path: [...prefix, key], schema: value }],
  );
}

// Deep enough to exceed any sane limit, shallow enough for the client's own JSON.stringify.
let deep: unknown = "bottom";
for (let i = 0; i < 2_000; i++) deep = { nested: deep };
// Deeper than any recursive walk survives: sent as text, since nothing here could encode it.
const deeperJson = `${'{"nested":'.repeat(200_000)}"bottom"${"}".repeat(200_000)}`;
const huge = Object.fromEntries(Array.from({ length: 20_000 }, (_, i) => [`key${i}`, i]));
const tenMegabytes = "x".repeat(10 * 1024 * 1024);

const hostile: Record<Kind, unknown[]> = {
  text: ["\u0000", "before\u0000after", "lone \ud800 surrogate", "\udfff", "bell\u0007", "a".repeat(100_000), 42, {}],
  id: ["not-a-uuid", "00000000-0000-0000-0000-00000000000\u0000", `${randomUUID()}x`, "' OR 1=1 --", 7],
  day: ["0000-01-01", "275760-09-13", "2026-02-30", "\u00002026-01-01", new Date(8.64e15), new Date(Date.UTC(0, 0, 1))],
  instant: [
    "0000-01-01T00:00:00Z",
    "+275760-09-13T00:00:00.000Z",
    "-000001-01-01T00:00:00Z",
    "2026-13-01T00:00:00Z",
    new Date(Number.NaN),
  ],
  number: [Number.NaN, Number.POSITIVE_INFINITY, -1e308, 1e308, -1, 2 ** 53 + 1, 0.5, "12"],
  boolean: ["true", 1, null],
  enum: ["nope", "\u0000", 3],
  record: [{ "bad\u0000key": 1 }, { key: "bad\u0000value" }, { key: "\ud800" }, huge, deep, ["list"], "text"],
  array: [Array.from({ length: 10_000 }, () => "x"), ["\u0000"], [deep], "not a list"],
  other: ["\u0000", deep, huge, null],
};

/** Whole-request hostility, the same for every procedure. */
const wholeInputs: Body[] = [
  { missing: true },
  { raw: "this is not JSON" },
  { raw: '{"json":' },
  { raw: "null" },
  { raw: "[1,2,3]" },
  { raw: '{"json":{"a":1},"meta":{"values":{"a":["Date"]}}}' },
  { raw: '{"json":{"a":"x"},"meta":{"values":{"a":[["custom","nothing"]]}}}' },
  { raw: '{"json":{},"meta":{"referentialEqualities":{"__proto__":["constructor.prototype"]}}}' },
  { raw: `{"json":${deeperJson}}` },
  { raw: `{"json":{"a":1},"meta":{"values":${deeperJson}}}` },
  { raw: `${"[".repeat(50_000)}${"]".repeat(50_000)}` },
  { superjson: "a plain string" },
  { superjson: deep },
  { superjson: [] },
];

interface Probe {
  who: Who;
  body: Body;
  label: string;
}

function probesFor(input: Schema | null): Probe[] {
  const probes: Probe[] = [];
  const signedIn: Who[] = ["customer", "mechanic", "owner"];
  const base = input ? (plausible(input, "") as Record<string, unknown>) : undefined;
  // Anonymous callers are mostly turned away before their input is read: a few probes suffice.
  for (const body of [wholeInputs[0], wholeInputs[1], { superjson: base }] as Body[])
    probes.push({ who: "anonymous", body, label: "anonymous" });
  probes.push({ who: "customer", body: { superjson: base }, label: "plausible input" });
  for (const [i, body] of wholeInputs.entries())
    probes.push({ who: signedIn[i % signedIn.length] as Who, body, label: `whole input #${i}` });
  if (!input) return probes;
  const baseObject = typeof base === "object" && base !== null ? base : {};
  probes.push({ who: "owner", body: { superjson: { ...baseObject, unexpected: "extra key" } }, label: "extra key" });
  // The other end of every choice (an agent on its own endpoint rather than OpenAI's): fields
  // that only matter for one choice get the hostile text too.
  enumChoice = "last";
  const otherBase = plausible(input, "") as Record<string, unknown>;
  enumChoice = "first";
  if (JSON.stringify(otherBase) !== JSON.stringify(baseObject)) {
    for (const field of fieldsOf(input)) {
      if (kindOf(field.schema) !== "text" || field.path.join(".") === "organizationId") continue;
      let parent = structuredClone(otherBase) as Record<string, unknown>;
      const body = parent;
      for (const segment of field.path.slice(0, -1)) parent = parent[segment] as Record<string, unknown>;
      const key = field.path.at(-1) as string;
      parent[key] = `${typeof parent[key] === "string" ? parent[key] : ""}\u0000`;
      probes.push({ who: "owner", body: { superjson: body }, label: `${field.path.join(".")} = NUL (other choices)` });
    }
  }
  let tenMegabytesSent = false;
  for (const field of fieldsOf(input)) {
    if (field.path.join(".") === "organizationId") continue;
    // The field's own plausible value with a NUL or a lone surrogate inside: shaped well enough to
    // pass a format check (a web address, an email) that a bare NUL would fail.
    let plausibleValue: unknown = baseObject;
    for (const segment of field.path) plausibleValue = (plausibleValue as Record<string, unknown>)?.[segment];
    const values =
      kindOf(field.schema) === "text" && typeof plausibleValue === "string"
        ? [...hostile.text, `${plausibleValue}\u0000`, `${plausibleValue}\ud800`, `${plausibleValue}/%00\u0000`]
        : hostile[kindOf(field.schema)];
    for (const [i, value] of values.entries()) {
      const body = structuredClone(baseObject) as Record<string, unknown>;
      let parent = body;
      for (const segment of field.path.slice(0, -1)) parent = parent[segment] as Record<string, unknown>;
      parent[field.path.at(-1) as string] = value;
      // Every identity sees every field; the owner (who passes orgProcedure's check) sees every value.
      const who: Who = i === 0 ? "customer" : i === 1 ? "mechanic" : "owner";
      probes.push({ who, body: { superjson: body }, label: `${field.path.join(".")} = ${shown(value)}` });
    }
    if (kindOf(field.schema) === "text" && !tenMegabytesSent) {
      tenMegabytesSent = true;
      const body = structuredClone(baseObject) as Record<string, unknown>;
      let parent = body;
      for (const segment of field.path.slice(0, -1)) parent = parent[segment] as Record<string, unknown>;
      parent[field.path.at(-1) as string] = tenMegabytes;
      probes.push({ who: "owner", body: { superjson: body }, label: `${field.path.join(".")} = 10 MB` });
    }
  }
  return probes;
}

function shown(value: unknown): string {
  if (value === deep) return "deeply nested";
  if (value === huge) return "20,000 keys";
  const text = (() => {
    try {
      return value instanceof Date ? `Date(${value.getTime()})` : (JSON.stringify(value) ?? String(value));
    } catch {
      return String(value);
    }
  })();
  return text.length > 60 ? `${text.slice(0, 60)}… (${text.length})` : text;
}

/** Raw JavaScript in a message means someone else's words reached the client. */
const RAW_EXCEPTION_TEXT =
  /\bCannot\b|undefined|Unexpected token|Maximum call stack|is not a function|is not valid JSON|\bat .+:\d+:\d+|TypeError|RangeError|SyntaxError|Invalid input|Prisma|invalid byte sequence|\bnull\b/;

/** The answers each procedure gave, to prove the probes got past sign-in and reached the input. */
const seen: Record<string, Set<string>> = {};

const procedures = Object.entries(
  appRouter._def.procedures as unknown as Record<string, { _def: Record<string, unknown> }>,
);

describe("tRPC's own refusals", () => {
  const READ = "We couldn't read that request.";
  it.each([
    ["a body that is not JSON", "mutation", "auth.signUp", { raw: "this is not JSON" }],
    ["superjson that is not an object", "mutation", "auth.signUp", { raw: "null" }],
    ["superjson meta naming a type it cannot build", "mutation", "auth.signUp", wholeInputs[6] as Body],
    [
      "superjson nested past the call stack",
      "query",
      "requests.get",
      { raw: `{"json":{"a":1},"meta":{"values":${deeperJson}}}` },
    ],
  ] as const)("answer %s in our words", async (_, type, path, body) => {
    const answer = await call(type, path, "customer", body);
    expect(answer.status).toBe(400);
    expect(answer.errors).toEqual([
      expect.objectContaining({ message: READ, data: expect.objectContaining({ appCode: "VALIDATION_FAILED" }) }),
    ]);
  });

  it("answer an unknown procedure in our words", async () => {
    const answer = await call("query", "requests.nothingHere", "customer", { missing: true });
    expect(answer.status).toBe(404);
    expect(answer.errors[0]?.message).toBe("We couldn't find what this request asked for.");
  });
});

describe.sequential("every procedure under hostile input", () => {
  it("would see a write (the fingerprint changes with any row)", async () => {
    const before = await fingerprint();
    const user = userIds.customer as string;
    await database.db.user.update({ where: { id: user }, data: { name: "changed by the fuzz test" } });
    expect(await fingerprint()).not.toBe(before);
    await database.db.user.update({ where: { id: user }, data: { name: "fuzz-customer" } });
  });

  it("covers the whole router", () => {
    // A smoke check on the enumeration itself: if the router's shape changed, this says so.
    expect(procedures.length).toBeGreaterThan(60);
  });

  for (const [path, procedure] of procedures) {
    it(`${path} answers bad input with a planned error and writes nothing`, async () => {
      const type = procedure._def.type as string;
      const inputs = (procedure._def.inputs as Schema[] | undefined) ?? [];
      // orgProcedure's { organizationId } and the procedure's own fields are separate parsers.
      const input =
        inputs.length === 0
          ? null
          : inputs.length === 1
            ? (inputs[0] as Schema)
            : (inputs
                .slice(1)
                .reduce(
                  (merged, next) =>
                    defOf(core(next)).type === "object"
                      ? merged.extend(defOf(core(next)).shape as z.ZodRawShape)
                      : merged,
                  core(inputs[0] as Schema) as unknown as z.ZodObject,
                ) as unknown as Schema);
      const failures: string[] = [];
      let before = await fingerprint();
      for (const probe of probesFor(input)) {
        const answer = await call(type, path, probe.who, probe.body);
        const where = `${path} as ${probe.who}, ${probe.label}`;
        if (answer.status >= 500 && answer.status !== 503) failures.push(`${where}: HTTP ${answer.status}`);
        for (const error of answer.errors) {
          const { message, data } = error;
          if (data?.code === "INTERNAL_SERVER_ERROR" || data?.appCode === "INTERNAL")
            failures.push(`${where}: INTERNAL_SERVER_ERROR`);
          if (typeof data?.appCode !== "string") failures.push(`${where}: no appCode`);
          if (typeof message !== "string" || RAW_EXCEPTION_TEXT.test(message))
            failures.push(`${where}: message ${JSON.stringify(message)}`);
        }
        const codes = answer.errors.map((error) => String(error.data?.appCode));
        const answered = seen[path] ?? new Set<string>();
        seen[path] = answered;
        for (const code of codes.length ? codes : ["OK"]) answered.add(code);
        const after = await fingerprint();
        const rejected = answer.errors.length > 0 || answer.status >= 400;
        if (rejected && after !== before) failures.push(`${where}: a rejected call wrote to the database`);
        before = after;
      }
      expect(failures.join("\n")).toBe("");
    });
  }

  it("got past sign-in to each procedure's input (the probes were not all turned away at the door)", () => {
    const withInput = procedures.filter(([, procedure]) => ((procedure._def.inputs as unknown[]) ?? []).length > 0);
    const neverValidated = withInput.map(([path]) => path).filter((path) => !seen[path]?.has("VALIDATION_FAILED"));
    expect(neverValidated).toEqual([]);
  });
});
