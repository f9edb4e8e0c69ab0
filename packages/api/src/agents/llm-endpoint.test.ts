// Agents on their own OpenAI-compatible endpoint: the server's key never goes there, the tenant's
// key is sealed at rest and never returned, and the outbound policy holds at save and call time.
// Real PostgreSQL, the real tRPC router, the real OpenAI SDK against two local OpenAI fakes (the
// server's endpoint and the "tenant's endpoint").
import { randomBytes, randomUUID } from "node:crypto";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { createOpenAIClient, OutboundPolicy, SecretBox } from "@switchboard/integrations";
import { type OpenAIFake, startOpenAIFake } from "@switchboard/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestAccount, createTestOrganization, type TestAccount } from "../../test/accounts.ts";
import { errorOf } from "../../test/api-client.ts";
import { useTestApi } from "../../test/file-api.ts";
import { testServices } from "../../test/services.ts";
import type { AiRuntime } from "../ai/runtime.ts";
import { createCaller } from "../root.ts";
import { createContext } from "../trpc.ts";

const SERVER_KEY = "sk-server-secret-0001";
const TENANT_KEY = "sk-tenant-own-key-0002";
const PLAIN_FAILURE = "We couldn't reach this agent's AI provider. Check its address and key.";
const SITE = "https://shop.example";

// One runtime object, filled in once the fakes have ports; the test API reads it per request.
const ai: AiRuntime = { openai: null, sessionIdleMs: 60_000, tenantFailureFloorMs: 0, tenantTimeoutMs: 1_000 };
const h = useTestApi({ ai });

let serverFake: OpenAIFake;
let tenantFake: OpenAIFake;
let owner: TestAccount;
let orgId: string;
/** Plain HTTP servers: a web page that is not a model server, and a redirector. */
const extraServers: Server[] = [];
let webPagePort: number;
let redirectorPort: number;
let closedPort: number;

const portOf = (url: string) => new URL(url).port;

async function listen(handler: Parameters<typeof createServer>[1]) {
  const server = createServer(handler);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  extraServers.push(server);
  return (server.address() as AddressInfo).port;
}

/** The policy as an operator would set OUTBOUND_ALLOWED_HOSTS for these local servers. */
function listedPolicy(extra: Partial<ConstructorParameters<typeof OutboundPolicy>[0]> = {}) {
  return new OutboundPolicy({
    allowedHosts: [
      `127.0.0.1:${portOf(tenantFake.url)}`,
      `127.0.0.1:${webPagePort}`,
      `127.0.0.1:${redirectorPort}`,
      `127.0.0.1:${closedPort}`,
    ],
    connectTimeoutMs: 1_000,
    ...extra,
  });
}

beforeAll(async () => {
  serverFake = await startOpenAIFake({ apiKey: SERVER_KEY, tokenDelayMs: 0 });
  tenantFake = await startOpenAIFake({ tokenDelayMs: 0 });
  webPagePort = await listen((_req, res) => {
    res.writeHead(200, { "content-type": "text/html" });
    res.end("<html><body>Router admin</body></html>");
  });
  redirectorPort = await listen((_req, res) => {
    res.writeHead(307, { location: `${serverFake.baseURL}/chat/completions` });
    res.end();
  });
  // A port that was open a moment ago and is closed now: connections are refused.
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, "127.0.0.1", resolve));
  closedPort = (probe.address() as AddressInfo).port;
  await new Promise<void>((resolve) => probe.close(() => resolve()));

  ai.openai = createOpenAIClient({ apiKey: SERVER_KEY, baseURL: serverFake.baseURL })!.withOptions({ maxRetries: 0 });
  ai.secrets = new SecretBox(randomBytes(32));
  ai.outbound = listedPolicy();

  owner = await createTestAccount(h.database.db, { email: `byo-owner-${randomUUID()}@example.com` });
  orgId = (await createTestOrganization(h.database.db, `byo-${randomUUID().slice(0, 8)}`, [{ userId: owner.id }])).id;
  await h.database.db.membership.updateMany({ where: { organizationId: orgId }, data: { role: "owner" } });
});

afterAll(async () => {
  await Promise.all([serverFake?.close(), tenantFake?.close(), ai.outbound?.close()]);
  await Promise.all(extraServers.map((server) => new Promise((resolve) => server.close(resolve))));
});

