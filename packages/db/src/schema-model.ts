// The database shape schema.prisma promises, as plain data: what `pnpm db:check` compares
// the migrated database against, and what `pnpm db:sql` renders into migration SQL.
// Parsed with Prisma's own schema parser (prisma-schema-wasm), so it reads the schema exactly
// as Prisma does; only `Unsupported("…")` fields, which DMMF omits, are read from the text.
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { fileURLToPath } from "node:url";

export interface ExpectedColumn {
  name: string;
  /** PostgreSQL type as `format_type()` prints it, e.g. `timestamp(3) with time zone`, `"UserRole"`, `text[]`. */
  type: string;
  nullable: boolean;
  /** Normalised default (see normaliseDefault), or null when the column has none. */
  default: string | null;
}

interface ExpectedForeignKey {
  name: string;
  columns: string[];
  referencedTable: string;
  referencedColumns: string[];
  onDelete: ReferentialAction;
  onUpdate: ReferentialAction;
}

export interface ExpectedIndex {
  name: string;
  columns: string[];
  /** Per column: true when descending. */
  descending: boolean[];
  unique: boolean;
  /** Partial index predicate as PostgreSQL prints it, or null. */
  where: string | null;
}

/** A CHECK (or EXCLUDE) constraint or a trigger, which only prisma/sql-only.json can declare. */
export interface ExpectedDefinition {
  name: string;
  /**
   * As PostgreSQL prints it: `pg_get_constraintdef()` for a constraint (`CHECK ((progress >= 0))`),
   * `pg_get_triggerdef()` for a trigger (the whole `CREATE TRIGGER …` statement).
   */
  definition: string;
}

export interface ExpectedTable {
  name: string;
  model: string;
  columns: ExpectedColumn[];
  primaryKey: { name: string; columns: string[] };
  foreignKeys: ExpectedForeignKey[];
  indexes: ExpectedIndex[];
  checks: ExpectedDefinition[];
  triggers: ExpectedDefinition[];
}

export interface ExpectedSchema {
  enums: Map<string, string[]>;
  tables: Map<string, ExpectedTable>;
}

export type ReferentialAction = "Cascade" | "Restrict" | "NoAction" | "SetNull" | "SetDefault";

interface DmmfField {
  name: string;
  dbName?: string | null;
  kind: "scalar" | "object" | "enum" | "unsupported";
  isList: boolean;
  isRequired: boolean;
  isUnique: boolean;
  isId: boolean;
  hasDefaultValue: boolean;
  type: string;
  nativeType?: [string, string[]] | null;
  default?: unknown;
  relationFromFields?: string[];
  relationToFields?: string[];
  relationOnDelete?: ReferentialAction;
  relationOnUpdate?: ReferentialAction;
}

interface DmmfModel {
  name: string;
  dbName: string | null;
  fields: DmmfField[];
}

interface DmmfIndex {
  model: string;
  type: "id" | "unique" | "normal" | "fulltext";
  dbName?: string | null;
  fields: { name: string; sortOrder?: "asc" | "desc" }[];
}

interface Dmmf {
  datamodel: {
    enums: { name: string; dbName: string | null; values: { name: string; dbName: string | null }[] }[];
    models: DmmfModel[];
    indexes: DmmfIndex[];
  };
}

/** Objects Prisma's schema language cannot express, kept in prisma/sql-only.json. */
interface SqlOnlyObjects {
  indexes?: (ExpectedIndex & { table: string })[];
  checks?: (ExpectedDefinition & { table: string })[];
  triggers?: (ExpectedDefinition & { table: string })[];
}

const here = path.dirname(fileURLToPath(import.meta.url));
export const repoRoot = path.resolve(here, "../../..");
export const schemaPath = path.join(repoRoot, "prisma/schema.prisma");
export const sqlOnlyPath = path.join(repoRoot, "prisma/sql-only.json");

const MAX_IDENTIFIER = 63;

/** Prisma's default constraint name: `<table>_<columns>_<suffix>`, truncated to PostgreSQL's limit. */
function constraintName(table: string, columns: string[], suffix: string): string {
  const base = [table, ...columns].join("_");
  return `${base.slice(0, MAX_IDENTIFIER - suffix.length - 1)}_${suffix}`;
}

