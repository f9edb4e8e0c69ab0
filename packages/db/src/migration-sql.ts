// Renders the SQL that creates the schema.prisma shape from nothing, in Prisma's own
// migration dialect. `pnpm db:sql` prints it: an offline stand-in for
// `prisma migrate diff --from-empty` (which needs the native schema engine) used to author
// migrations. The drift check, not this renderer, is what proves a migration matches.
// The single-change statements below are what the drift report prints to fix one difference.
import type {
  ExpectedColumn,
  ExpectedDefinition,
  ExpectedSchema,
  ExpectedTable,
  ReferentialAction,
} from "./schema-model.ts";

const q = (identifier: string) => `"${identifier}"`;

const ddlTypes: [RegExp, (m: RegExpMatchArray) => string][] = [
  [/^timestamp\((\d+)\) with time zone$/, (m) => `TIMESTAMPTZ(${m[1]})`],
  [/^timestamp\((\d+)\) without time zone$/, (m) => `TIMESTAMP(${m[1]})`],
  [/^numeric\((.+)\)$/, (m) => `DECIMAL(${m[1]})`],
  [/^character varying\((\d+)\)$/, (m) => `VARCHAR(${m[1]})`],
  [/^"(.+)"$/, (m) => `"${m[1]}"`],
  [/^(.+)$/, (m) => m[1]!.toUpperCase()],
];

function ddlType(type: string): string {
  const list = type.endsWith("[]");
  const base = list ? type.slice(0, -2) : type;
  for (const [pattern, render] of ddlTypes) {
    const match = base.match(pattern);
    if (match) return render(match) + (list ? "[]" : "");
  }
  return type;
}

function ddlDefault(column: ExpectedColumn): string {
  const value = column.default;
  if (value === null) return "";
  if (value === "now()") return " DEFAULT CURRENT_TIMESTAMP";
  if (value === "[]") return ` DEFAULT ARRAY[]::${ddlType(column.type)}`;
  if (column.type === "jsonb") return ` DEFAULT '${value.replace(/'/g, "''")}'`;
  if (column.type === "text" || column.type.startsWith('"')) return ` DEFAULT '${value.replace(/'/g, "''")}'`;
  return ` DEFAULT ${value}`;
}

function columnDefinition(column: ExpectedColumn): string {
  if (column.default === "autoincrement()") {
    const serial = column.type === "bigint" ? "BIGSERIAL" : "SERIAL";
    return `${q(column.name)} ${serial} NOT NULL`;
  }
  return `${q(column.name)} ${ddlType(column.type)}${column.nullable ? "" : " NOT NULL"}${ddlDefault(column)}`;
}

const columnSql = (column: ExpectedColumn) => `    ${columnDefinition(column)}`;

const actionSql: Record<ReferentialAction, string> = {
  Cascade: "CASCADE",
  Restrict: "RESTRICT",
  NoAction: "NO ACTION",
  SetNull: "SET NULL",
  SetDefault: "SET DEFAULT",
};

export function createTableSql(table: ExpectedTable): string {
  const lines = table.columns.map(columnSql);
  lines.push(`    CONSTRAINT ${q(table.primaryKey.name)} PRIMARY KEY (${table.primaryKey.columns.map(q).join(", ")})`);
  return `-- CreateTable\nCREATE TABLE ${q(table.name)} (\n${lines.join(",\n")}\n);\n`;
}

export function createIndexSql(table: string, index: ExpectedTable["indexes"][number]): string {
  const columns = index.columns.map((c, i) => `${q(c)}${index.descending[i] ? " DESC" : ""}`).join(", ");
  const where = index.where ? ` WHERE ${index.where}` : "";
  return `-- CreateIndex\nCREATE ${index.unique ? "UNIQUE " : ""}INDEX ${q(index.name)} ON ${q(table)}(${columns})${where};\n`;
}

export function addForeignKeySql(table: string, fk: ExpectedTable["foreignKeys"][number]): string {
  return `-- AddForeignKey\nALTER TABLE ${q(table)} ADD CONSTRAINT ${q(fk.name)} FOREIGN KEY (${fk.columns.map(q).join(", ")}) REFERENCES ${q(fk.referencedTable)}(${fk.referencedColumns.map(q).join(", ")}) ON DELETE ${actionSql[fk.onDelete]} ON UPDATE ${actionSql[fk.onUpdate]};\n`;
}

export function createEnumSql(name: string, values: string[]): string {
  return `-- CreateEnum\nCREATE TYPE ${q(name)} AS ENUM (${values.map((v) => `'${v}'`).join(", ")});\n`;
}

export function addCheckSql(table: string, check: ExpectedDefinition): string {
  return `-- AddCheckConstraint\nALTER TABLE ${q(table)} ADD CONSTRAINT ${q(check.name)} ${check.definition};\n`;
}

export function createTriggerSql(trigger: ExpectedDefinition): string {
  return `-- CreateTrigger (its function must exist first)\n${trigger.definition};\n`;
}

// One statement per change, as a migration fixing one drift difference would hold them.

export function addColumnSql(table: string, column: ExpectedColumn): string {
  return `ALTER TABLE ${q(table)} ADD COLUMN ${columnDefinition(column)};`;
}

