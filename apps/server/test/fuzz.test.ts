import net from "node:net";
import { signStripeWebhook, type TestDatabase } from "@switchboard/testing";
import pino from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import WebSocket from "ws";
import type { RunningServer } from "../src/server.ts";
import { startTestServer, type TestServer } from "./test-server.ts";

const webhookSecret = "whsec_fuzz_secret";
let database: TestDatabase;
let server: RunningServer;
const logged: Record<string, unknown>[] = [];

let harness: TestServer | null = null;
beforeAll(async () => {
  harness = await startTestServer({
    stripeWebhookSecret: webhookSecret,
    services: { log: pino({ level: "info" }, { write: (line: string) => logged.push(JSON.parse(line)) }) },
    dashboardFiles: { "index.html": "<!doctype html><title>Switchboard</title>" },
  });
  ({ database, server } = harness);
});

afterAll(() => harness?.close());

/** The status line and body of a request sent byte for byte (fetch would normalise the path). */
function rawGet(target: string): Promise<{ status: number; body: string }> {
  const { hostname, port } = new URL(server.url);
  return new Promise((resolve, reject) => {
    const socket = net.connect(Number(port), hostname, () => {
      socket.write(`GET ${target} HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n`);
    });
    let received = "";
    socket.on("data", (chunk) => {
      received += chunk.toString("latin1");
    });
    socket.on("end", () => {
      const status = Number(/^HTTP\/1\.1 (\d{3})/.exec(received)?.[1]);
      resolve({ status, body: received.split("\r\n\r\n").slice(1).join("\r\n\r\n") });
    });
    socket.on("error", reject);
  });
}

describe("malformed paths", () => {
  for (const target of [
    "/%E0%A4%A",
    "/%",
    "/%ZZ",
    "/assets/%ff%fe",
    "/requests/%E0%A4",
    "/%00",
    "/assets/%00.js",
    "//[",
    "//%zz",
  ]) {
    it(`GET ${target} is answered 400 or 404 (or the app page), never 500`, async () => {
      const { status, body } = await rawGet(target);
      expect([200, 400, 404]).toContain(status);
      expect(body).not.toMatch(/Something went wrong|URIError|Error:/);
    });
  }

  it("says plainly that a malformed address is not valid", async () => {
    const { status, body } = await rawGet("/%E0%A4%A");
    expect(status).toBe(400);
    expect(body).toContain("This address is not valid.");
  });
});

describe("signed Stripe events that are not well-formed", () => {
  const post = (payload: string) =>
    fetch(`${server.url}/webhooks/stripe`, {
      method: "POST",
      body: payload,
      headers: { "stripe-signature": signStripeWebhook(payload, webhookSecret), "content-type": "application/json" },
    });
  const event = (fields: Record<string, unknown>) =>
    JSON.stringify({ id: "evt_x", object: "event", type: "checkout.session.completed", ...fields });

  const malformed: [string, string][] = [
    ["a JSON array", JSON.stringify([{ id: "evt_array" }])],
    ["a JSON string", JSON.stringify("evt")],
    ["JSON null", "null"],
    ["no id", JSON.stringify({ object: "event", type: "checkout.session.completed", data: { object: { id: "cs" } } })],
    ["a numeric id", event({ id: 42, data: { object: { id: "cs" } } })],
    ["no type", JSON.stringify({ id: "evt_no_type", data: { object: { id: "cs" } } })],
    ["no data", event({ id: "evt_no_data" })],
    ["no data.object", event({ id: "evt_no_object", data: {} })],
    ["data.object a string", event({ id: "evt_string_object", data: { object: "cs_1" } })],
    ["a checkout with no id", event({ id: "evt_no_checkout_id", data: { object: { payment_status: "paid" } } })],
    ["a checkout id that is a list", event({ id: "evt_list_id", data: { object: { id: ["cs"] } } })],
    ["a NUL byte in a field", event({ id: "evt_nul", data: { object: { id: "cs_\u0000" } } })],
    ["a lone surrogate in a field", event({ id: "evt_surrogate", data: { object: { id: "cs", note: "\ud800" } } })],
    ["a NUL byte in the id", event({ id: "evt_\u0000", data: { object: { id: "cs" } } })],
  ];

  for (const [name, payload] of malformed) {
    it(`answers ${name} with 400, a plain body and a log line, and records nothing`, async () => {
      const before = await database.db.stripeWebhookEvent.count();
      const response = await post(payload);
      expect(response.status).toBe(400);
      expect(await response.json()).toEqual({ error: "This is not a well-formed Stripe event." });
      expect(await database.db.stripeWebhookEvent.count()).toBe(before);
      expect(logged.some((entry) => String(entry.msg).includes("not a well-formed Stripe event"))).toBe(true);
    });
  }

  it("still records a well-formed event with an escaped backslash-u in its text", async () => {
    const payload = event({ id: "evt_backslash", type: "customer.created", data: { object: { note: "C:\\u0000" } } });
    const response = await post(payload);
    expect(response.status).toBe(200);
    expect(await database.db.stripeWebhookEvent.count({ where: { id: "evt_backslash" } })).toBe(1);
  });
});

