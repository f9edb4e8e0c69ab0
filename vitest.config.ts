import { defaultServerConditions } from "vite";
import { defineConfig } from "vitest/config";

// One vitest run for every package. Integration tests get a real PostgreSQL:
// packages/testing/src/global-setup.ts starts embedded PostgreSQL when DATABASE_URL is
// unset, migrates a template database once, and each test file clones its own database.
export default defineConfig({
  // Tests run the workspace packages from their sources (the "source" export condition), never
  // from a dist/ that may be stale or missing: in the test files' environment (ssr) and in the one
  // vitest loads globalSetup in (__vitest__).
  environments: {
    ssr: { resolve: { conditions: ["source", ...defaultServerConditions] } },
    __vitest__: { resolve: { conditions: ["source", ...defaultServerConditions] } },
  },
  test: {
    include: [
      "packages/*/src/**/*.test.ts",
      "packages/*/test/**/*.test.ts",
      "apps/server/src/**/*.test.ts",
      "apps/server/test/**/*.test.ts",
      // The dashboard's pure parts (no DOM): live folds, board state, the connection state and the query cache around an outage.
      "apps/dashboard/src/**/*.test.ts",
      "scripts/**/*.test.ts",
      // The dashboard's pure helpers (no DOM): a plain node test.
      "apps/dashboard/src/**/*.test.ts",
    ],
    globalSetup: ["packages/testing/src/global-setup.ts"],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: "forks",
    maxWorkers: 2,
  },
});