const asOwner = () => h.client({ authorization: `Bearer ${owner.token}` });

const baseConfig = {
  name: "Own model",
  model: "llama-3",
  systemPrompt: "You are helpful.",
  temperature: 0.2,
  maxTokens: 64,
  allowedDomains: ["shop.example"],
};

async function createAgent(config: Record<string, unknown>) {
  const { agentId } = await asOwner().agents.create.mutate({
    organizationId: orgId,
    config: { ...baseConfig, ...config },
  });
  await asOwner().agents.publish.mutate({ organizationId: orgId, agentId });
  return agentId;
}

/** A visitor on the allowed website: start a chat and send one message; the reply's text or its error. */
async function visitorChat(agentId: string, content = "Hello there") {
  const ctx = await createContext(testServices({ db: h.database.db, events: h.events, ai }), {
    token: null,
    requestId: randomUUID(),
    client: { origin: SITE, ip: "203.0.113.7" },
  });
  const caller = createCaller(ctx);
  const { sessionId } = await caller.agents.startSession({ agentId });
  let text = "";
  for await (const message of await caller.agents.sendMessage({ sessionId, content })) {
    if (message.type === "chunk") text += message.text;
  }
  return { sessionId, text };
}

/** The stored error code of the last assistant message of the agent's newest session. */
async function lastErrorCode(agentId: string) {
  const message = await h.database.db.agentMessage.findFirst({
    where: { session: { agentId }, role: "assistant" },
    orderBy: { createdAt: "desc" },
  });
  return message?.errorCode ?? null;
}

/** Points the agent's published version at `url` directly (as if saved before the policy changed). */
async function repoint(agentId: string, url: string) {
  await h.database.db.agentVersion.updateMany({ where: { agentId }, data: { llmBaseUrl: url } });
}

/** Every string anywhere in a value (procedure outputs), to look for secrets. */
function* strings(value: unknown): Generator<string> {
  if (typeof value === "string") yield value;
  else if (value instanceof Date || value === null || typeof value !== "object") return;
  else
    for (const [key, inner] of Object.entries(value)) {
      yield key;
      yield* strings(inner);
    }
}

describe("the server's key and the tenant's key", () => {
  it("the tenant's endpoint receives the tenant's key and the server's endpoint the server's key", async () => {
    const own = await createAgent({
      llmProvider: "openai_compatible",
      llmBaseUrl: tenantFake.baseURL,
      llmApiKey: TENANT_KEY,
    });
    const hosted = await createAgent({ llmProvider: "openai", model: "gpt-4o-mini" });
    tenantFake.replyOnce({ content: "From your own model." });
    serverFake.replyOnce({ content: "From the server's model." });
    expect((await visitorChat(own)).text).toBe("From your own model.");
    expect((await visitorChat(hosted)).text).toBe("From the server's model.");

    expect(tenantFake.requests.length).toBeGreaterThan(0);
    for (const request of tenantFake.requests) {
      expect(request.authorization).toBe(`Bearer ${TENANT_KEY}`);
      expect(JSON.stringify(request)).not.toContain(SERVER_KEY);
    }
    expect(serverFake.requests.length).toBeGreaterThan(0);
    for (const request of serverFake.requests) expect(request.authorization).toBe(`Bearer ${SERVER_KEY}`);
  });

  it("an endpoint saved with no key gets no key of the server's either", async () => {
    const keyless = await createAgent({ llmProvider: "openai_compatible", llmBaseUrl: tenantFake.baseURL });
    tenantFake.reset();
    tenantFake.replyOnce({ content: "Local model here." });
    expect((await visitorChat(keyless)).text).toBe("Local model here.");
    expect(tenantFake.requests).toHaveLength(1);
    expect(tenantFake.requests[0]!.authorization).not.toContain(SERVER_KEY);
  });

  it("works with no server AI at all (only the tenant's endpoint is needed)", async () => {
    const own = await createAgent({
      llmProvider: "openai_compatible",
      llmBaseUrl: tenantFake.baseURL,
      llmApiKey: TENANT_KEY,
    });
    const hosted = await createAgent({ llmProvider: "openai", model: "gpt-4o-mini" });
    const serverClient = ai.openai;
    ai.openai = null;
    try {
      tenantFake.replyOnce({ content: "Still here." });
      expect((await visitorChat(own)).text).toBe("Still here.");
      expect(await errorOf(visitorChat(hosted))).toMatchObject({ code: "PRECONDITION_FAILED" });
    } finally {
      ai.openai = serverClient;
    }
  });
});

