import { mkdtemp } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { type AppRouter, createAppEventBus } from "@switchboard/api";
import { MAX_BATCH_SIZE } from "@switchboard/api/transport-limits";
import { createTestDatabase } from "@switchboard/testing";
import { createTRPCClient, httpLink, httpSubscriptionLink } from "@trpc/client";
import superjson from "superjson";
import { describe, expect, it } from "vitest";
import { createLogger } from "../src/logger.ts";
import { redactUrlForLog } from "../src/request-log.ts";
import { startServer } from "../src/server.ts";

const invitationToken = "inv_9f8e7d6c5b4a3210fedcba9876543210";
const sessionToken = "st_0123456789abcdef0123456789abcdef";
const chatSessionId = "chat_5a4b3c2d1e0f5a4b3c2d";
const messageText = "my card number is 4242 4242 4242 4242";

/** The request targets the real tRPC client sends for a GET query, a mutation and an SSE subscription. */
async function urlsTheClientSends(): Promise<string[]> {
  const sent: string[] = [];
  const origin = "http://switchboard.test";
  const toTarget = (url: string) => url.slice(origin.length);
  // Records the URL and answers like a server that is down: only the URL matters here.
  const recordingFetch = async (url: string | URL | Request) => {
    sent.push(toTarget(String(url)));
    return new Response("{}", { status: 503 });
  };
  class RecordingEventSource extends EventTarget {
    readyState = 0;
    constructor(url: string | URL) {
      super();
      sent.push(toTarget(String(url)));
    }
    close() {}
  }
  const client = createTRPCClient<AppRouter>({
    links: [httpLink({ url: `${origin}/trpc`, transformer: superjson, fetch: recordingFetch })],
  });
  const subscriptions = createTRPCClient<AppRouter>({
    links: [
      httpSubscriptionLink({
        url: `${origin}/trpc`,
        transformer: superjson,
        connectionParams: { token: sessionToken },
        EventSource: RecordingEventSource as unknown as typeof EventSource,
      }),
    ],
  });
  await client.organizations.invitation.query({ token: invitationToken }).catch(() => undefined);
  const subscription = subscriptions.agents.sendMessage.subscribe(
    { sessionId: chatSessionId, content: messageText },
    { onError: () => undefined },
  );
  await expect.poll(() => sent.length).toBe(2);
  subscription.unsubscribe();
  return sent;
}

describe("redactUrlForLog", () => {
  it("logs no token, session id or message text from the URLs the tRPC client really sends", async () => {
    const urls = await urlsTheClientSends();
    const secrets = [invitationToken, sessionToken, chatSessionId, messageText];
    // What the log would have said before: every secret is in the raw URLs.
    for (const secret of secrets) expect(decodeURIComponent(urls.join(" "))).toContain(secret);
    const logged = urls.map(redactUrlForLog);
    for (const line of logged) {
      for (const secret of [...secrets, "4242"]) {
        expect(line).not.toContain(secret);
        expect(decodeURIComponent(line)).not.toContain(secret);
      }
    }
    expect(logged).toEqual([
      "/trpc/organizations.invitation?input=[redacted]",
      "/trpc/agents.sendMessage?connectionParams=[redacted]&input=[redacted]",
    ]);
  });

  it.each([
    ["/invitations/abc123token", "/invitations/[redacted]"],
    ["/invitations/abc123token/", "/invitations/[redacted]/"],
    ["/Invitations/abc123token?x=1", "/Invitations/[redacted]?x=[redacted]"],
    ["//invitations/abc123token", "//invitations/[redacted]"],
    ["/x/../invitations/abc123token", "/x/../invitations/[redacted]"],
    ["/invitations\\abc123token", "/invitations\\[redacted]"],
    ["/invitations%2Fabc123token", "/[redacted]"],
    ["http://host.example/invitations/abc123token", "http://host.example/invitations/[redacted]"],
    ["/api/sb_live_Zm9vYmFy", "/api/[redacted]"],
  ])("masks the secret in the path %s", (url, expected) => {
    expect(redactUrlForLog(url)).toBe(expected);
  });

  it.each([
    ["/reset?token=abc123secret", "/reset?token=[redacted]"],
    ["/trpc/a,b?batch=1&input=%7B%220%22%3A1%7D", "/trpc/a,b?batch=[redacted]&input=[redacted]"],
    ["/x?abc123secretTokenThatIsLongerThanAName", "/x?[redacted]=[redacted]"],
    ["/x?%7B%22json%22%7D=1", "/x?[redacted]=[redacted]"],
    ["/x?", "/x?"],
    ["/x?token=abc123secret#frag", "/x?token=[redacted]"],
    ["/x#frag?token=abc123secret", "/x"],
  ])("masks every query value in %s", (url, expected) => {
    expect(redactUrlForLog(url)).toBe(expected);
  });

  it("leaves ordinary paths as they are", () => {
    for (const url of ["/", "/healthz", "/assets/app-123.js", "/organizations/1b2c/members", "/invitations"]) {
      expect(redactUrlForLog(url)).toBe(url);
    }
  });

  it("never throws on a malformed target", () => {
    for (const url of ["", "*", "/%E0%A4%A", "/invitations/%E0%A4%A", "?%zz=%zz", "/\u0000"]) {
      expect(() => redactUrlForLog(url)).not.toThrow();
    }
    expect(redactUrlForLog("/invitations/%E0%A4%A")).toBe("/invitations/[redacted]");
  });
});

