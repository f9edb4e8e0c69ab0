// The drift check: compares the live database with schema.prisma plus prisma/sql-only.json
// (tables, columns, types, nullability, defaults, enums and their values, primary and foreign
// keys, indexes, CHECK constraints, triggers) and the migration history in _prisma_migrations
// with prisma/migrations (pending, failed, edited after being applied, unknown). Every
// difference is reported by name with the SQL or the command that fixes it. Runs as
// `pnpm db:check`, in the test suite, and at server start (whose /healthz names the differences).
import pg from "pg";
import { assertSupportedDatabaseUrl } from "./database-url.ts";
import {
  type AppliedMigration,
  type MigrationFile,
  pendingMigrations,
  RUNNER_LOG_PREFIX,
  readAppliedMigrations,
  readMigrationFiles,
  refusalOf,
} from "./migrate.ts";
import {
  addCheckSql,
  addColumnSql,
  addEnumValuesSql,
  addForeignKeySql,
  alterColumnTypeSql,
  alterDefaultSql,
  alterNullabilitySql,
  createEnumSql,
  createIndexSql,
  createTableSql,
  createTriggerSql,
  dropColumnSql,
  dropConstraintSql,
  dropIndexSql,
  dropTriggerSql,
  recreateEnumSql,
  replacePrimaryKeySql,
  statementOnly,
} from "./migration-sql.ts";
import {
  type ExpectedIndex,
  type ExpectedSchema,
  loadExpectedSchema,
  normaliseDefault,
  type ReferentialAction,
} from "./schema-model.ts";

type DifferenceKind =
  | "migration-pending"
  | "migration-failed"
  | "migration-edited"
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
  | "index-extra"
  | "check-missing"
  | "check-different"
  | "check-extra"
  | "trigger-missing"
  | "trigger-different"
  | "trigger-extra";

export interface Difference {
  kind: DifferenceKind;
  /** The object, e.g. `session_requests.metadata`, `SessionRequestStatus` or a migration's folder name. */
  object: string;
  /** One short sentence naming the difference, e.g. `column session_requests.metadata is missing (…)`. */
  message: string;
  /**
   * SQL that would make the database match schema.prisma for this difference, as a new
   * migration would hold it; null for migration-history differences (a command fixes those).
   */
  sql: string | null;
}