function scalarType(field: DmmfField): string {
  if (field.kind === "enum") return `"${field.type}"`;
  const native = field.nativeType?.[0];
  const args = field.nativeType?.[1] ?? [];
  if (native) {
    switch (native) {
      case "Uuid":
        return "uuid";
      case "Timestamptz":
        return `timestamp(${args[0] ?? "3"}) with time zone`;
      case "Timestamp":
        return `timestamp(${args[0] ?? "3"}) without time zone`;
      case "Date":
        return "date";
      case "Decimal":
        return `numeric(${args.join(",")})`;
      case "Real":
        return "real";
      case "VarChar":
        return args.length ? `character varying(${args[0]})` : "character varying";
      case "Text":
        return "text";
      default:
        throw new Error(`schema-model: native type @db.${native} is not mapped yet (field ${field.name})`);
    }
  }
  switch (field.type) {
    case "String":
      return "text";
    case "Int":
      return "integer";
    case "BigInt":
      return "bigint";
    case "Float":
      return "double precision";
    case "Decimal":
      return "numeric(65,30)";
    case "Boolean":
      return "boolean";
    case "DateTime":
      return "timestamp(3) without time zone";
    case "Json":
      return "jsonb";
    case "Bytes":
      return "bytea";
    default:
      throw new Error(`schema-model: type ${field.type} is not mapped (field ${field.name})`);
  }
}