describe("the server's request log", () => {
  it("says which page and procedure were asked for, never the token or the input", async () => {
    const database = await createTestDatabase();
    const events = createAppEventBus({ databaseUrl: database.url });
    await events.start();
    const lines: string[] = [];
    const server = await startServer(
      {
        services: {
          db: database.db,
          events,
          log: createLogger("info", { write: (line: string) => void lines.push(line) }),
        },
        databaseUrl: database.url,
        dashboardDist: await mkdtemp(path.join(os.tmpdir(), "sb-dist-")),
      },
      { port: 0, host: "127.0.0.1" },
    );
    try {
      const input = encodeURIComponent(JSON.stringify({ json: { token: invitationToken } }));
      await fetch(`${server.url}/invitations/${invitationToken}`).then((response) => response.arrayBuffer());
      await fetch(`${server.url}/trpc/organizations.invitation?input=${input}`).then((response) =>
        response.arrayBuffer(),
      );
      await expect.poll(() => lines.filter((line) => line.includes('"msg":"request"')).length).toBe(2);
      const requests = lines.filter((line) => line.includes('"msg":"request"')).map((line) => JSON.parse(line).url);
      expect(requests).toEqual(["/invitations/[redacted]", "/trpc/organizations.invitation?input=[redacted]"]);
      expect(lines.join("")).not.toContain(invitationToken);
    } finally {
      await server.close();
      await events.stop();
      await database.drop();
    }
  });

  it("logs a call refused before any context exists with the one logger, under the request's id", async () => {
    const database = await createTestDatabase();
    const events = createAppEventBus({ databaseUrl: database.url });
    await events.start();
    const lines: string[] = [];
    const server = await startServer(
      {
        services: {
          db: database.db,
          events,
          log: createLogger("info", { write: (line: string) => void lines.push(line) }),
        },
        databaseUrl: database.url,
        dashboardDist: await mkdtemp(path.join(os.tmpdir(), "sb-dist-")),
      },
      { port: 0, host: "127.0.0.1" },
    );
    try {
      // A batch past the limit: tRPC refuses it while reading the request, before createContext runs.
      const batch = Array.from({ length: MAX_BATCH_SIZE + 1 }, () => "auth.me").join(",");
      const response = await fetch(`${server.url}/trpc/${batch}?batch=1`, {
        headers: { "x-request-id": "before-context-1", authorization: "Bearer secret-token-123" },
      });
      expect(response.status).toBe(400);
      await expect
        .poll(() => lines.map((line) => JSON.parse(line)).find((entry) => entry.msg === "request refused by tRPC"))
        .toMatchObject({ requestId: "before-context-1", service: "switchboard", code: "BAD_REQUEST" });
      expect(lines.join("")).not.toContain("secret-token-123");
    } finally {
      await server.close();
      await events.stop();
      await database.drop();
    }
  });
});
