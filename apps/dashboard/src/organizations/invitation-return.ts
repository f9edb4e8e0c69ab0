// Someone who opens an invitation link signed out signs in (the address stays, so they are back
// at once) or creates an account first: sign-up lives at its own address, so the link is kept
// for this tab and the dashboard returns to it once they are signed in.
import { useEffect } from "react";
import { invitationTokenFromPath } from "./organization-labels.ts";

const storageKey = "switchboard:invitation-path";

const invitationSignInNotice =
  "Sign in to accept your invitation. New to Switchboard? Create an account with the email the invitation was sent to, and you'll come back here.";

/** Signed out on an invitation link: keeps the link for after sign-up, and says why to sign in. */
export function useInvitationSignInNotice(pathname: string, signedIn: boolean): string | null {
  const invited = !signedIn && invitationTokenFromPath(pathname) !== null;
  useEffect(() => {
    if (!invited) return;
    try {
      window.sessionStorage.setItem(storageKey, pathname);
    } catch {
      // Storage off: after sign-up the person opens the link again themselves.
    }
  }, [invited, pathname]);
  return invited ? invitationSignInNotice : null;
}

/** The invitation link this tab was opened on before signing up, if any. */
export function rememberedInvitationPath(): string | null {
  try {
    const path = window.sessionStorage.getItem(storageKey);
    return path && invitationTokenFromPath(path) ? path : null;
  } catch {
    return null;
  }
}

/** The person reached the invitation: nothing to come back to any more. */
export function forgetInvitationPath(): void {
  try {
    window.sessionStorage.removeItem(storageKey);
  } catch {
    // Nothing was kept.
  }
}
