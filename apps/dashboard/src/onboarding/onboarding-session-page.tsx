// One onboarding's page, /onboarding/<id>: where the person lands after starting (or after
// Stripe's payment page), and watches the setup happen. The page reads the progress with the
// event id it is current to and subscribes from there; every event is the whole progress, so
// it simply replaces what is shown. Mutations never write their answers into that view: an
// answer read before the newest event could move the page backwards, so the events alone
// move it forwards.
import { Link } from "@tanstack/react-router";
import { useEffect, useRef, useState } from "react";
import { readAppError } from "../api/app-error.ts";
import { withDates } from "../api/event-dates.ts";
import { liveProblemOf, onLiveMessage } from "../api/live-updates.ts";
import { trpc } from "../api/trpc.ts";
import { FormError } from "../pages/form-fields.tsx";
import { LiveUpdatesAlert } from "../pages/live-updates-alert.tsx";
import { LoadedPage } from "../pages/loaded-page.tsx";
import { useDocumentTitle } from "../pages/use-document-title.ts";
import { useLivePromise } from "../pages/use-live-promise.ts";
import { ApiKeyPanel } from "./api-key-panel.tsx";
import {
  formatTime,
  noPaymentProviderNotice,
  type OnboardingView,
  paymentLabels,
  stepLabels,
} from "./onboarding-labels.ts";
import { SetupProgress } from "./setup-progress.tsx";
import "./onboarding.css";

/** How the person arrived: back from Stripe having paid, or having cancelled, or otherwise. */
type Arrival = "paid" | "cancelled" | null;

function readArrival(): Arrival {
  const query = new URLSearchParams(window.location.search);
  if (query.get("paid") === "1") return "paid";
  if (query.get("cancelled") === "1") return "cancelled";
  return null;
}

export function OnboardingSessionPage({ sessionId }: { sessionId: string }) {
  const progress = trpc.onboarding.get.useQuery({ sessionId });
  return (
    <LoadedPage
      query={progress}
      title="Onboarding"
      loading="Loading your setup…"
      notFound="We couldn't find that sign-up."
      back={{ to: "/onboarding", label: "Back to Onboarding" }}
    >
      {(view) => <SessionView view={view} />}
    </LoadedPage>
  );
}

/**
 * Keeps the page current: subscribes from the query's lastEventId, so nothing in between is lost.
 * Not useLiveQuery: one item read through LoadedPage (which owns the query and its not-found
 * states), and each event is the whole progress, replacing the view rather than folding into it.
 */
function useLiveProgress(view: OnboardingView) {
  const utils = trpc.useUtils();
  const { sessionId } = view;
  const subscription = trpc.onboarding.progress.useSubscription(
    { sessionId, lastEventId: view.lastEventId },
    {
      onData: onLiveMessage({
        // The refetched progress is the truth.
        resync: () => void utils.onboarding.get.invalidate({ sessionId }),
        event: (next) => {
          if (next.sessionId !== sessionId) return;
          const before = utils.onboarding.get.getData({ sessionId });
          // The subscription's own position moves on inside wsLink; keeping the query's
          // lastEventId keeps the subscription's input, so it is not restarted.
          utils.onboarding.get.setData({ sessionId }, (current) =>
            current ? { ...withDates(next), lastEventId: current.lastEventId } : current,
          );
          if (before?.status !== next.status) void utils.onboarding.mine.invalidate();
        },
      }),
    },
  );
  return liveProblemOf(subscription);
}

/**
 * Starts the pipeline once, as soon as there is something to start: a pending session that is
 * paid, needs no payment, or whose person just came back from paying. Another tab may win the
 * start; this one is then told so and follows the same progress.
 */
function usePipelineStart(view: OnboardingView, arrival: Arrival) {
  const complete = trpc.onboarding.complete.useMutation();
  const { mutate: startPipeline } = complete;
  const { sessionId } = view;
  const startable = view.status === "pending" && (view.paymentStatus !== "unpaid" || arrival === "paid");
  const requested = useRef(false);

  useEffect(() => {
    if (!startable || requested.current) return;
    requested.current = true;
    startPipeline({ sessionId });
  }, [startable, startPipeline, sessionId]);

  return {
    start: () => {
      requested.current = true;
      startPipeline({ sessionId });
    },
    starting: complete.isPending,
    error: complete.error ? readAppError(complete.error) : null,
  };
}

const alreadyRunningCode = "ONBOARDING_IN_PROGRESS";

interface Headline {
  title: string;
  body: string;
}

function headlineOf(view: OnboardingView, arrival: Arrival, livePromise: string): Headline {
  switch (view.status) {
    case "pending":
      if (view.paymentStatus === "unpaid" && arrival === "cancelled") {
        return {
          title: "Payment cancelled",
          body: "You left the payment page before paying, so nothing was charged. Start again whenever you're ready.",
        };
      }
      if (view.paymentStatus === "unpaid" && arrival !== "paid") {
        return {
          title: "Waiting for your payment",
          body: "We haven't received your payment for this sign-up yet. If you have just paid, continue and we'll check with the payment provider.",
        };
      }
      return { title: "Starting setup…", body: "Your setup is about to begin." };
    case "in_progress":
      return {
        title: "Setting up your workspace…",
        body: view.currentStep ? `Now: ${stepLabels[view.currentStep]}. ${livePromise}` : livePromise,
      };
    case "completed":
      return {
        title: "Your workspace is ready",
        body: "Your organization, its workspace and its first API key are set up.",
      };
    case "failed":
      return { title: "Setup stopped", body: "A step ran into a problem. Nothing that was done is lost." };
  }
}