export function dropColumnSql(table: string, column: string): string {
  return `ALTER TABLE ${q(table)} DROP COLUMN ${q(column)};`;
}

export function alterColumnTypeSql(table: string, column: ExpectedColumn): string {
  const type = ddlType(column.type);
  return `ALTER TABLE ${q(table)} ALTER COLUMN ${q(column.name)} SET DATA TYPE ${type} USING ${q(column.name)}::${type};`;
}

export function alterNullabilitySql(table: string, column: ExpectedColumn): string {
  return `ALTER TABLE ${q(table)} ALTER COLUMN ${q(column.name)} ${column.nullable ? "DROP" : "SET"} NOT NULL;`;
}

export function alterDefaultSql(table: string, column: ExpectedColumn): string {
  const head = `ALTER TABLE ${q(table)} ALTER COLUMN ${q(column.name)}`;
  if (column.default === null) return `${head} DROP DEFAULT;`;
  if (column.default === "autoincrement()") {
    const sequence = `${table}_${column.name}_seq`;
    return `CREATE SEQUENCE IF NOT EXISTS ${q(sequence)} OWNED BY ${q(table)}.${q(column.name)};\n${head} SET DEFAULT nextval('${q(sequence)}');`;
  }
  return `${head} SET${ddlDefault(column)};`;
}

export function addEnumValuesSql(name: string, values: string[]): string {
  return values.map((v) => `ALTER TYPE ${q(name)} ADD VALUE '${v.replace(/'/g, "''")}';`).join("\n");
}

/**
 * PostgreSQL cannot drop an enum value, so (like Prisma's own migrations) the type is rebuilt
 * with the schema's values and every column using it is moved over; rows still holding a
 * dropped value make the cast fail, so they must be changed first.
 */
export function recreateEnumSql(schema: ExpectedSchema, name: string, values: string[]): string {
  const users = [...schema.tables.values()].flatMap((t) =>
    t.columns.filter((c) => c.type === q(name) || c.type === `${q(name)}[]`).map((c) => ({ table: t.name, column: c })),
  );
  const lines = [
    `CREATE TYPE ${q(`${name}_new`)} AS ENUM (${values.map((v) => `'${v.replace(/'/g, "''")}'`).join(", ")});`,
  ];
  for (const { table, column } of users) {
    const type = column.type.endsWith("[]") ? `${q(`${name}_new`)}[]` : q(`${name}_new`);
    if (column.default !== null) lines.push(`ALTER TABLE ${q(table)} ALTER COLUMN ${q(column.name)} DROP DEFAULT;`);
    lines.push(
      `ALTER TABLE ${q(table)} ALTER COLUMN ${q(column.name)} TYPE ${type} USING (${q(column.name)}::text${column.type.endsWith("[]") ? "[]" : ""}::${type});`,
    );
  }
  lines.push(
    `ALTER TYPE ${q(name)} RENAME TO ${q(`${name}_old`)};`,
    `ALTER TYPE ${q(`${name}_new`)} RENAME TO ${q(name)};`,
  );
  lines.push(`DROP TYPE ${q(`${name}_old`)};`);
  for (const { table, column } of users)
    if (column.default !== null)
      lines.push(`ALTER TABLE ${q(table)} ALTER COLUMN ${q(column.name)} SET${ddlDefault(column)};`);
  return lines.join("\n");
}

export function dropConstraintSql(table: string, name: string): string {
  return `ALTER TABLE ${q(table)} DROP CONSTRAINT ${q(name)};`;
}

export function replacePrimaryKeySql(table: ExpectedTable, liveName: string | null): string {
  const add = `ALTER TABLE ${q(table.name)} ADD CONSTRAINT ${q(table.primaryKey.name)} PRIMARY KEY (${table.primaryKey.columns.map(q).join(", ")});`;
  return liveName ? `${dropConstraintSql(table.name, liveName)}\n${add}` : add;
}

export function dropIndexSql(name: string): string {
  return `DROP INDEX ${q(name)};`;
}

export function dropTriggerSql(table: string, name: string): string {
  return `DROP TRIGGER ${q(name)} ON ${q(table)};`;
}

/** Strips the `-- Comment` header line the whole-schema renderer puts above each statement. */
export const statementOnly = (sql: string) =>
  sql
    .split("\n")
    .filter((line) => line && !line.startsWith("-- "))
    .join("\n");

/** The whole schema from empty, ordered enums → tables → indexes → foreign keys like Prisma's output. */
export function renderSchemaSql(schema: ExpectedSchema): string {
  const parts: string[] = [];
  for (const [name, values] of schema.enums) parts.push(createEnumSql(name, values));
  for (const table of schema.tables.values()) parts.push(createTableSql(table));
  for (const table of schema.tables.values())
    for (const index of table.indexes) parts.push(createIndexSql(table.name, index));
  for (const table of schema.tables.values())
    for (const fk of table.foreignKeys) parts.push(addForeignKeySql(table.name, fk));
  for (const table of schema.tables.values()) {
    for (const check of table.checks) parts.push(addCheckSql(table.name, check));
    for (const trigger of table.triggers) parts.push(createTriggerSql(trigger));
  }
  return parts.join("\n");
}
