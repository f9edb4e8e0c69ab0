// One service session's page, for its two participants: who and what it is about and where it
// stands, the live chat (and, for a video session, the call beside it), then the wrap-up and the
// rating. A mechanic who opens a session still waiting for them joins it there and then. Someone
// who is not a participant reads "We couldn't find that session." (the API's NOT_FOUND).
import { Link } from "@tanstack/react-router";
import { useEffect, useMemo, useRef } from "react";
import { readAppError } from "../api/app-error.ts";
import { trpc } from "../api/trpc.ts";
import { ConfirmDialog } from "../pages/confirm-dialog.tsx";
import { FormError } from "../pages/form-fields.tsx";
import { LiveUpdatesAlert } from "../pages/live-updates-alert.tsx";
import { LoadedPage } from "../pages/loaded-page.tsx";
import { useDocumentTitle } from "../pages/use-document-title.ts";
import { bubblesOf, latestFromOther } from "./chat-state.ts";
import { SessionChat } from "./session-chat.tsx";
import { formatTime, type SessionView, sessionTypeLabels, statusWords, vehicleName } from "./session-labels.ts";
import { useOutbox } from "./use-outbox.ts";
import { useSessionEvents } from "./use-session-events.ts";
import { useSessionSignals } from "./use-session-signals.ts";
import { type CallChannel, VideoCall } from "./video/video-call.tsx";
import { RatingForm, RatingView, WrapUpForm, WrapUpView } from "./wrap-up.tsx";
import "./sessions.css";

export function SessionPage({ sessionId }: { sessionId: string }) {
  const session = trpc.sessions.get.useQuery({ sessionId });
  return (
    <LoadedPage
      query={session}
      title="Session"
      loading="Loading the session…"
      notFound="We couldn't find that session."
      back={{ to: "/sessions", label: "Back to Sessions" }}
    >
      {(view) => <SessionRoom view={view} />}
    </LoadedPage>
  );
}

function otherNameOf(view: SessionView): string {
  return view.viewerRole === "customer" ? (view.mechanicName ?? "Your mechanic") : view.customerName;
}

function closedSentence(view: SessionView): string | null {
  if (view.status === "completed") return "This session is complete, so messages can no longer be sent.";
  if (view.status === "cancelled") return "This session was cancelled, so messages can no longer be sent.";
  return null;
}