function SessionView({ view }: { view: OnboardingView }) {
  const [arrival] = useState(readArrival);
  const liveProblem = useLiveProgress(view);
  const pipeline = usePipelineStart(view, arrival);
  const { sessionId } = view;

  const [retriedReference, setRetriedReference] = useState<string | null>(null);
  const retry = trpc.onboarding.retry.useMutation();
  const retryError = retry.error ? readAppError(retry.error) : null;

  const livePromise = useLivePromise("Each step appears below as it happens — there's no need to reload.");
  const headline = headlineOf(view, arrival, livePromise);
  useDocumentTitle(headline.title);

  // Another tab started (or resumed) this setup: not a problem, just news; the progress below is the same.
  const alreadyRunning = [pipeline.error, retryError].find((error) => error?.appCode === alreadyRunningCode);
  // A failed session answers "start" with ONBOARDING_FAILED; the failure panel already says it.
  const startProblem =
    pipeline.error && pipeline.error.appCode !== alreadyRunningCode && pipeline.error.appCode !== "ONBOARDING_FAILED"
      ? pipeline.error.message
      : null;
  const retryProblem = retryError && retryError.appCode !== alreadyRunningCode ? retryError.message : null;
  // After a retry is accepted the button stays off until this failure is replaced by the next state.
  const retryWaiting =
    retry.isPending || (retry.isSuccess && retriedReference !== null && view.error?.reference === retriedReference);

  const awaitingPayment = view.status === "pending" && view.paymentStatus === "unpaid" && arrival !== "paid";

  return (
    <section aria-labelledby="page-heading" className="onboarding-session">
      <div className="status-panel" data-status={view.status} aria-live="polite" aria-atomic="true">
        <h1 id="page-heading">{headline.title}</h1>
        <p>{headline.body}</p>
      </div>

      {alreadyRunning && (
        <p className="notice-box" role="status">
          {alreadyRunning.message}
        </p>
      )}
      <LiveUpdatesAlert problem={liveProblem} />
      <FormError message={startProblem} />
      {startProblem && view.status === "pending" && !awaitingPayment && (
        <p>
          <button type="button" disabled={pipeline.starting} onClick={pipeline.start}>
            {pipeline.starting ? "Starting…" : "Try again"}
          </button>
        </p>
      )}

      {awaitingPayment && (
        <p className="actions">
          {view.checkoutUrl && <a href={view.checkoutUrl}>Go to the payment page</a>}
          {arrival !== "cancelled" && (
            <button type="button" disabled={pipeline.starting} onClick={pipeline.start}>
              {pipeline.starting ? "Checking your payment…" : "Continue setup"}
            </button>
          )}
          <Link to="/onboarding" activeOptions={{ exact: true }}>
            Start again
          </Link>
        </p>
      )}

      {view.status === "failed" && (
        <div className="failure-panel">
          <div role="alert">
            <p className="failure-message">{view.error?.message ?? "Setup stopped with a problem."}</p>
            {view.error && <p>{view.error.action}</p>}
            {view.checkoutUrl && (
              <p>
                <a href={view.checkoutUrl}>Go to the payment page</a>
              </p>
            )}
            {view.error && (
              <p className="reference">
                Reference <code>{view.error.reference}</code>
              </p>
            )}
          </div>
          <FormError message={retryProblem} />
          <button
            type="button"
            disabled={retryWaiting}
            onClick={() => {
              setRetriedReference(view.error?.reference ?? null);
              retry.mutate({ sessionId });
            }}
          >
            {retryWaiting ? "Retrying…" : "Retry"}
          </button>
        </div>
      )}

      <section aria-labelledby="payment-heading" className="panel">
        <h2 id="payment-heading">Payment</h2>
        <p className="payment-status" data-payment={view.paymentStatus}>
          {paymentLabels[view.paymentStatus]}
        </p>
        {view.paymentStatus === "no_provider" && <p className="notice">{noPaymentProviderNotice}</p>}
      </section>

      <section aria-labelledby="progress-heading" className="panel">
        <h2 id="progress-heading">Setup</h2>
        <SetupProgress steps={view.steps} />
        <dl className="facts setup-times">
          <dt>Signed up</dt>
          <dd>
            <time dateTime={view.createdAt.toISOString()}>{formatTime(view.createdAt)}</time>
          </dd>
          {view.startedAt && (
            <>
              <dt>Setup started</dt>
              <dd>
                <time dateTime={view.startedAt.toISOString()}>{formatTime(view.startedAt)}</time>
              </dd>
            </>
          )}
          {view.completedAt && (
            <>
              <dt>Finished</dt>
              <dd>
                <time dateTime={view.completedAt.toISOString()}>{formatTime(view.completedAt)}</time>
              </dd>
            </>
          )}
        </dl>
      </section>

      {view.status === "completed" && view.apiKey && (
        <ApiKeyPanel sessionId={sessionId} organizationId={view.organizationId} apiKey={view.apiKey} />
      )}

      <p>
        <Link to="/onboarding" activeOptions={{ exact: true }}>
          All your onboardings
        </Link>
      </p>
    </section>
  );
}
