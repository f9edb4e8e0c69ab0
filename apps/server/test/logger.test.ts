import { describe, expect, it } from "vitest";
import { createLogger } from "../src/logger.ts";

function capturingLogger() {
  const lines: string[] = [];
  const log = createLogger("info", { write: (line: string) => void lines.push(line) });
  return { log, output: () => lines.join("") };
}

/** Every secret is distinct, so a leak names the field it came from. */
const secret = (name: string) => `SECRET-${name}-7f3a9c`;

describe("the server logger", () => {
  it.each([
    ["a request's authorization header", { req: { headers: { authorization: `Bearer ${secret("auth")}` } } }],
    ["a request's cookie header", { req: { headers: { cookie: `session=${secret("cookie")}` } } }],
    ["a response's set-cookie header", { res: { headers: { "set-cookie": `session=${secret("set-cookie")}` } } }],
    ["headers on an outbound call", { call: { headers: { authorization: `Bearer ${secret("outbound")}` } } }],
    ["an API key header", { req: { headers: { "x-api-key": secret("x-api-key") } } }],
    ["a top-level token", { token: secret("token") }],
    ["a token in an input", { input: { token: secret("input-token") } }],
    ["a token two levels down", { payload: { invitation: { token: secret("deep-token") } } }],
    ["a password", { input: { email: "ann@example.com", password: secret("password") } }],
    ["a secret", { webhook: { secret: secret("webhook") } }],
    ["an API key", { key: { apiKey: secret("apiKey") } }],
    ["a tenant's AI provider key", { agent: { config: { llmApiKey: secret("llmApiKey") } } }],
    ["connection params", { connectionParams: { token: secret("connectionParams") } }],
    ["connection params in a context", { ctx: { connectionParams: { token: secret("ctx-params") } } }],
  ])("leaves %s out of the log", (_name, fields) => {
    const { log, output } = capturingLogger();
    log.info(fields, "something happened");
    const written = output();
    expect(written).toContain("something happened");
    expect(written).toContain("[Redacted]");
    expect(written).not.toContain("SECRET-");
  });

  it("keeps the fields around the secrets, and the caller's object unchanged", () => {
    const { log, output } = capturingLogger();
    const fields = { sessionId: "s-1", input: { email: "ann@example.com", password: secret("password") } };
    log.info(fields, "signed in");
    const line = JSON.parse(output());
    expect(line).toMatchObject({ sessionId: "s-1", input: { email: "ann@example.com", password: "[Redacted]" } });
    expect(fields.input.password).toBe(secret("password"));
  });

  it("redacts in child loggers too (every request logs through one)", () => {
    const { log, output } = capturingLogger();
    log.child({ requestId: "r-1" }).warn({ input: { token: secret("child") } }, "refused");
    expect(output()).toContain("r-1");
    expect(output()).not.toContain("SECRET-");
  });
});
