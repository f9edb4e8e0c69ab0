// The Requests product at /requests: customers ask for a mechanic and see their requests;
// mechanics get the live board of open requests (their profile is its own page, /profile).
import { Link } from "@tanstack/react-router";
import { useDocumentTitle } from "../pages/use-document-title.ts";
import { IntakeForm } from "./intake-form.tsx";
import { RecentRequests, useRecentRequests } from "./recent-requests.tsx";
import { RequestBoard } from "./request-board.tsx";
import { isOpenRequest } from "./request-labels.ts";
import "./requests.css";

export type RequestsViewer = "customer" | "mechanic";

export function RequestsPage({ viewer }: { viewer: RequestsViewer }) {
  useDocumentTitle("Requests");
  return (
    <section aria-labelledby="page-heading" className="requests-page">
      <h1 id="page-heading">Requests</h1>
      {viewer === "mechanic" ? (
        <>
          <p className="lead">
            Customers who need a mechanic right now. Accept a request to start their session. Customers see the name on{" "}
            <Link to="/profile">your profile</Link>.
          </p>
          <RequestBoard />
        </>
      ) : (
        <CustomerRequests />
      )}
    </section>
  );
}

function CustomerRequests() {
  const mine = useRecentRequests();
  // Still waiting for a mechanic (pending, or back on the board): a new intake replaces it.
  const waiting = mine.data?.find((request) => isOpenRequest(request.status)) ?? null;
  return (
    <>
      <p className="lead">Tell us about your vehicle and what's wrong, and the first free mechanic will pick it up.</p>
      <section aria-labelledby="intake-heading" className="panel">
        <h2 id="intake-heading">Ask for a mechanic</h2>
        <IntakeForm waiting={waiting} />
      </section>
      <RecentRequests mine={mine} />
    </>
  );
}