export interface DriftReport {
  ok: boolean;
  differences: Difference[];
  /** Migration folders not (successfully) applied, in order. */
  pendingMigrations: string[];
  /** What the operator should do, naming the command (`pnpm db:migrate` when a migration is pending). */
  fix: string | null;
  /**
   * Every difference's SQL in order, to put in a new migration; null when the fix is a command
   * (a pending or broken migration history, whose differences the migrations themselves explain).
   */
  fixSql: string | null;
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

interface ActualDefinition {
  table: string;
  name: string;
  definition: string;
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
  // CHECK and EXCLUDE constraints (NOT NULL is compared per column; unique ones are indexes).
  const checks = await client.query<ActualDefinition>(`
    SELECT c.relname AS "table", con.conname AS name, pg_get_constraintdef(con.oid) AS definition
      FROM pg_constraint con
      JOIN pg_class c ON c.oid = con.conrelid JOIN pg_namespace n ON n.oid = c.relnamespace
     WHERE n.nspname = ${schema} AND con.contype IN ('c', 'x')`);
  // User triggers only: foreign keys are implemented with internal ones.
  const triggers = await client.query<ActualDefinition>(`
    SELECT c.relname AS "table", t.tgname AS name, pg_get_triggerdef(t.oid) AS definition
      FROM pg_trigger t
      JOIN pg_class c ON c.oid = t.tgrelid JOIN pg_namespace n ON n.oid = c.relnamespace
     WHERE n.nspname = ${schema} AND NOT t.tgisinternal`);
  return {
    enums: new Map(enums.rows.map((r) => [r.name, r.values])),
    tables: new Set(tables.rows.map((r) => r.name).filter((t) => !bookkeepingTables.has(t))),
    columns: columns.rows,
    constraints: constraints.rows,
    indexes: indexes.rows,
    checks: checks.rows,
    triggers: triggers.rows,
  };
}

const same = (a: readonly unknown[], b: readonly unknown[]) => a.length === b.length && a.every((v, i) => v === b[i]);

function describeIndex(index: Pick<ExpectedIndex, "columns" | "descending" | "unique" | "where">): string {
  const cols = index.columns.map((c, i) => (index.descending[i] ? `${c} DESC` : c)).join(", ");
  return `${index.unique ? "UNIQUE " : ""}(${cols})${index.where ? ` WHERE ${index.where}` : ""}`;
}

type Introspection = Awaited<ReturnType<typeof introspect>>;

/** Compares a live database with the expected schema; pure given the introspection. */
function compareSchema(expected: ExpectedSchema, actual: Introspection): Difference[] {
  const differences: Difference[] = [];
  const add = (kind: DifferenceKind, object: string, message: string, sql: string | null) =>
    differences.push({ kind, object, message, sql });

  for (const [name, values] of expected.enums) {
    const live = actual.enums.get(name);
    if (!live) {
      add(
        "enum-missing",
        name,
        `enum ${name} is missing (expected values: ${values.join(", ")})`,
        statementOnly(createEnumSql(name, values)),
      );
      continue;
    }
    const missing = values.filter((v) => !live.includes(v));
    const extra = live.filter((v) => !values.includes(v));
    if (missing.length)
      add(
        "enum-values",
        name,
        `enum ${name} lacks value(s) ${missing.map((v) => `'${v}'`).join(", ")}`,
        addEnumValuesSql(name, missing),
      );
    if (extra.length)
      add(
        "enum-values",
        name,
        `enum ${name} has value(s) not in schema.prisma: ${extra.map((v) => `'${v}'`).join(", ")}`,
        `-- rows holding ${extra.map((v) => `'${v}'`).join(", ")} must be changed first\n${recreateEnumSql(expected, name, values)}`,
      );
  }

  for (const table of expected.tables.values()) {
    if (!actual.tables.has(table.name)) {
      const sql = [
        createTableSql(table),
        ...table.indexes.map((i) => createIndexSql(table.name, i)),
        ...table.foreignKeys.map((fk) => addForeignKeySql(table.name, fk)),
        ...table.checks.map((c) => addCheckSql(table.name, c)),
        ...table.triggers.map((t) => createTriggerSql(t)),
      ];
      add(
        "table-missing",
        table.name,
        `table ${table.name} (model ${table.model}) is missing`,
        statementOnly(sql.join("")),
      );
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
          addColumnSql(table.name, column),
        );
        continue;
      }
      if (live.type !== column.type)
        add(
          "column-type",
          object,
          `column ${object} is ${live.type}, schema.prisma expects ${column.type}`,
          alterColumnTypeSql(table.name, column),
        );
      if (live.notNull === column.nullable) {
        add(
          "column-nullability",
          object,
          `column ${object} is ${live.notNull ? "NOT NULL" : "nullable"}, schema.prisma expects ${column.nullable ? "nullable" : "NOT NULL"}`,
          alterNullabilitySql(table.name, column),
        );
      }
      const liveDefault = live.default === null ? null : normaliseDefault(live.default);
      if (liveDefault !== column.default) {
        add(
          "column-default",
          object,
          `column ${object} has default ${liveDefault ?? "(none)"}, schema.prisma expects ${column.default ?? "(none)"}`,
          alterDefaultSql(table.name, column),
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
          dropColumnSql(table.name, name),
        );
    }

    const constraints = actual.constraints.filter((c) => c.table === table.name);
    const pk = constraints.find((c) => c.type === "p");
    if (!pk || !same(pk.columns, table.primaryKey.columns)) {
      add(
        "primary-key",
        table.name,
        `primary key of ${table.name} is ${pk ? `(${pk.columns.join(", ")})` : "missing"}, expected (${table.primaryKey.columns.join(", ")})`,
        replacePrimaryKeySql(table, pk?.name ?? null),
      );
    }
    for (const fk of table.foreignKeys) {
      const object = `${table.name}.${fk.columns.join(",")}`;
      const live = constraints.find((c) => c.type === "f" && same(c.columns, fk.columns));
      const wanted = `${table.name}(${fk.columns.join(", ")}) → ${fk.referencedTable}(${fk.referencedColumns.join(", ")}) ON DELETE ${fk.onDelete} ON UPDATE ${fk.onUpdate}`;
      if (!live) {
        add(
          "foreign-key-missing",
          object,
          `foreign key ${wanted} is missing`,
          statementOnly(addForeignKeySql(table.name, fk)),
        );
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
          `${dropConstraintSql(table.name, live.name)}\n${statementOnly(addForeignKeySql(table.name, fk))}`,
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
          statementOnly(createIndexSql(table.name, index)),
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
          `${dropIndexSql(live.name)}\n${statementOnly(createIndexSql(table.name, index))}`,
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
          dropIndexSql(live.name),
        );
    }

    // CHECK constraints and triggers exist only where prisma/sql-only.json declares them:
    // Prisma's schema language cannot express either, so an undeclared one was added by hand.
    const liveChecks = actual.checks.filter((c) => c.table === table.name);
    for (const check of table.checks) {
      const live = liveChecks.find((c) => c.name === check.name);
      if (!live)
        add(
          "check-missing",
          `${table.name}.${check.name}`,
          `constraint ${check.name} ${check.definition} on ${table.name} is missing`,
          statementOnly(addCheckSql(table.name, check)),
        );
      else if (live.definition !== check.definition)
        add(
          "check-different",
          `${table.name}.${check.name}`,
          `constraint ${check.name} on ${table.name} is ${live.definition}, prisma/sql-only.json expects ${check.definition}`,
          `${dropConstraintSql(table.name, live.name)}\n${statementOnly(addCheckSql(table.name, check))}`,
        );
    }
    for (const live of liveChecks) {
      if (!table.checks.some((c) => c.name === live.name))
        add(
          "check-extra",
          `${table.name}.${live.name}`,
          `constraint ${live.name} ${live.definition} on ${table.name} is not in prisma/sql-only.json`,
          dropConstraintSql(table.name, live.name),
        );
    }
    const liveTriggers = actual.triggers.filter((t) => t.table === table.name);
    for (const trigger of table.triggers) {
      const live = liveTriggers.find((t) => t.name === trigger.name);
      if (!live)
        add(
          "trigger-missing",
          `${table.name}.${trigger.name}`,
          `trigger ${trigger.name} on ${table.name} is missing`,
          statementOnly(createTriggerSql(trigger)),
        );
      else if (live.definition !== trigger.definition)
        add(
          "trigger-different",
          `${table.name}.${trigger.name}`,
          `trigger ${trigger.name} on ${table.name} is "${live.definition}", prisma/sql-only.json expects "${trigger.definition}"`,
          `${dropTriggerSql(table.name, live.name)}\n${statementOnly(createTriggerSql(trigger))}`,
        );
    }
    for (const live of liveTriggers) {
      if (!table.triggers.some((t) => t.name === live.name))
        add(
          "trigger-extra",
          `${table.name}.${live.name}`,
          `trigger ${live.name} on ${table.name} is not in prisma/sql-only.json ("${live.definition}")`,
          dropTriggerSql(table.name, live.name),
        );
    }
  }

