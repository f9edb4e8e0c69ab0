// Renders the SQL that creates the schema.prisma shape from nothing, in Prisma's own
// migration dialect. `pnpm db:sql` prints it: an offline stand-in for
// `prisma migrate diff --from-empty` (which needs the native schema engine) used to author
// migrations. The drift check, not this renderer, is what proves a migration matches.
import type { ExpectedColumn, ExpectedSchema, ExpectedTable, ReferentialAction } from "./schema-model.ts";

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

function columnSql(column: ExpectedColumn): string {
  if (column.default === "autoincrement()") {
    const serial = column.type === "bigint" ? "BIGSERIAL" : "SERIAL";
    return `    ${q(column.name)} ${serial} NOT NULL`;
  }
  return `    ${q(column.name)} ${ddlType(column.type)}${column.nullable ? "" : " NOT NULL"}${ddlDefault(column)}`;
}

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

/** The whole schema from empty, ordered enums → tables → indexes → foreign keys like Prisma's output. */
export function renderSchemaSql(schema: ExpectedSchema): string {
  const parts: string[] = [];
  for (const [name, values] of schema.enums) parts.push(createEnumSql(name, values));
  for (const table of schema.tables.values()) parts.push(createTableSql(table));
  for (const table of schema.tables.values())
    for (const index of table.indexes) parts.push(createIndexSql(table.name, index));
  for (const table of schema.tables.values())
    for (const fk of table.foreignKeys) parts.push(addForeignKeySql(table.name, fk));
  return parts.join("\n");
}
