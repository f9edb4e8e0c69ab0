// One request's own page. For its customer: the live "waiting for a mechanic" view; the moment
// a mechanic accepts, the page hands over to the session (/sessions/$sessionId, replacing this
// address, so Back does not return to a waiting page that is over). Otherwise it says where the
// request stands: cancelled, replaced by the customer's newer one, expired, or back on the board
// because its mechanic didn't join in time. For the mechanic who accepted it: the way to the
// session, with the customer's concern.

import { skipToken } from "@tanstack/react-query";
import { Link, useNavigate } from "@tanstack/react-router";
import { useEffect } from "react";
import { readAppError } from "../api/app-error.ts";
import { liveProblemOf, onLiveMessage } from "../api/live-updates.ts";
import { trpc } from "../api/trpc.ts";
import { ConfirmDialog } from "../pages/confirm-dialog.tsx";
import { FormError } from "../pages/form-fields.tsx";
import { LiveUpdatesAlert } from "../pages/live-updates-alert.tsx";
import { LoadedPage } from "../pages/loaded-page.tsx";
import { useDocumentTitle } from "../pages/use-document-title.ts";
import { useLivePromise } from "../pages/use-live-promise.ts";
import {
  formatTime,
  isOpenRequest,
  planLabels,
  sessionTypeLabels,
  urgencyLabels,
  vehicleName,
} from "./request-labels.ts";
import { applyStatusChange, followsStatus, type RequestView } from "./request-view.ts";
import "./requests.css";

export function RequestPage({ requestId, viewer }: { requestId: string; viewer: "customer" | "mechanic" }) {
  const request = trpc.requests.get.useQuery({ requestId });
  return (
    <LoadedPage
      query={request}
      title="Request"
      loading="Loading the request…"
      notFound="We couldn't find that request."
      back={{ to: "/requests", label: "Back to Requests" }}
    >
      {(view) => (viewer === "mechanic" ? <MechanicSessionView view={view} /> : <CustomerRequestView view={view} />)}
    </LoadedPage>
  );
}

/**
 * Keeps a request's page current while it can still change: subscribes from the query's
 * lastEventId, so nothing between them is lost. Not useLiveQuery: one item read through
 * LoadedPage (which owns the query and its not-found states), followed only while it can change,
 * and each change reads it again for the rest (session status, times, what replaced it).
 */
function useLiveStatus(view: RequestView) {
  const utils = trpc.useUtils();
  const { requestId } = view;
  const live = followsStatus(view.status);
  const subscription = trpc.requests.onStatus.useSubscription(
    live ? { requestId, lastEventId: view.lastEventId } : skipToken,
    {
      onData: onLiveMessage({
        // The refetched request is the truth.
        resync: () => void utils.requests.get.invalidate({ requestId }),
        event: (change) => {
          utils.requests.get.setData({ requestId }, (current) => applyStatusChange(current, change));
          if (change.status !== "pending") {
            // The rest of the request (session status, times, what replaced it) comes with a fresh read.
            void utils.requests.get.invalidate({ requestId });
            void utils.requests.mine.invalidate();
          }
        },
      }),
    },
  );
  return liveProblemOf(subscription);
}

type CustomerState = Exclude<RequestView["status"], "accepted"> | "replaced";

const statusText: Record<CustomerState, { title: string; body: string }> = {
  pending: {
    title: "Waiting for a mechanic…",
    body: "We've sent your request to our mechanics.",
  },
  cancelled: {
    title: "Request cancelled",
    body: "This request was cancelled, so mechanics no longer see it.",
  },
  expired: {
    title: "No mechanic was free",
    body: "Nobody accepted this request in time, so it expired. Please ask again — we'll send it straight back to the board.",
  },
  unattended: {
    title: "Back on the board",
    body: "The mechanic didn't join in time, so your request is back on the board.",
  },
  replaced: {
    title: "Replaced by your newer request",
    body: "You sent a newer request, which took this one's place, so mechanics no longer see this one.",
  },
};

/** Where the request stands for its customer: a request their newer one replaced is not one they cancelled. */
function customerStateOf(view: RequestView): CustomerState | "accepted" {
  return view.status === "cancelled" && view.replacedByRequestId ? "replaced" : view.status;
}

