import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { DEMO_ACCOUNTS, formatDemoAccountsMarkdown, withDemoAccountsTable } from "./seed.ts";

const readme = readFileSync(new URL("../../../README.md", import.meta.url), "utf8");

describe("the README's demo accounts", () => {
  it("are exactly the seed's accounts (run `pnpm db:readme` after changing the seed)", () => {
    expect(withDemoAccountsTable(readme)).toBe(readme);
  });

  it("list every seeded account with its password", () => {
    const table = formatDemoAccountsMarkdown();
    for (const account of Object.values(DEMO_ACCOUNTS)) {
      expect(table).toMatch(new RegExp(`\\| ${account.role} +\\| ${account.email} +\\| ${account.password} +\\|`));
    }
    expect(table.split("\n")).toHaveLength(2 + Object.keys(DEMO_ACCOUNTS).length);
  });

  it("cannot be rewritten into a README without the section's markers", () => {
    expect(() => withDemoAccountsTable("# no table here\n")).toThrow(/no demo accounts section/);
  });
});
