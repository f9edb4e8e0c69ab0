// Pages that need the server's AI say up front when it is off here, from system.capabilities,
// and switch off what cannot work, instead of failing after the first click.
import { trpc } from "../api/trpc.ts";

export interface ServerCapabilities {
  aiReplies: boolean;
  aiSummaries: boolean;
}

/**
 * What this server can do; null until known. A server's configuration does not change while it
 * runs, so it is read once per session.
 */
export function useServerCapabilities(): ServerCapabilities | null {
  const capabilities = trpc.system.capabilities.useQuery(undefined, { staleTime: Number.POSITIVE_INFINITY });
  return capabilities.data ?? null;
}

/** "AI replies are turned off on this server." and what still works, as a standing note. */
export function AiOffNotice({ children }: { children: string }) {
  return (
    <p className="notice-box ai-off-notice">
      <strong>AI replies are turned off on this server.</strong> {children}
    </p>
  );
}