describe("the tenant's key at rest and in outputs", () => {
  it("is sealed in the database, kept across new versions, replaced or cleared on request, and never returned", async () => {
    const outputs: unknown[] = [];
    const created = await asOwner().agents.create.mutate({
      organizationId: orgId,
      config: {
        ...baseConfig,
        llmProvider: "openai_compatible",
        llmBaseUrl: tenantFake.baseURL,
        llmApiKey: TENANT_KEY,
      },
    });
    outputs.push(created);
    const { agentId } = created;
    outputs.push(await asOwner().agents.publish.mutate({ organizationId: orgId, agentId }));

    const [row] = await h.database.db.$queryRaw<Record<string, unknown>[]>`
      SELECT * FROM agent_versions WHERE agent_id = ${agentId}::uuid`;
    expect(JSON.stringify(row)).not.toContain(TENANT_KEY);
    expect(row!.llm_api_key_ciphertext).toMatch(/^v1\./);

    // A published version is frozen: an edit without a key starts version 2 with the same key.
    const edited = await asOwner().agents.update.mutate({
      organizationId: orgId,
      agentId,
      config: {
        ...baseConfig,
        systemPrompt: "Be brief.",
        llmProvider: "openai_compatible",
        llmBaseUrl: tenantFake.baseURL,
      },
    });
    outputs.push(edited);
    expect(edited).toMatchObject({ version: 2, newVersion: true });
    let agent = await asOwner().agents.get.query({ organizationId: orgId, agentId });
    outputs.push(agent);
    expect(agent.latest).toMatchObject({ version: 2, hasLlmApiKey: true });
    // The dashboard offers the test chat with the server's AI off only for such versions.
    expect(agent.versions.map((v) => [v.version, v.usesOwnEndpoint])).toEqual([
      [2, true],
      [1, true],
    ]);
    const fingerprint = agent.latest.llmApiKeyFingerprint;
    expect(fingerprint).toMatch(/^[0-9a-f]{8}$/);
    outputs.push(await asOwner().agents.publish.mutate({ organizationId: orgId, agentId }));
    tenantFake.reset();
    tenantFake.replyOnce({ content: "Version two." });
    const { sessionId } = await visitorChat(agentId);
    expect(tenantFake.requests[0]!.authorization).toBe(`Bearer ${TENANT_KEY}`);

    // Pasting the same key again is no change.
    const same = await asOwner().agents.update.mutate({
      organizationId: orgId,
      agentId,
      config: {
        ...baseConfig,
        systemPrompt: "Be brief.",
        llmProvider: "openai_compatible",
        llmBaseUrl: tenantFake.baseURL,
        llmApiKey: TENANT_KEY,
      },
    });
    expect(same).toMatchObject({ version: 2, newVersion: false });

    outputs.push(
      await asOwner().agents.update.mutate({
        organizationId: orgId,
        agentId,
        config: {
          ...baseConfig,
          llmProvider: "openai_compatible",
          llmBaseUrl: tenantFake.baseURL,
          llmApiKey: "sk-new-3",
        },
      }),
    );
    agent = await asOwner().agents.get.query({ organizationId: orgId, agentId });
    outputs.push(agent);
    expect(agent.latest.hasLlmApiKey).toBe(true);
    expect(agent.latest.llmApiKeyFingerprint).not.toBe(fingerprint);

    outputs.push(
      await asOwner().agents.update.mutate({
        organizationId: orgId,
        agentId,
        config: { ...baseConfig, llmProvider: "openai_compatible", llmBaseUrl: tenantFake.baseURL, llmApiKey: null },
      }),
    );
    agent = await asOwner().agents.get.query({ organizationId: orgId, agentId });
    outputs.push(agent);
    expect(agent.latest).toMatchObject({ hasLlmApiKey: false, llmApiKeyFingerprint: null });

    outputs.push(await asOwner().agents.list.query({ organizationId: orgId }));
    outputs.push(await asOwner().agents.sessions.query({ organizationId: orgId, agentId }));
    const session = await h.database.db.agentSession.findUniqueOrThrow({ where: { publicId: sessionId } });
    outputs.push(await asOwner().agents.transcript.query({ organizationId: orgId, sessionId: session.id }));

    const ciphertexts = (
      await h.database.db.agentVersion.findMany({ where: { agentId }, select: { llmApiKeyCiphertext: true } })
    ).flatMap((v) => (v.llmApiKeyCiphertext ? [v.llmApiKeyCiphertext] : []));
    expect(ciphertexts.length).toBeGreaterThan(0);
    const shown = [...strings(outputs)];
    expect(shown.length).toBeGreaterThan(20);
    for (const text of shown) {
      expect(text).not.toContain(TENANT_KEY);
      expect(text).not.toContain("sk-new-3");
      for (const sealed of ciphertexts) expect(text).not.toContain(sealed);
      expect(text).not.toBe("llmApiKeyCiphertext");
    }
  });

  it("a sealed key does not open for another agent (copied between rows)", async () => {
    const a = await createAgent({
      llmProvider: "openai_compatible",
      llmBaseUrl: tenantFake.baseURL,
      llmApiKey: TENANT_KEY,
    });
    const b = await createAgent({ llmProvider: "openai_compatible", llmBaseUrl: tenantFake.baseURL });
    const sealed = await h.database.db.agentVersion.findFirstOrThrow({ where: { agentId: a } });
    await h.database.db.agentVersion.updateMany({
      where: { agentId: b },
      data: { llmApiKeyCiphertext: sealed.llmApiKeyCiphertext, llmApiKeyFingerprint: sealed.llmApiKeyFingerprint },
    });
    tenantFake.reset();
    expect(await errorOf(visitorChat(b))).toMatchObject({ code: "PRECONDITION_FAILED" });
    expect(tenantFake.requests).toHaveLength(0);
  });

  it("saving a key on a server without SECRETS_KEY says so plainly", async () => {
    const secrets = ai.secrets;
    ai.secrets = null;
    try {
      const error = await errorOf(
        asOwner().agents.create.mutate({
          organizationId: orgId,
          config: {
            ...baseConfig,
            llmProvider: "openai_compatible",
            llmBaseUrl: tenantFake.baseURL,
            llmApiKey: TENANT_KEY,
          },
        }),
      );
      expect(error).toMatchObject({
        appCode: "AI_DISABLED",
        message: "Bring-your-own AI endpoints need SECRETS_KEY on this server.",
      });
    } finally {
      ai.secrets = secrets;
    }
  });
});