function SessionRoom({ view }: { view: SessionView }) {
  const utils = trpc.useUtils();
  const { sessionId, viewerRole } = view;
  const otherRole = viewerRole === "customer" ? "mechanic" : "customer";
  const otherName = otherNameOf(view);
  const open = view.status === "waiting" || view.status === "active";
  const refresh = () => {
    void utils.sessions.get.invalidate({ sessionId });
    void utils.sessions.mine.invalidate();
  };

  const events = useSessionEvents(view, refresh);
  const live = open && !events.released;
  const signals = useSessionSignals(sessionId, live);
  const outbox = useOutbox(sessionId, events.add);
  // The call's signalling rides the page's one signals subscription.
  const { sendRtc, listenRtc } = signals;
  const channel = useMemo<CallChannel>(() => ({ send: sendRtc, listen: listenRtc }), [sendRtc, listenRtc]);

  useDocumentTitle(events.released ? "Session released" : `Session with ${otherName}`);

  // A mechanic opening a session that waits for them joins it (once per page; idempotent anyway).
  const join = trpc.sessions.join.useMutation({ onSuccess: refresh });
  const joinAsked = useRef(false);
  const mustJoin = viewerRole === "mechanic" && view.status === "waiting" && !events.released;
  useEffect(() => {
    if (!mustJoin || joinAsked.current) return;
    joinAsked.current = true;
    join.mutate({ sessionId });
  }, [mustJoin, join, sessionId]);

  // The other side's latest message, read as soon as it is on a page someone is looking at.
  const markRead = trpc.sessions.markRead.useMutation();
  const latestOther = latestFromOther(events.messages, viewerRole);
  const markedThrough = useRef(view.readThrough[viewerRole]);
  useEffect(() => {
    if (latestOther <= markedThrough.current) return;
    const mark = () => {
      if (document.visibilityState !== "visible" || latestOther <= markedThrough.current) return;
      markedThrough.current = latestOther;
      markRead.mutate(
        { sessionId, through: latestOther },
        {
          onError: () => {
            markedThrough.current = Math.min(markedThrough.current, latestOther - 1);
          },
        },
      );
    };
    mark();
    document.addEventListener("visibilitychange", mark);
    return () => document.removeEventListener("visibilitychange", mark);
  }, [latestOther, markRead, sessionId]);

  // The other side wrote: their "typing…" is over.
  const { otherSent } = signals;
  useEffect(() => {
    if (latestOther > 0) otherSent();
  }, [latestOther, otherSent]);

  // A stored message of one's own settles its outgoing bubble.
  const { settle } = outbox;
  const mine = useMemo(
    () => new Set(events.messages.filter((m) => m.authorRole === viewerRole).map((m) => m.clientKey)),
    [events.messages, viewerRole],
  );
  useEffect(() => settle(mine), [mine, settle]);

  const bubbles = bubblesOf(events.messages, outbox.outgoing, viewerRole, events.readThrough[otherRole]);
  const cancel = trpc.sessions.cancel.useMutation({ onSettled: refresh });

  if (events.released) {
    return (
      <section aria-labelledby="page-heading" className="session-page">
        <div className="session-status-panel" data-status="cancelled" role="status">
          <h1 id="page-heading">Session released</h1>
          <p>This session was released because it wasn't joined in time. The request is back on the board.</p>
        </div>
        <p>
          <Link to="/requests" activeOptions={{ exact: true }}>
            Back to the board
          </Link>
        </p>
      </section>
    );
  }

  const closed = closedSentence(view);
  const waitingForMechanic = viewerRole === "customer" && view.status === "waiting";
  return (
    <section aria-labelledby="page-heading" className="session-page" data-type={view.type}>
      <div className="session-status-panel" data-status={view.status} aria-live="polite" aria-atomic="true">
        <h1 id="page-heading">{vehicleName(view.vehicle)}</h1>
        <p className="session-status">
          {statusWords(view.status, viewerRole, viewerRole === "customer" ? view.mechanicName : view.customerName)}
        </p>
        <p className="session-meta">
          {sessionTypeLabels[view.type]} ·{" "}
          {viewerRole === "customer" ? `Mechanic: ${view.mechanicName ?? "not yet"}` : `Customer: ${view.customerName}`}
          {view.startedAt && (
            <>
              {" "}
              · started <time dateTime={view.startedAt.toISOString()}>{formatTime(view.startedAt)}</time>
            </>
          )}
          {view.endedAt && (
            <>
              {" "}
              · ended <time dateTime={view.endedAt.toISOString()}>{formatTime(view.endedAt)}</time>
            </>
          )}
        </p>
        {waitingForMechanic && view.joinBy && (
          <p className="hint">
            If they haven't joined by <time dateTime={view.joinBy.toISOString()}>{formatTime(view.joinBy)}</time>, your
            request goes back on the board for another mechanic.
          </p>
        )}
        {waitingForMechanic && !view.mechanicName && (
          <p className="hint">
            The mechanic who accepted didn't join in time, so your request is back on the board for another mechanic.
            {view.requestId && (
              <>
                {" "}
                <Link to="/requests/$requestId" params={{ requestId: view.requestId }}>
                  See or cancel your request
                </Link>
              </>
            )}
          </p>
        )}
      </div>
      <LiveUpdatesAlert problem={events.liveProblem} />
      <FormError message={join.error ? readAppError(join.error).message : null} />
      <section aria-labelledby="concern-heading" className="panel">
        <h2 id="concern-heading">{viewerRole === "customer" ? "What you asked about" : "The customer's concern"}</h2>
        <p className="long-text">{view.concern}</p>
      </section>
      <div className="session-room">
        {view.type === "video" && live && (
          <div className="panel session-call">
            <h2>Video call</h2>
            <VideoCall
              role={viewerRole}
              iceServers={view.iceServers}
              peerOnline={signals.otherOnline}
              channel={channel}
            />
          </div>
        )}
        <SessionChat
          bubbles={bubbles}
          otherName={otherName}
          otherTyping={signals.otherTyping}
          otherOnline={signals.otherOnline}
          loaded={events.loaded}
          loadProblem={events.loadProblem}
          hasOlder={events.hasOlder}
          loadingOlder={events.loadingOlder}
          onLoadOlder={events.loadOlder}
          onRetry={outbox.retry}
          closed={closed}
          onWrite={outbox.write}
          onTyping={signals.typed}
        />
      </div>
      {viewerRole === "mechanic" && view.status === "active" && <WrapUpForm sessionId={sessionId} onDone={refresh} />}
      {view.wrapUp && <WrapUpView wrapUp={view.wrapUp} viewer={viewerRole} />}
      {view.status === "completed" &&
        (view.rating ? (
          <RatingView rating={view.rating} viewer={viewerRole} />
        ) : viewerRole === "customer" ? (
          <RatingForm sessionId={sessionId} onDone={refresh} />
        ) : (
          <p className="hint">The customer hasn't rated this session yet.</p>
        ))}
      {open && view.mechanicName !== null && (
        <p>
          <ConfirmDialog
            trigger={
              <button type="button" className="secondary">
                Cancel session
              </button>
            }
            title="Cancel this session?"
            description={`The chat closes for you and ${otherName}, and this can't be undone.`}
            confirmLabel="Yes, cancel it"
            pendingLabel="Cancelling…"
            cancelLabel="Keep the session"
            onConfirm={() => cancel.mutateAsync({ sessionId })}
          />
        </p>
      )}
      <p>
        <Link to="/sessions" activeOptions={{ exact: true }}>
          All your sessions
        </Link>
      </p>
    </section>
  );
}
