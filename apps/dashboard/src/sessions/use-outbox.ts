// The viewer's own messages on their way, sent one at a time in the order they were written
// (sessions.send, each with its own clientKey from crypto.randomUUID()). A send that never got an
// answer (offline, or the network dropped) waits and goes again with the same key when the
// connection is back: the server stores a key once, so a retry never makes a second message. A
// send the server refused (the session ended, too many messages) shows why, with Retry.
import { useCallback, useEffect, useRef, useState } from "react";
import { isOutageError, readAppError } from "../api/app-error.ts";
import { trpc } from "../api/trpc.ts";
import { useConnectionRecovered, useConnectionState } from "../session/use-connection.ts";
import { type ChatMessage, chatMessageOf, type OutgoingMessage } from "./chat-state.ts";

/** While the connection looks live, a waiting message is tried again this often. */
const RETRY_WAITING_MS = 3_000;

export function useOutbox(sessionId: string, onSent: (message: ChatMessage) => void) {
  const send = trpc.sessions.send.useMutation().mutateAsync;
  const [outgoing, setOutgoing] = useState<readonly OutgoingMessage[]>([]);
  // The loop reads and writes the latest list, not a render's copy.
  const list = useRef<readonly OutgoingMessage[]>([]);
  const draining = useRef(false);
  const sent = useRef(onSent);
  sent.current = onSent;

  const update = useCallback((next: readonly OutgoingMessage[]) => {
    list.current = next;
    setOutgoing(next);
  }, []);
  const patch = useCallback(
    (clientKey: string, change: Partial<OutgoingMessage>) =>
      update(list.current.map((message) => (message.clientKey === clientKey ? { ...message, ...change } : message))),
    [update],
  );

  const drain = useCallback(async () => {
    if (draining.current) return;
    draining.current = true;
    try {
      for (;;) {
        const next = list.current.find((message) => message.state === "queued");
        if (!next) return;
        patch(next.clientKey, { state: "sending", problem: null });
        try {
          const { message } = await send({ sessionId, clientKey: next.clientKey, body: next.body });
          sent.current(chatMessageOf(message));
          update(list.current.filter((m) => m.clientKey !== next.clientKey));
        } catch (error) {
          if (isOutageError(error)) {
            // The connection is down: this one and everything after it wait, in order.
            update(
              list.current.map((m) =>
                m.clientKey === next.clientKey || m.state === "queued" ? { ...m, state: "waiting", problem: null } : m,
              ),
            );
            return;
          }
          patch(next.clientKey, { state: "failed", problem: readAppError(error).message });
        }
      }
    } finally {
      draining.current = false;
    }
  }, [patch, send, sessionId, update]);

  const requeueWaiting = useCallback(() => {
    if (!list.current.some((m) => m.state === "waiting")) return;
    update(list.current.map((m) => (m.state === "waiting" ? { ...m, state: "queued" } : m)));
    void drain();
  }, [drain, update]);

  useConnectionRecovered(requeueWaiting);
  const connection = useConnectionState();
  const anyWaiting = outgoing.some((m) => m.state === "waiting");
  useEffect(() => {
    if (!anyWaiting || connection !== "live") return;
    const timer = setTimeout(requeueWaiting, RETRY_WAITING_MS);
    return () => clearTimeout(timer);
  }, [anyWaiting, connection, requeueWaiting]);

  const write = useCallback(
    (body: string) => {
      const waiting = list.current.some((m) => m.state === "waiting");
      const message: OutgoingMessage = {
        clientKey: crypto.randomUUID(),
        body,
        // Behind a waiting message it waits too, so the two go in the order they were written.
        state: waiting ? "waiting" : "queued",
        problem: null,
        createdAt: new Date(),
      };
      update([...list.current, message]);
      void drain();
    },
    [drain, update],
  );

  const retry = useCallback(
    (clientKey: string) => {
      patch(clientKey, { state: "queued", problem: null });
      void drain();
    },
    [drain, patch],
  );

  /** A stored message of one's own arrived (live, or as the send's answer): its bubble is done. */
  const settle = useCallback(
    (clientKeys: ReadonlySet<string>) => {
      if (list.current.some((m) => clientKeys.has(m.clientKey) && m.state !== "sending")) {
        update(list.current.filter((m) => !clientKeys.has(m.clientKey) || m.state === "sending"));
      }
    },
    [update],
  );

  return { outgoing, write, retry, settle };
}
