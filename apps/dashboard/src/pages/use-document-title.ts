import { useEffect } from "react";

/** Each page names itself in the tab and in the browser history. */
export function useDocumentTitle(title: string): void {
  useEffect(() => {
    document.title = `${title} · Switchboard`;
  }, [title]);
}
