// The service session settings as the operator writes them: checked at start, named when wrong.
import { describe, expect, it } from "vitest";
import { parseEnv } from "./env.ts";

describe("service session settings", () => {
  it("defaults to five minutes to join and no ICE servers", () => {
    const env = parseEnv({});
    expect(env.SESSION_JOIN_MINUTES).toBe(5);
    expect(env.ICE_SERVERS).toBeUndefined();
  });

  it("reads ICE_SERVERS as a JSON array of RTCIceServer objects", () => {
    const env = parseEnv({
      SESSION_JOIN_MINUTES: "2",
      ICE_SERVERS:
        '[{"urls":"stun:stun.example.com:3478"},{"urls":["turn:t.example.com"],"username":"u","credential":"p"}]',
    });
    expect(env.SESSION_JOIN_MINUTES).toBe(2);
    expect(env.ICE_SERVERS).toEqual([
      { urls: "stun:stun.example.com:3478" },
      { urls: ["turn:t.example.com"], username: "u", credential: "p" },
    ]);
  });

  it("stops on ICE_SERVERS that are not JSON, not ICE addresses or carry unknown fields, naming the variable", () => {
    expect(() => parseEnv({ ICE_SERVERS: "stun:stun.example.com" })).toThrow(/ICE_SERVERS: must be JSON/);
    expect(() => parseEnv({ ICE_SERVERS: '[{"urls":"https://example.com"}]' })).toThrow(/ICE_SERVERS/);
    expect(() => parseEnv({ ICE_SERVERS: '[{"urls":"stun:a","password":"x"}]' })).toThrow(/ICE_SERVERS/);
    expect(() => parseEnv({ SESSION_JOIN_MINUTES: "0" })).toThrow(/SESSION_JOIN_MINUTES/);
    expect(() => parseEnv({ THROTTLE_LIMITS: "{" })).toThrow(/THROTTLE_LIMITS: must be JSON/);
  });
});