  for (const name of actual.tables) {
    if (!expected.tables.has(name))
      add(
        "table-extra",
        name,
        `table ${name} exists in the database but not in schema.prisma`,
        `DROP TABLE "${name}";`,
      );
  }
  return differences;
}

const historyKinds = new Set<DifferenceKind>([
  "migration-pending",
  "migration-failed",
  "migration-edited",
  "migration-unknown",
]);

/**
 * Compares _prisma_migrations with the folders: what is pending, what failed, what was edited
 * after it was applied (the checksum `pnpm db:migrate` would refuse) and what is applied but
 * has no folder here.
 */
function compareHistory(files: MigrationFile[], applied: AppliedMigration[] | null): Difference[] {
  const differences: Difference[] = [];
  const records = (applied ?? []).filter((r) => !r.rolledBackAt);
  const byName = new Map(files.map((f) => [f.name, f]));
  for (const file of pendingMigrations(files, applied)) {
    const failed = records.find((r) => r.migrationName === file.name && !r.finishedAt);
    const refusal = refusalOf(file);
    if (failed?.logs?.startsWith(RUNNER_LOG_PREFIX)) {
      const detail = failed.logs.slice(RUNNER_LOG_PREFIX.length).trim();
      differences.push({
        kind: "migration-failed",
        object: file.name,
        message: `migration ${file.name} failed when last run and was rolled back (${detail}); it is not applied`,
        sql: null,
      });
    } else if (failed) {
      differences.push({
        kind: "migration-failed",
        object: file.name,
        message: `migration ${file.name} started but never finished${failed.logs ? ` (${failed.logs})` : ""}; part of it may be in the database`,
        sql: null,
      });
    } else {
      differences.push({
        kind: "migration-pending",
        object: file.name,
        message: `migration ${file.name} has not been applied${refusal ? ", and `pnpm db:migrate` will refuse it: it contains its own BEGIN/COMMIT" : ""}`,
        sql: null,
      });
    }
  }
  for (const record of records) {
    if (!record.finishedAt) continue;
    const file = byName.get(record.migrationName);
    if (!file) {
      differences.push({
        kind: "migration-unknown",
        object: record.migrationName,
        message: `migration ${record.migrationName} is applied in the database but missing from prisma/migrations`,
        sql: null,
      });
    } else if (file.checksum !== record.checksum) {
      differences.push({
        kind: "migration-edited",
        object: record.migrationName,
        message: `migration ${record.migrationName} was edited after it was applied (its migration.sql no longer matches the applied checksum)`,
        sql: null,
      });
    }
  }
  return differences;
}

