// The drift check: compares the live database with schema.prisma (tables, columns, types,
// nullability, defaults, enums and their values, primary and foreign keys, indexes) and
// the migration history with prisma/migrations. Every difference is reported by name, with
// the command that fixes it. Runs as `pnpm db:check`, in the test suite, and at server start.
import pg from "pg";
import { type MigrationFile, pendingMigrations, readAppliedMigrations, readMigrationFiles } from "./migrate.ts";
import {
  type ExpectedIndex,
  type ExpectedSchema,
  loadExpectedSchema,
  normaliseDefault,
  type ReferentialAction,
} from "./schema-model.ts";

export type DifferenceKind =
  | "migration-pending"
  | "migration-unknown"
  | "table-missing"
  | "table-extra"
  | "column-missing"
  | "column-extra"
  | "column-type"
  | "column-nullability"
  | "column-default"
  | "enum-missing"
  | "enum-values"
  | "primary-key"
  | "foreign-key-missing"
  | "foreign-key-different"
  | "index-missing"
  | "index-different"
  | "index-extra";

export interface Difference {
  kind: DifferenceKind;
  /** The object, e.g. `session_requests.metadata` or `SessionRequestStatus`. */
  object: string;
  message: string;
}

export interface DriftReport {
  ok: boolean;
  differences: Difference[];
  pendingMigrations: string[];
  /** One line telling the operator what to run. */
  fix: string | null;
}

interface ActualColumn {
  table: string;
  name: string;
  type: string;
  notNull: boolean;
  default: string | null;
}

interface ActualConstraint {
  table: string;
  name: string;
  type: "p" | "f";
  columns: string[];
  referencedTable: string | null;
  referencedColumns: string[] | null;
  onDelete: string;
  onUpdate: string;
}

interface ActualIndex {
  table: string;
  name: string;
  columns: string[];
  descending: boolean[];
  unique: boolean;
  where: string | null;
}

const actionCodes: Record<string, ReferentialAction> = {
  a: "NoAction",
  r: "Restrict",
  c: "Cascade",
  n: "SetNull",
  d: "SetDefault",
};

/** Tables that belong to tooling, not to schema.prisma. */
const bookkeepingTables = new Set(["_prisma_migrations"]);

async function introspect(client: pg.ClientBase) {
  const schema = "current_schema()";
  const enums = await client.query<{ name: string; values: string[] }>(`
    SELECT t.typname AS name, array_agg(e.enumlabel ORDER BY e.enumsortorder)::text[] AS values
      FROM pg_type t JOIN pg_enum e ON e.enumtypid = t.oid JOIN pg_namespace n ON n.oid = t.typnamespace
     WHERE n.nspname = ${schema} GROUP BY t.typname`);
  const tables = await client.query<{ name: string }>(`
    SELECT c.relname AS name FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
     WHERE n.nspname = ${schema} AND c.relkind IN ('r', 'p')`);
  const columns = await client.query<ActualColumn>(`
    SELECT c.relname AS "table", a.attname AS name, format_type(a.atttypid, a.atttypmod) AS type,
           a.attnotnull AS "notNull", pg_get_expr(d.adbin, d.adrelid) AS "default"
      FROM pg_attribute a
      JOIN pg_class c ON c.oid = a.attrelid JOIN pg_namespace n ON n.oid = c.relnamespace
      LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
     WHERE n.nspname = ${schema} AND c.relkind IN ('r', 'p') AND a.attnum > 0 AND NOT a.attisdropped`);
  const constraints = await client.query<ActualConstraint>(`
    SELECT c.relname AS "table", con.conname AS name, con.contype AS type,
           ARRAY(SELECT a.attname FROM unnest(con.conkey) WITH ORDINALITY k(n, i)
                   JOIN pg_attribute a ON a.attrelid = con.conrelid AND a.attnum = k.n ORDER BY k.i)::text[] AS columns,
           rc.relname AS "referencedTable",
           CASE WHEN con.contype = 'f' THEN
             ARRAY(SELECT a.attname FROM unnest(con.confkey) WITH ORDINALITY k(n, i)
                     JOIN pg_attribute a ON a.attrelid = con.confrelid AND a.attnum = k.n ORDER BY k.i)::text[]
           END AS "referencedColumns",
           con.confdeltype AS "onDelete", con.confupdtype AS "onUpdate"
      FROM pg_constraint con
      JOIN pg_class c ON c.oid = con.conrelid JOIN pg_namespace n ON n.oid = c.relnamespace
      LEFT JOIN pg_class rc ON rc.oid = con.confrelid
     WHERE n.nspname = ${schema} AND con.contype IN ('p', 'f')`);
  const indexes = await client.query<ActualIndex>(`
    SELECT t.relname AS "table", i.relname AS name, ix.indisunique AS unique,
           ARRAY(SELECT a.attname FROM unnest(ix.indkey) WITH ORDINALITY k(n, o)
                   JOIN pg_attribute a ON a.attrelid = ix.indrelid AND a.attnum = k.n ORDER BY k.o)::text[] AS columns,
           ARRAY(SELECT (opt & 1) = 1 FROM unnest(ix.indoption::int2[]) WITH ORDINALITY o(opt, p) ORDER BY o.p)::boolean[] AS descending,
           pg_get_expr(ix.indpred, ix.indrelid) AS "where"
      FROM pg_index ix
      JOIN pg_class i ON i.oid = ix.indexrelid JOIN pg_class t ON t.oid = ix.indrelid
      JOIN pg_namespace n ON n.oid = t.relnamespace
     WHERE n.nspname = ${schema} AND NOT ix.indisprimary`);
  return {
    enums: new Map(enums.rows.map((r) => [r.name, r.values])),
    tables: new Set(tables.rows.map((r) => r.name).filter((t) => !bookkeepingTables.has(t))),
    columns: columns.rows,
    constraints: constraints.rows,
    indexes: indexes.rows,
  };
}