describe("hostile WebSocket messages", () => {
  /** Sends raw text frames and collects the answers (tRPC's WebSocket protocol by hand). */
  async function exchange(messages: string[], wanted: number) {
    const socket = new WebSocket(`${server.url.replace("http", "ws")}/trpc`);
    const frames: {
      id?: unknown;
      error?: { json?: { message?: string; data?: { code?: string; appCode?: string } } };
    }[] = [];
    await new Promise((resolve, reject) => socket.once("open", resolve).once("error", reject));
    const done = new Promise<void>((resolve) => {
      socket.on("message", (data) => {
        const text = data.toString();
        if (text === "PING") return socket.send("PONG");
        frames.push(JSON.parse(text));
        if (frames.filter((frame) => frame.error).length >= wanted) resolve();
      });
      socket.on("close", () => resolve());
      setTimeout(resolve, 3_000);
    });
    for (const message of messages) socket.send(message);
    await done;
    socket.close();
    return frames.filter((frame) => frame.error).map((frame) => frame.error?.json);
  }

  it("answers unreadable frames, bad superjson and hostile text in our words, never INTERNAL", async () => {
    const deeper = `${'{"nested":'.repeat(60_000)}"bottom"${"}".repeat(60_000)}`;
    const subscribe = (id: number, input: string) =>
      `{"id":${id},"method":"subscription","params":{"path":"agents.sendMessage","input":${input}}}`;
    const errors = await exchange(
      [
        subscribe(1, '{"json":{"sessionId":"session-\\u0000-1234","content":"hello"}}'),
        subscribe(2, `{"json":{"sessionId":"abcdefghijk","content":"hello"},"meta":{"values":${deeper}}}`),
        subscribe(3, '{"json":{"sessionId":"abcdefghijk","content":"\\ud800"}}'),
        subscribe(4, "null"),
      ],
      4,
    );
    expect(errors).toHaveLength(4);
    for (const error of errors) {
      expect(error?.data?.code).not.toBe("INTERNAL_SERVER_ERROR");
      expect(typeof error?.data?.appCode).toBe("string");
      expect(error?.message).not.toMatch(/Cannot|undefined|Unexpected token|Maximum call stack|TypeError|RangeError/);
    }
  });

  it("answers a frame that is not JSON at all without a raw exception", async () => {
    const errors = await exchange(["this is not JSON", "[1,2"], 1);
    expect(errors.length).toBeGreaterThan(0);
    for (const error of errors) {
      expect(error?.data?.code).not.toBe("INTERNAL_SERVER_ERROR");
      expect(error?.message).not.toMatch(/Cannot|undefined|Unexpected token|is not valid JSON|SyntaxError/);
    }
  });
});
