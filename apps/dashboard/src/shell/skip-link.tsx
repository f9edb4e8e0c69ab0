// "Skip to main content": the first thing a keyboard reaches on every signed-in page, so the
// header and the product navigation can be passed over. Hidden until it has focus.
import type { MouseEvent } from "react";
import "./skip-link.css";

export const skipTargetId = "main-content";

/** Focus moves to <main> itself (tabIndex -1); the address keeps no "#main-content" for the router to read. */
function skipToMain(event: MouseEvent<HTMLAnchorElement>) {
  const main = document.getElementById(skipTargetId);
  if (!main) return;
  event.preventDefault();
  main.focus();
}

export function SkipLink() {
  return (
    <a className="skip-link" href={`#${skipTargetId}`} onClick={skipToMain}>
      Skip to main content
    </a>
  );
}
