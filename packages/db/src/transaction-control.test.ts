import { describe, expect, it } from "vitest";
import { readMigrationFiles } from "./migrate.ts";
import { findTransactionControl } from "./transaction-control.ts";

const keywords = (sql: string) => findTransactionControl(sql).map((s) => `${s.keyword}@${s.line}`);

describe("transaction control in a migration", () => {
  it("finds statements that start or end a transaction, with their lines", () => {
    expect(keywords(`BEGIN;\nCREATE TABLE "a" ("id" INTEGER);\nCOMMIT;\n`)).toEqual(["BEGIN@1", "COMMIT@3"]);
    expect(keywords(`-- header\nstart transaction;\nSELECT 1;\n  end ;`)).toEqual(["START TRANSACTION@2", "END@4"]);
    expect(keywords(`SELECT 1; rollback; ABORT; PREPARE TRANSACTION 'x'; COMMIT AND CHAIN`)).toEqual([
      "ROLLBACK@1",
      "ABORT@1",
      "PREPARE TRANSACTION@1",
      "COMMIT@1",
    ]);
    expect(keywords(`/* a\n/* nested */ still comment */\nBEGIN TRANSACTION ISOLATION LEVEL SERIALIZABLE;`)).toEqual([
      "BEGIN@3",
    ]);
  });

  it("ignores the same words inside function bodies, strings, identifiers and comments", () => {
    const sql = [
      `CREATE FUNCTION "touch"() RETURNS trigger LANGUAGE plpgsql AS $$`,
      `BEGIN`,
      `  NEW.updated_at = now();`,
      `  RETURN NEW;`,
      `END;`,
      `$$;`,
      `DO $body$ BEGIN PERFORM 1; END $body$;`,
      `CREATE FUNCTION "one"() RETURNS integer LANGUAGE sql BEGIN ATOMIC SELECT CASE WHEN true THEN 1 END; SELECT 1; END;`,
      `INSERT INTO "notes" ("text") VALUES ('COMMIT;'), (E'it\\'s; BEGIN'), ('a''b; END');`,
      `ALTER TABLE "x" RENAME COLUMN "commit" TO "begin";`,
      `-- COMMIT;`,
      `SAVEPOINT "s"; ROLLBACK TO SAVEPOINT "s"; RELEASE "s";`,
      `SELECT $1, a$b$c FROM t;`,
    ].join("\n");
    expect(findTransactionControl(sql)).toEqual([]);
  });

  it("finds nothing in the project's own migrations", () => {
    for (const file of readMigrationFiles()) expect(findTransactionControl(file.sql), file.name).toEqual([]);
  });
});
