// A deliberately tiny router over the History API: the dashboard has a handful of flat pages,
// and the server answers every unknown path with index.html, so real URLs work on reload.
import { type AnchorHTMLAttributes, type MouseEvent, useEffect, useSyncExternalStore } from "react";

const navigationEvent = "switchboard:navigate";

export function navigate(path: string, options: { replace?: boolean } = {}): void {
  if (path === window.location.pathname) return;
  if (options.replace) window.history.replaceState(null, "", path);
  else window.history.pushState(null, "", path);
  // pushState does not fire popstate; tell our subscribers ourselves.
  window.dispatchEvent(new Event(navigationEvent));
}

function subscribeToLocation(listener: () => void): () => void {
  window.addEventListener("popstate", listener);
  window.addEventListener(navigationEvent, listener);
  return () => {
    window.removeEventListener("popstate", listener);
    window.removeEventListener(navigationEvent, listener);
  };
}

export function usePathname(): string {
  return useSyncExternalStore(subscribeToLocation, () => window.location.pathname);
}

type LinkProps = Omit<AnchorHTMLAttributes<HTMLAnchorElement>, "href"> & { href: string };

/** An ordinary link that navigates without a page load; modified clicks (new tab…) stay native. */
export function Link({ href, onClick, ...rest }: LinkProps) {
  const pathname = usePathname();
  const handleClick = (event: MouseEvent<HTMLAnchorElement>) => {
    onClick?.(event);
    if (
      event.defaultPrevented ||
      event.button !== 0 ||
      event.metaKey ||
      event.ctrlKey ||
      event.shiftKey ||
      event.altKey
    ) {
      return;
    }
    event.preventDefault();
    navigate(href);
  };
  return <a href={href} aria-current={pathname === href ? "page" : undefined} onClick={handleClick} {...rest} />;
}

/** Replaces the current URL (no history entry), e.g. "/" → the first product. */
export function Redirect({ to }: { to: string }) {
  useEffect(() => navigate(to, { replace: true }), [to]);
  return null;
}