function CustomerRequestView({ view }: { view: RequestView }) {
  const utils = trpc.useUtils();
  const liveProblem = useLiveStatus(view);
  const { requestId, sessionId } = view;
  const navigate = useNavigate();
  // The hand-over: accepted (live, or already when opened) is the session's page from now on.
  const accepted = view.status === "accepted";
  useEffect(() => {
    if (accepted) void navigate({ to: "/sessions/$sessionId", params: { sessionId }, replace: true });
  }, [accepted, sessionId, navigate]);
  const cancel = trpc.requests.cancel.useMutation({
    onSuccess: () => {
      utils.requests.get.setData({ requestId }, (current) =>
        applyStatusChange(current, {
          requestId,
          status: "cancelled",
          mechanicName: null,
          at: new Date().toISOString(),
        }),
      );
    },
    onSettled: () => {
      // On failure too: the request changed under us (accepted or expired), so show what it is now.
      void utils.requests.get.invalidate({ requestId });
      void utils.requests.mine.invalidate();
    },
  });

  const state = customerStateOf(view);
  const livePromise = useLivePromise(
    "This page changes as soon as one of them accepts it — there's no need to reload.",
  );
  const mechanicName = view.mechanicName ?? "a mechanic";
  const heading = state === "accepted" ? `Accepted by ${mechanicName}` : statusText[state].title;
  const explanation =
    state === "accepted"
      ? `${view.mechanicName ?? "Your mechanic"} is starting your ${sessionTypeLabels[view.sessionType].toLowerCase()} session.`
      : state === "pending" || state === "unattended"
        ? `${statusText[state].body} ${livePromise}`
        : statusText[state].body;
  useDocumentTitle(state === "accepted" ? "Mechanic found" : statusText[state].title);

  return (
    <section aria-labelledby="page-heading" className="request-page">
      <div className="request-status-panel" data-status={state} aria-live="polite" aria-atomic="true">
        <h1 id="page-heading">{heading}</h1>
        <p>{explanation}</p>
      </div>
      <LiveUpdatesAlert problem={liveProblem} />
      {/* Also on the page: a request accepted meanwhile is no longer pending, which closes the dialog. */}
      <FormError message={cancel.error ? cancelErrorMessage(cancel.error) : null} />
      {accepted && (
        <p>
          <Link to="/sessions/$sessionId" params={{ sessionId }}>
            Go to your session
          </Link>
        </p>
      )}
      {isOpenRequest(view.status) && (
        <p>
          <ConfirmDialog
            trigger={
              <button type="button" className="secondary">
                Cancel request
              </button>
            }
            title="Cancel this request?"
            description="Mechanics stop seeing it at once. You can ask for a mechanic again afterwards."
            confirmLabel="Yes, cancel it"
            pendingLabel="Cancelling…"
            cancelLabel="Keep waiting"
            onConfirm={() => cancel.mutateAsync({ requestId })}
            errorMessage={cancelErrorMessage}
          />
        </p>
      )}
      {state === "replaced" && view.replacedByRequestId && (
        <p>
          <Link to="/requests/$requestId" params={{ requestId: view.replacedByRequestId }}>
            See your newer request
          </Link>
        </p>
      )}
      {(state === "cancelled" || state === "expired") && (
        <p>
          <Link to="/requests" activeOptions={{ exact: true }}>
            Ask for a mechanic again
          </Link>
        </p>
      )}
      <RequestDetails view={view} heading="Your request" />
      <p>
        <Link to="/requests" activeOptions={{ exact: true }}>
          All your requests
        </Link>
      </p>
    </section>
  );
}

function cancelErrorMessage(error: unknown): string {
  const { appCode, message } = readAppError(error);
  // The API words an accepted request for the mechanics who lost it; say it for the customer.
  if (appCode === "REQUEST_ALREADY_ACCEPTED") return "A mechanic accepted this request before it could be cancelled.";
  return message;
}

function MechanicSessionView({ view }: { view: RequestView }) {
  const accepted = view.status === "accepted";
  useDocumentTitle(accepted ? "Your session" : "Request");
  const sessionLink = accepted && (
    <p>
      <Link to="/sessions/$sessionId" params={{ sessionId: view.sessionId }}>
        Go to the session
      </Link>
    </p>
  );
  return (
    <section aria-labelledby="page-heading" className="request-page">
      <div className="request-status-panel" data-status={view.status}>
        <h1 id="page-heading">{accepted ? "You accepted this request" : "Request"}</h1>
        <p>
          {vehicleName(view.vehicle)} · {sessionTypeLabels[view.sessionType]} · {planLabels[view.plan]} plan
          {view.acceptedAt && (
            <>
              {" "}
              · accepted <time dateTime={view.acceptedAt.toISOString()}>{formatTime(view.acceptedAt)}</time>
            </>
          )}
        </p>
      </div>
      {sessionLink}
      <section aria-labelledby="concern-heading" className="panel">
        <h2 id="concern-heading">The customer's concern</h2>
        <p className="concern">{view.concern}</p>
      </section>
      <RequestDetails view={view} heading="Request details" withConcern={false} />
      <p>
        <Link to="/requests" activeOptions={{ exact: true }}>
          Back to the board
        </Link>
      </p>
    </section>
  );
}

function RequestDetails({
  view,
  heading,
  withConcern = true,
}: {
  view: RequestView;
  heading: string;
  withConcern?: boolean;
}) {
  return (
    <section aria-labelledby="request-details-heading" className="panel">
      <h2 id="request-details-heading">{heading}</h2>
      <dl className="facts">
        <dt>Vehicle</dt>
        <dd>{vehicleName(view.vehicle)}</dd>
        {withConcern && (
          <>
            <dt>What's wrong</dt>
            <dd className="concern">{view.concern}</dd>
          </>
        )}
        <dt>Urgency</dt>
        <dd>{urgencyLabels[view.urgency]}</dd>
        <dt>Session</dt>
        <dd>{sessionTypeLabels[view.sessionType]}</dd>
        <dt>Plan</dt>
        <dd>{planLabels[view.plan]}</dd>
        <dt>Sent</dt>
        <dd>
          <time dateTime={view.createdAt.toISOString()}>{formatTime(view.createdAt)}</time>
        </dd>
      </dl>
    </section>
  );
}
