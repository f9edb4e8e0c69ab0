// Prisma CLI configuration. The runtime never reads this file: the server builds its
// client with @prisma/adapter-pg (packages/db/src/client.ts) and migrates with the
// project's own runner (packages/db/src/migrate.ts), which keeps `_prisma_migrations`
// compatible with `prisma migrate deploy` for machines that have Prisma's schema engine.
import { defineConfig } from "prisma/config";

export default defineConfig({
  schema: "prisma/schema.prisma",
  migrations: { path: "prisma/migrations" },
  datasource: { url: process.env.DATABASE_URL ?? "postgresql://postgres@127.0.0.1:5432/switchboard" },
});
