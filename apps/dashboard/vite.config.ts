import react from "@vitejs/plugin-react";
import { defaultClientConditions, defineConfig } from "vite";
import { compression } from "vite-plugin-compression2";

// In development the dashboard runs on Vite's port while the API runs on the server's; the
// proxy keeps the browser on one origin, as in production where the server serves dist/.
const apiTarget = process.env.SWITCHBOARD_API_URL ?? "http://127.0.0.1:3000";

export default defineConfig({
  plugins: [
    react(),
    // Brotli and gzip copies beside every text file (index.html included, source maps not), so
    // the server picks one per request (apps/server/src/static-files.ts) and never compresses
    // on the fly. Files that would not get smaller get no copy; the server then sends the original.
    compression({ algorithms: ["brotliCompress", "gzip"], logLevel: "silent" }),
  ],
  // Workspace packages from their sources (their "source" export condition), in dev and build.
  resolve: { conditions: ["source", ...defaultClientConditions] },
  server: {
    proxy: {
      "/trpc": { target: apiTarget, ws: true },
    },
  },
  build: {
    // Maps are written (to decode a production stack trace by hand) but not referenced from the
    // bundle, and the server refuses every *.map: the dashboard's source is not published.
    sourcemap: "hidden",
  },
});