describe("the outbound policy at save time", () => {
  it.each([
    ["http://llm.example.com/v1", /https:\/\//],
    ["https://127.0.0.1/v1", /private or local network/],
    ["https://10.1.2.3/v1", /private or local network/],
    ["https://169.254.169.254/latest", /private or local network/],
    ["https://[::ffff:127.0.0.1]/v1", /private or local network/],
    ["https://localhost/v1", /public address/],
    ["https://user:pw@llm.example.com/v1", /key field/],
  ])("refuses %s with a field error", async (llmBaseUrl, message) => {
    const error = await errorOf(
      asOwner().agents.create.mutate({
        organizationId: orgId,
        config: { ...baseConfig, llmProvider: "openai_compatible", llmBaseUrl },
      }),
    );
    expect(error).toMatchObject({ appCode: "VALIDATION_FAILED" });
    expect(error.fieldErrors?.["config.llmBaseUrl"]?.[0]).toMatch(message);
  });

  it("refuses a loopback port the operator did not list (also on update)", async () => {
    const agentId = await createAgent({ llmProvider: "openai_compatible", llmBaseUrl: tenantFake.baseURL });
    const error = await errorOf(
      asOwner().agents.update.mutate({
        organizationId: orgId,
        agentId,
        config: { ...baseConfig, llmProvider: "openai_compatible", llmBaseUrl: "http://127.0.0.1:9/v1" },
      }),
    );
    expect(error.fieldErrors?.["config.llmBaseUrl"]).toBeDefined();
  });
});

describe("the outbound policy at call time, and one plain failure", () => {
  it("refuses a saved address the policy no longer allows, without connecting", async () => {
    const agentId = await createAgent({
      llmProvider: "openai_compatible",
      llmBaseUrl: tenantFake.baseURL,
      llmApiKey: TENANT_KEY,
    });
    const listed = ai.outbound;
    ai.outbound = new OutboundPolicy(); // the operator removed the entry
    try {
      tenantFake.reset();
      expect(await errorOf(visitorChat(agentId))).toMatchObject({ code: "BAD_GATEWAY", message: PLAIN_FAILURE });
      await repoint(agentId, `http://localhost:${portOf(tenantFake.url)}/v1`);
      expect(await errorOf(visitorChat(agentId))).toMatchObject({ message: PLAIN_FAILURE });
      expect(tenantFake.requests).toHaveLength(0);
    } finally {
      await ai.outbound.close();
      ai.outbound = listed;
    }
  });

  it("refuses a public-looking name that resolves to 127.0.0.1 when it connects", async () => {
    const agentId = await createAgent({
      llmProvider: "openai_compatible",
      llmBaseUrl: `https://llm.tenant.example:${portOf(tenantFake.url)}/v1`,
      llmApiKey: TENANT_KEY,
    });
    const listed = ai.outbound;
    ai.outbound = listedPolicy({ resolve: async () => [{ address: "127.0.0.1", family: 4 }] });
    try {
      tenantFake.reset();
      expect(await errorOf(visitorChat(agentId))).toMatchObject({ message: PLAIN_FAILURE });
      expect(tenantFake.requests).toHaveLength(0);
    } finally {
      await ai.outbound.close();
      ai.outbound = listed;
    }
  });

  it("does not follow a redirect (here to the server's own endpoint)", async () => {
    const agentId = await createAgent({
      llmProvider: "openai_compatible",
      llmBaseUrl: `http://127.0.0.1:${redirectorPort}/v1`,
      llmApiKey: TENANT_KEY,
    });
    serverFake.reset();
    expect(await errorOf(visitorChat(agentId))).toMatchObject({ message: PLAIN_FAILURE });
    expect(serverFake.requests).toHaveLength(0);
  });

  it("refused, closed port, timeout, unknown name, not a model server and a rejected key all read the same", async () => {
    const agentId = await createAgent({
      llmProvider: "openai_compatible",
      llmBaseUrl: tenantFake.baseURL,
      llmApiKey: TENANT_KEY,
    });
    const failures: {
      case: string;
      code?: string | undefined;
      appCode?: string | undefined;
      message: string;
      stored: string | null;
    }[] = [];
    const attempt = async (name: string) => {
      const error = await errorOf(visitorChat(agentId));
      failures.push({
        case: name,
        code: error.code,
        appCode: error.appCode,
        message: error.message,
        stored: await lastErrorCode(agentId),
      });
    };
    const listed = ai.outbound;

    await repoint(agentId, `http://127.0.0.1:${closedPort}/v1`);
    await attempt("closed port");
    await repoint(agentId, "http://127.0.0.1:5432/v1");
    await attempt("refused by the policy (unlisted PostgreSQL port)");
    await repoint(agentId, `http://127.0.0.1:${webPagePort}/v1`);
    await attempt("an HTTP service that is not a model server");
    await repoint(agentId, tenantFake.baseURL);
    tenantFake.stallNext(1);
    await attempt("timed out");
    tenantFake.failNext(1, 401, { type: "invalid_request_error", code: "invalid_api_key" });
    await attempt("rejected key");
    ai.outbound = listedPolicy({
      resolve: async () => {
        throw Object.assign(new Error("getaddrinfo ENOTFOUND"), { code: "ENOTFOUND" });
      },
    });
    await repoint(agentId, "https://nowhere.tenant.example/v1");
    await attempt("unknown name");
    await ai.outbound.close();
    ai.outbound = listed;

    expect(failures).toHaveLength(6);
    for (const failure of failures) {
      expect({ ...failure, case: undefined }).toEqual({
        case: undefined,
        code: "BAD_GATEWAY",
        appCode: undefined,
        message: PLAIN_FAILURE,
        stored: "ai_provider_unreachable",
      });
    }
  });
});
