import react from "@vitejs/plugin-react";
import { defaultClientConditions, defineConfig } from "vite";

// In development the dashboard runs on Vite's port while the API runs on the server's; the
// proxy keeps the browser on one origin, as in production where the server serves dist/.
const apiTarget = process.env.SWITCHBOARD_API_URL ?? "http://127.0.0.1:3000";

export default defineConfig({
  plugins: [react()],
  // Workspace packages from their sources (their "source" export condition), in dev and build.
  resolve: { conditions: ["source", ...defaultClientConditions] },
  server: {
    proxy: {
      "/trpc": { target: apiTarget, ws: true },
    },
  },
  build: {
    sourcemap: true,
  },
});