/** Canonical text for a default so schema and database spellings compare equal. */
export function normaliseDefault(expression: string): string {
  let text = expression.trim();
  if (/^nextval\(/i.test(text)) return "autoincrement()";
  if (/^(CURRENT_TIMESTAMP|now\(\))$/i.test(text)) return "now()";
  // Strip trailing casts of literals such as '{}'::jsonb, 'x'::"Status", ARRAY[]::text[],
  // 0::numeric(12,6). A cast on an expression changes its meaning and is kept.
  let literal = text;
  for (;;) {
    const stripped = literal.replace(/::("[^"]+"|[a-z_ ]+(\([\d, ]+\))?)(\[\])?$/i, "");
    if (stripped === literal) break;
    literal = stripped;
  }
  if (/^('.*'|ARRAY\[\]|\(?-?[\d.]+\)?)$/is.test(literal)) text = literal;
  if (text.startsWith("'") && text.endsWith("'")) text = text.slice(1, -1).replace(/''/g, "'");
  if (/^ARRAY\[\]$/i.test(text)) return "[]";
  return text;
}

function expectedDefault(field: DmmfField, type: string): string | null {
  if (!field.hasDefaultValue) return null;
  const value = field.default;
  if (value && typeof value === "object" && !Array.isArray(value)) {
    const fn = value as { name: string; args: unknown[] };
    if (fn.name === "now") return "now()";
    if (fn.name === "autoincrement") return "autoincrement()";
    if (fn.name === "dbgenerated") return normaliseDefault(String(fn.args[0]));
    // uuid(), cuid() are generated by the client, not the database.
    return null;
  }
  if (Array.isArray(value)) return type.endsWith("[]") && value.length === 0 ? "[]" : JSON.stringify(value);
  return String(value);
}

/** Reads `name Unsupported("type")` fields per model, which DMMF leaves out. */
function readUnsupportedFields(
  schema: string,
): Map<string, { field: string; column: string; type: string; default: string | null; nullable: boolean }[]> {
  const result = new Map<
    string,
    { field: string; column: string; type: string; default: string | null; nullable: boolean }[]
  >();
  for (const block of schema.matchAll(/^model\s+(\w+)\s*\{([\s\S]*?)^\}/gm)) {
    const [, model, body] = block;
    if (!model || !body) continue;
    for (const line of body.split("\n")) {
      const match = line.match(/^\s*(\w+)\s+Unsupported\("([^"]+)"\)(\?)?(.*)$/);
      if (!match) continue;
      const [, field, type, optional, rest = ""] = match;
      const column = rest.match(/@map\("([^"]+)"\)/)?.[1] ?? field!;
      const dbDefault = rest.match(/@default\(dbgenerated\("([^"]+)"\)\)/)?.[1] ?? null;
      const list = result.get(model) ?? [];
      list.push({ field: field!, column, type: type!, default: dbDefault, nullable: optional === "?" });
      result.set(model, list);
    }
  }
  return result;
}

function parseDmmf(schema: string): Dmmf {
  const require = createRequire(import.meta.url);
  const wasm = require("@prisma/prisma-schema-wasm") as { get_dmmf(params: string): string };
  return JSON.parse(wasm.get_dmmf(JSON.stringify({ prismaSchema: [["schema.prisma", schema]] }))) as Dmmf;
}

export function loadExpectedSchema(file = schemaPath, sqlOnlyFile: string | null = sqlOnlyPath): ExpectedSchema {
  const schema = readFileSync(file, "utf8");
  const { datamodel } = parseDmmf(schema);
  const unsupported = readUnsupportedFields(schema);

  const enums = new Map<string, string[]>();
  for (const e of datamodel.enums)
    enums.set(
      e.dbName ?? e.name,
      e.values.map((v) => v.dbName ?? v.name),
    );

  const tableOf = new Map<string, string>();
  const columnOf = new Map<string, Map<string, string>>();
  for (const model of datamodel.models) {
    tableOf.set(model.name, model.dbName ?? model.name);
    const columns = new Map<string, string>();
    for (const f of model.fields) if (f.kind !== "object") columns.set(f.name, f.dbName ?? f.name);
    for (const u of unsupported.get(model.name) ?? []) columns.set(u.field, u.column);
    columnOf.set(model.name, columns);
  }
  const column = (model: string, field: string): string => {
    const name = columnOf.get(model)?.get(field);
    if (!name) throw new Error(`schema-model: ${model}.${field} has no column`);
    return name;
  };

  const tables = new Map<string, ExpectedTable>();
  for (const model of datamodel.models) {
    const table = tableOf.get(model.name)!;
    const columns: ExpectedColumn[] = [];
    const fieldTypes = new Map<string, string>();
    for (const f of model.fields) {
      if (f.kind === "object") continue;
      const base = scalarType(f);
      const type = f.isList ? `${base}[]` : base;
      fieldTypes.set(f.name, type);
      columns.push({
        name: column(model.name, f.name),
        type,
        nullable: !f.isRequired && !f.isList,
        default: expectedDefault(f, type),
      });
    }
    for (const u of unsupported.get(model.name) ?? []) {
      columns.push({
        name: u.column,
        type: u.type,
        nullable: u.nullable,
        default: u.default ? normaliseDefault(u.default) : null,
      });
    }

    const foreignKeys: ExpectedForeignKey[] = [];
    for (const f of model.fields) {
      if (f.kind !== "object" || !f.relationFromFields?.length) continue;
      const cols = f.relationFromFields.map((name) => column(model.name, name));
      foreignKeys.push({
        name: constraintName(table, cols, "fkey"),
        columns: cols,
        referencedTable: tableOf.get(f.type)!,
        referencedColumns: (f.relationToFields ?? []).map((name) => column(f.type, name)),
        onDelete: f.relationOnDelete ?? (f.isRequired ? "Restrict" : "SetNull"),
        onUpdate: f.relationOnUpdate ?? "Cascade",
      });
    }

    let primaryKey: ExpectedTable["primaryKey"] | null = null;
    const indexes: ExpectedIndex[] = [];
    for (const index of datamodel.indexes.filter((i) => i.model === model.name)) {
      const cols = index.fields.map((f) => column(model.name, f.name));
      if (index.type === "id") {
        primaryKey = { name: index.dbName ?? `${table}_pkey`, columns: cols };
        continue;
      }
      const unique = index.type === "unique";
      indexes.push({
        name: index.dbName ?? constraintName(table, cols, unique ? "key" : "idx"),
        columns: cols,
        descending: index.fields.map((f) => f.sortOrder === "desc"),
        unique,
        where: null,
      });
    }
    if (!primaryKey) throw new Error(`schema-model: model ${model.name} has no primary key`);
    tables.set(table, {
      name: table,
      model: model.name,
      columns,
      primaryKey,
      foreignKeys,
      indexes,
      checks: [],
      triggers: [],
    });
  }

  if (sqlOnlyFile) {
    const extra = JSON.parse(readFileSync(sqlOnlyFile, "utf8")) as SqlOnlyObjects;
    const tableFor = (name: string, object: string) => {
      const table = tables.get(name);
      if (!table) throw new Error(`sql-only.json: ${object} is on unknown table ${name}`);
      return table;
    };
    for (const index of extra.indexes ?? []) {
      tableFor(index.table, `index ${index.name}`).indexes.push({
        name: index.name,
        columns: index.columns,
        descending: index.descending,
        unique: index.unique,
        where: index.where,
      });
    }
    for (const check of extra.checks ?? [])
      tableFor(check.table, `constraint ${check.name}`).checks.push({ name: check.name, definition: check.definition });
    for (const trigger of extra.triggers ?? [])
      tableFor(trigger.table, `trigger ${trigger.name}`).triggers.push({
        name: trigger.name,
        definition: trigger.definition,
      });
  }
  return { enums, tables };
}
