import pg from "pg";
import { describe, expect, it } from "vitest";
import { createEmptyTestDatabase } from "../test/test-database.ts";
import { checkDrift } from "./drift.ts";
import { renderSchemaSql } from "./migration-sql.ts";
import { loadExpectedSchema } from "./schema-model.ts";

describe("pnpm db:sql", () => {
  it("renders SQL that builds exactly the schema the drift check expects", async () => {
    const database = await createEmptyTestDatabase();
    try {
      const client = new pg.Client({ connectionString: database.url });
      await client.connect();
      try {
        await client.query(renderSchemaSql(loadExpectedSchema()));
      } finally {
        await client.end();
      }
      // No migration history on purpose: only the schema's shape is compared.
      const report = await checkDrift(database.url, { migrations: [] });
      expect(report.differences).toEqual([]);
    } finally {
      await database.drop();
    }
  });
});
