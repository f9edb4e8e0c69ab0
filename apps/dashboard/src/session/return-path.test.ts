import { describe, expect, it } from "vitest";
import { returnPathOf } from "./return-path.ts";

describe("returnPathOf", () => {
  it("keeps a dashboard address with its search and hash", () => {
    expect(returnPathOf("/agents/0b0f4f6c-2b5e-4a43-9d49-3f1d6a1c2e10?tab=versions")).toBe(
      "/agents/0b0f4f6c-2b5e-4a43-9d49-3f1d6a1c2e10?tab=versions",
    );
    expect(returnPathOf("/coaching/usage?days=7#per-day")).toBe("/coaching/usage?days=7#per-day");
    expect(returnPathOf("/invitations/abcdefghijkl")).toBe("/invitations/abcdefghijkl");
  });

  it("refuses anything that would leave this origin", () => {
    for (const value of [
      "//evil.example/x",
      "/\\evil.example",
      "https://evil.example/",
      "javascript:alert(1)",
      "evil",
    ]) {
      expect(returnPathOf(value)).toBeUndefined();
    }
  });

  it("refuses the sign-in pages themselves and home, which lead nowhere new", () => {
    for (const value of ["/", "/sign-in", "/sign-in?redirect=%2Fagents", "/sign-up", "/?x=1"]) {
      expect(returnPathOf(value)).toBeUndefined();
    }
  });

  it("refuses what is not a string or is far too long", () => {
    for (const value of [undefined, null, 42, { path: "/agents" }, `/${"a".repeat(2000)}`]) {
      expect(returnPathOf(value)).toBeUndefined();
    }
  });
});