const pendingFix = "Run `pnpm db:migrate` to apply the pending migrations, then `pnpm db:check`.";

function fixFor(differences: Difference[], pending: string[]): string | null {
  const history = differences.filter((d) => historyKinds.has(d.kind));
  const names = (kind: DifferenceKind) => history.filter((d) => d.kind === kind).map((d) => d.object);
  const steps: string[] = [];
  const edited = names("migration-edited");
  if (edited.length)
    steps.push(
      `Restore ${edited.map((n) => `prisma/migrations/${n}/migration.sql`).join(", ")} to what was applied (see \`git log -p\` of the file) and put the change in a new migration; \`pnpm db:migrate\` refuses to run until then.`,
    );
  const unknown = names("migration-unknown");
  if (unknown.length)
    steps.push(
      `This database was migrated by a newer or different version of Switchboard (${unknown.join(", ")}): run that version, or restore the missing migration folders.`,
    );
  for (const d of history.filter((d) => d.kind === "migration-failed")) {
    steps.push(
      d.message.includes("rolled back")
        ? `Fix prisma/migrations/${d.object}/migration.sql and run \`pnpm db:migrate\`.`
        : `Inspect the database, finish or undo ${d.object} by hand, then run \`pnpm db:migrate resolve --rolled-back ${d.object}\` and \`pnpm db:migrate\`.`,
    );
  }
  const refused = history.filter((d) => d.kind === "migration-pending" && d.message.includes("will refuse"));
  for (const d of refused)
    steps.push(`Remove BEGIN/COMMIT from prisma/migrations/${d.object}/migration.sql, then run \`pnpm db:migrate\`.`);
  if (steps.length) return steps.join(" ");
  if (pending.length) return pendingFix;
  if (differences.length) {
    return (
      "All migrations are applied but the database differs from schema.prisma: it was changed outside migrations, or a migration is missing. " +
      "Put the SQL below in a new prisma/migrations/<UTC timestamp>_<name>/migration.sql (read it first: DROP statements lose data) " +
      "and run `pnpm db:migrate`; for a throwaway database, recreate it."
    );
  }
  return null;
}

/** Every difference's SQL, in report order; null when the fix is a command, not SQL. */
function fixSqlFor(differences: Difference[]): string | null {
  if (!differences.length || differences.some((d) => historyKinds.has(d.kind))) return null;
  return differences.flatMap((d) => (d.sql ? [d.sql] : [])).join("\n");
}

export async function checkDrift(
  databaseUrl: string,
  options: { expected?: ExpectedSchema; migrations?: MigrationFile[] } = {},
): Promise<DriftReport> {
  assertSupportedDatabaseUrl(databaseUrl);
  const expected = options.expected ?? loadExpectedSchema();
  const files = options.migrations ?? readMigrationFiles();
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    const applied = await readAppliedMigrations(client);
    const pending = pendingMigrations(files, applied).map((f) => f.name);
    const differences = [...compareHistory(files, applied), ...compareSchema(expected, await introspect(client))];
    return {
      ok: differences.length === 0,
      differences,
      pendingMigrations: pending,
      fix: fixFor(differences, pending),
      fixSql: fixSqlFor(differences),
    };
  } finally {
    await client.end();
  }
}

/** Human-readable report, one difference per line, then the fix (and its SQL when there is one). */
export function formatDriftReport(report: DriftReport): string {
  if (report.ok) return "Database schema matches schema.prisma and every migration is applied.";
  const lines = [
    `The database does not match schema.prisma (${report.differences.length} difference${report.differences.length === 1 ? "" : "s"}):`,
    ...report.differences.map((d) => `  - ${d.message}`),
    `Fix: ${report.fix}`,
  ];
  if (report.fixSql) lines.push(...report.fixSql.split("\n").map((line) => `    ${line}`));
  return lines.join("\n");
}