const same = (a: readonly unknown[], b: readonly unknown[]) => a.length === b.length && a.every((v, i) => v === b[i]);

function describeIndex(index: Pick<ExpectedIndex, "columns" | "descending" | "unique" | "where">): string {
  const cols = index.columns.map((c, i) => (index.descending[i] ? `${c} DESC` : c)).join(", ");
  return `${index.unique ? "UNIQUE " : ""}(${cols})${index.where ? ` WHERE ${index.where}` : ""}`;
}

/** Compares a live database with the expected schema; pure given the introspection. */
export function compareSchema(expected: ExpectedSchema, actual: Awaited<ReturnType<typeof introspect>>): Difference[] {
  const differences: Difference[] = [];
  const add = (kind: DifferenceKind, object: string, message: string) => differences.push({ kind, object, message });

  for (const [name, values] of expected.enums) {
    const live = actual.enums.get(name);
    if (!live) {
      add("enum-missing", name, `enum ${name} is missing (expected values: ${values.join(", ")})`);
      continue;
    }
    const missing = values.filter((v) => !live.includes(v));
    const extra = live.filter((v) => !values.includes(v));
    if (missing.length)
      add("enum-values", name, `enum ${name} lacks value(s) ${missing.map((v) => `'${v}'`).join(", ")}`);
    if (extra.length)
      add(
        "enum-values",
        name,
        `enum ${name} has value(s) not in schema.prisma: ${extra.map((v) => `'${v}'`).join(", ")}`,
      );
  }

  for (const table of expected.tables.values()) {
    if (!actual.tables.has(table.name)) {
      add("table-missing", table.name, `table ${table.name} (model ${table.model}) is missing`);
      continue;
    }
    const liveColumns = new Map(actual.columns.filter((c) => c.table === table.name).map((c) => [c.name, c]));
    for (const column of table.columns) {
      const object = `${table.name}.${column.name}`;
      const live = liveColumns.get(column.name);
      if (!live) {
        add(
          "column-missing",
          object,
          `column ${object} is missing (expected ${column.type}${column.nullable ? "" : " NOT NULL"})`,
        );
        continue;
      }
      if (live.type !== column.type)
        add("column-type", object, `column ${object} is ${live.type}, schema.prisma expects ${column.type}`);
      if (live.notNull === column.nullable) {
        add(
          "column-nullability",
          object,
          `column ${object} is ${live.notNull ? "NOT NULL" : "nullable"}, schema.prisma expects ${column.nullable ? "nullable" : "NOT NULL"}`,
        );
      }
      const liveDefault = live.default === null ? null : normaliseDefault(live.default);
      if (liveDefault !== column.default) {
        add(
          "column-default",
          object,
          `column ${object} has default ${liveDefault ?? "(none)"}, schema.prisma expects ${column.default ?? "(none)"}`,
        );
      }
    }
    const expectedNames = new Set(table.columns.map((c) => c.name));
    for (const name of liveColumns.keys()) {
      if (!expectedNames.has(name))
        add(
          "column-extra",
          `${table.name}.${name}`,
          `column ${table.name}.${name} exists in the database but not in schema.prisma`,
        );
    }

    const constraints = actual.constraints.filter((c) => c.table === table.name);
    const pk = constraints.find((c) => c.type === "p");
    if (!pk || !same(pk.columns, table.primaryKey.columns)) {
      add(
        "primary-key",
        table.name,
        `primary key of ${table.name} is ${pk ? `(${pk.columns.join(", ")})` : "missing"}, expected (${table.primaryKey.columns.join(", ")})`,
      );
    }
    for (const fk of table.foreignKeys) {
      const object = `${table.name}.${fk.columns.join(",")}`;
      const live = constraints.find((c) => c.type === "f" && same(c.columns, fk.columns));
      const wanted = `${table.name}(${fk.columns.join(", ")}) → ${fk.referencedTable}(${fk.referencedColumns.join(", ")}) ON DELETE ${fk.onDelete} ON UPDATE ${fk.onUpdate}`;
      if (!live) {
        add("foreign-key-missing", object, `foreign key ${wanted} is missing`);
        continue;
      }
      const liveDelete = actionCodes[live.onDelete];
      const liveUpdate = actionCodes[live.onUpdate];
      if (
        live.referencedTable !== fk.referencedTable ||
        !same(live.referencedColumns ?? [], fk.referencedColumns) ||
        liveDelete !== fk.onDelete ||
        liveUpdate !== fk.onUpdate
      ) {
        add(
          "foreign-key-different",
          object,
          `foreign key ${live.name} is ${table.name}(${live.columns.join(", ")}) → ${live.referencedTable}(${(live.referencedColumns ?? []).join(", ")}) ON DELETE ${liveDelete} ON UPDATE ${liveUpdate}, expected ${wanted}`,
        );
      }
    }

    const liveIndexes = actual.indexes.filter((i) => i.table === table.name);
    for (const index of table.indexes) {
      const live =
        liveIndexes.find((i) => i.name === index.name) ??
        liveIndexes.find((i) => same(i.columns, index.columns) && i.unique === index.unique && i.where === index.where);
      if (!live) {
        add(
          "index-missing",
          `${table.name}.${index.name}`,
          `index ${index.name} ${describeIndex(index)} on ${table.name} is missing`,
        );
      } else if (
        !same(live.columns, index.columns) ||
        !same(live.descending, index.descending) ||
        live.unique !== index.unique ||
        live.where !== index.where
      ) {
        add(
          "index-different",
          `${table.name}.${index.name}`,
          `index ${live.name} on ${table.name} is ${describeIndex(live)}, expected ${describeIndex(index)}`,
        );
      }
    }
    for (const live of liveIndexes) {
      const known = table.indexes.some(
        (i) =>
          i.name === live.name || (same(i.columns, live.columns) && i.unique === live.unique && i.where === live.where),
      );
      if (!known)
        add(
          "index-extra",
          `${table.name}.${live.name}`,
          `index ${live.name} ${describeIndex(live)} on ${table.name} is not in schema.prisma or prisma/sql-only.json`,
        );
    }
  }

  for (const name of actual.tables) {
    if (!expected.tables.has(name))
      add("table-extra", name, `table ${name} exists in the database but not in schema.prisma`);
  }
  return differences;
}

