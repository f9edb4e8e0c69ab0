// The Sessions product at /sessions: "Your sessions" for a customer, "My sessions" for a mechanic
// — the ones still going first, then the finished ones, newest first; live (sessions.onMine:
// each change reads the list again, since a change moves a session between the two groups).
import { Link } from "@tanstack/react-router";
import { getQueryKey } from "@trpc/react-query";
import { trpc } from "../api/trpc.ts";
import { useLiveQuery } from "../api/use-live-query.ts";
import { LiveUpdatesAlert } from "../pages/live-updates-alert.tsx";
import { PersonalList } from "../pages/personal-list.tsx";
import { useDocumentTitle } from "../pages/use-document-title.ts";
import { formatTime, lineStatus, type SessionLine, sessionTypeLabels, starsLabel } from "./session-labels.ts";
import "./sessions.css";

type Viewer = "customer" | "mechanic";

function useMySessions() {
  const query = trpc.sessions.mine.useQuery({});
  const { liveProblem } = useLiveQuery({
    query,
    queryKey: getQueryKey(trpc.sessions.mine, {}, "query"),
    subscription: trpc.sessions.onMine,
    subscriptionInput: (lastEventId) => ({ lastEventId }),
  });
  return { query, liveProblem };
}

export function SessionsPage({ viewer }: { viewer: Viewer }) {
  const title = viewer === "mechanic" ? "My sessions" : "Your sessions";
  useDocumentTitle(title);
  const { query, liveProblem } = useMySessions();
  const sessions = query.data?.sessions;
  const going = sessions?.filter((line) => line.status === "waiting" || line.status === "active");
  const finished = sessions?.filter((line) => line.status === "completed" || line.status === "cancelled");
  return (
    <section aria-labelledby="page-heading" className="sessions-page">
      <h1 id="page-heading">{title}</h1>
      <p className="lead">
        {viewer === "mechanic"
          ? "The customers whose requests you accepted. This list changes as soon as a session does."
          : "Your sessions with a mechanic. This list changes as soon as a session does."}
      </p>
      <LiveUpdatesAlert problem={liveProblem} />
      <PersonalList
        id="current-sessions-heading"
        heading="Now"
        query={{ data: going, error: query.error }}
        loading="Loading your sessions…"
        empty={
          viewer === "mechanic"
            ? "No session right now. Accept a request on the board to start one."
            : "No session right now. Ask for a mechanic to start one."
        }
        keyOf={(line) => line.sessionId}
        statusOf={(line) => line.status}
        footer={
          <p>
            <Link to="/requests" activeOptions={{ exact: true }}>
              {viewer === "mechanic" ? "Open the board" : "Ask for a mechanic"}
            </Link>
          </p>
        }
      >
        {(line) => <SessionLineView line={line} viewer={viewer} />}
      </PersonalList>
      <PersonalList
        id="past-sessions-heading"
        heading="Earlier"
        query={{ data: finished, error: query.error }}
        loading="Loading your sessions…"
        empty="No finished sessions yet."
        keyOf={(line) => line.sessionId}
        statusOf={(line) => line.status}
      >
        {(line) => <SessionLineView line={line} viewer={viewer} />}
      </PersonalList>
    </section>
  );
}

function SessionLineView({ line, viewer }: { line: SessionLine; viewer: Viewer }) {
  return (
    <>
      <Link to="/sessions/$sessionId" params={{ sessionId: line.sessionId }}>
        {line.vehicle} — {line.otherName ?? "a mechanic"}
      </Link>
      <span className="session-line-status">
        {sessionTypeLabels[line.type]} · {lineStatus(line.status, viewer)}
        {line.rating !== null && ` · rated ${starsLabel(line.rating)}`}
      </span>
      <time dateTime={line.createdAt.toISOString()}>{formatTime(line.createdAt)}</time>
    </>
  );
}
