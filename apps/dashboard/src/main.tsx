// The tokens, themes and base styles come first: each page's own CSS (imported by its components) builds on them.
import "./styles.css";
import { StrictMode } from "react";
import { createRoot } from "react-dom/client";
import { App, createDashboardRouter } from "./app.tsx";
import { DashboardSession } from "./session/dashboard-session.ts";
import { SessionProvider } from "./session/session-provider.tsx";

// Created outside React so StrictMode's double rendering never opens a second WebSocket (nor
// makes a second router).
const session = new DashboardSession();
const router = createDashboardRouter(session);

createRoot(document.getElementById("root")!).render(
  <StrictMode>
    <SessionProvider session={session}>
      <App router={router} />
    </SessionProvider>
  </StrictMode>,
);