export function fixFor(differences: Difference[], pending: string[]): string | null {
  if (pending.length) return "Run `pnpm db:migrate` to apply the pending migrations, then `pnpm db:check`.";
  if (differences.length) {
    return "All migrations are applied but the database differs from schema.prisma: it was changed outside migrations, or a migration is missing. Add a migration under prisma/migrations (`pnpm db:sql` prints the SQL for the expected schema) and run `pnpm db:migrate`; for a throwaway database, recreate it.";
  }
  return null;
}

export async function checkDrift(
  databaseUrl: string,
  options: { expected?: ExpectedSchema; migrations?: MigrationFile[] } = {},
): Promise<DriftReport> {
  const expected = options.expected ?? loadExpectedSchema();
  const files = options.migrations ?? readMigrationFiles();
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    const applied = await readAppliedMigrations(client);
    const pending = pendingMigrations(files, applied).map((f) => f.name);
    const differences: Difference[] = pending.map((name) => ({
      kind: "migration-pending",
      object: name,
      message: `migration ${name} has not been applied`,
    }));
    const known = new Set(files.map((f) => f.name));
    for (const record of applied ?? []) {
      if (record.finishedAt && !record.rolledBackAt && !known.has(record.migrationName)) {
        differences.push({
          kind: "migration-unknown",
          object: record.migrationName,
          message: `migration ${record.migrationName} is applied in the database but missing from prisma/migrations`,
        });
      }
    }
    differences.push(...compareSchema(expected, await introspect(client)));
    return { ok: differences.length === 0, differences, pendingMigrations: pending, fix: fixFor(differences, pending) };
  } finally {
    await client.end();
  }
}

/** Human-readable report, one difference per line. */
export function formatDriftReport(report: DriftReport): string {
  if (report.ok) return "Database schema matches schema.prisma and every migration is applied.";
  return [
    `The database does not match schema.prisma (${report.differences.length} difference${report.differences.length === 1 ? "" : "s"}):`,
    ...report.differences.map((d) => `  - ${d.message}`),
    `Fix: ${report.fix}`,
  ].join("\n");
}
