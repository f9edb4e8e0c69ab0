// /profile: the mechanic's profile page. Someone who is not a mechanic has no profile here; the
// page says so instead of showing a form the API would refuse.
import { Link } from "@tanstack/react-router";
import { useDocumentTitle } from "../pages/use-document-title.ts";
import { MechanicProfileSection } from "./mechanic-profile-form.tsx";
import type { RequestsViewer } from "./requests-page.tsx";
import "./requests.css";

export function ProfilePage({ viewer }: { viewer: RequestsViewer }) {
  useDocumentTitle("Your profile");
  return (
    <section aria-labelledby="page-heading" className="profile-page">
      <h1 id="page-heading">Your profile</h1>
      {viewer === "mechanic" ? (
        <MechanicProfileSection />
      ) : (
        <>
          <p>Profiles are for mechanics: theirs is what customers see when a request is accepted.</p>
          <p>
            <Link to="/requests" activeOptions={{ exact: true }}>
              Ask for a mechanic
            </Link>
          </p>
        </>
      )}
    </section>
  );
}
