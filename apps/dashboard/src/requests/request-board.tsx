// The mechanics' live board. The first page is read with the event id it is current to; the
// subscription starts from that id, so nothing that happens in between is missed, and on a
// reconnect wsLink resumes from the last event it received.

import { skipToken, useMutation } from "@tanstack/react-query";
import { useNavigate } from "@tanstack/react-router";
import { useId, useMemo, useRef, useState } from "react";
import { readAppError } from "../api/app-error.ts";
import { withDates } from "../api/event-dates.ts";
import { liveProblemOf, onLiveMessage } from "../api/live-updates.ts";
import { trpc } from "../api/trpc.ts";
import { FormError } from "../pages/form-fields.tsx";
import { LiveUpdatesAlert } from "../pages/live-updates-alert.tsx";
import { useOutageAwareProblem } from "../session/use-connection.ts";
import {
  afterResync,
  applyBoardChange,
  type BoardCard,
  emptyLiveBoard,
  type LiveBoard,
  removeCard,
  visibleCards,
} from "./board-state.ts";
import { formatTime, planLabels, sessionTypeLabels, urgencyLabels, vehicleName } from "./request-labels.ts";

const PAGE_SIZE = 20;

/** Accepting failed because the request is no longer on offer: its card goes. */
const noLongerOpen = new Set(["REQUEST_ALREADY_ACCEPTED", "REQUEST_NOT_PENDING", "NOT_FOUND"]);

/** Pages after the first, loaded with "Load more"; they belong to the first page they followed. */
interface OlderPages {
  after: string;
  pages: BoardCard[][];
  nextCursor: string | null;
}

/**
 * The board's pages. Not useInfiniteQuery: it adds a `direction` field to the input, which the
 * API's strict input rejects. When the first page is read again (a resync), the older pages
 * are dropped with it rather than kept beside a newer first page.
 */
function useBoardPages() {
  const utils = trpc.useUtils();
  const first = trpc.requests.board.useQuery({ limit: PAGE_SIZE });
  const firstPage = first.data;
  const [older, setOlder] = useState<OlderPages | null>(null);
  const current = older && firstPage && older.after === firstPage.lastEventId ? older : null;
  const nextCursor = current ? current.nextCursor : (firstPage?.nextCursor ?? null);

  const more = useMutation({
    mutationFn: (request: { after: string; cursor: string }) =>
      utils.client.requests.board.query({ cursor: request.cursor, limit: PAGE_SIZE }),
    onSuccess: (page, request) =>
      setOlder((previous) => {
        const kept = previous?.after === request.after ? previous.pages : [];
        return { after: request.after, pages: [...kept, page.items], nextCursor: page.nextCursor };
      }),
  });

  const pages = useMemo(() => (firstPage ? [firstPage.items, ...(current?.pages ?? [])] : null), [firstPage, current]);

  return {
    firstPage,
    pages,
    error: first.error ?? more.error,
    hasMore: Boolean(nextCursor),
    loadingMore: more.isPending,
    loadMore: () => {
      if (firstPage && nextCursor) more.mutate({ after: firstPage.lastEventId, cursor: nextCursor });
    },
  };
}

export function RequestBoard() {
  const utils = trpc.useUtils();
  const board = useBoardPages();
  const [live, setLive] = useState<LiveBoard>(emptyLiveBoard);
  const [acceptProblem, setAcceptProblem] = useOutageAwareProblem<string>();

  const { pages, firstPage } = board;
  const cards = useMemo(() => visibleCards(pages ?? [], live), [pages, live]);
  const shownIds = useRef<ReadonlySet<string>>(new Set());
  shownIds.current = new Set(cards.map((card) => card.requestId));

  const subscription = trpc.requests.onBoard.useSubscription(
    firstPage ? { lastEventId: firstPage.lastEventId } : skipToken,
    {
      onData: onLiveMessage({
        // The re-read first page is the truth about what is pending.
        resync: () => void utils.requests.board.invalidate().then(() => setLive(afterResync)),
        event: (change) => {
          const shown = shownIds.current;
          setLive((current) => applyBoardChange(current, withDates(change), shown));
        },
      }),
    },
  );

  const navigate = useNavigate();
  const accept = trpc.requests.accept.useMutation({
    onMutate: () => setAcceptProblem(null),
    onSuccess: (result) => void navigate({ to: "/requests/$requestId", params: { requestId: result.requestId } }),
    onError: (error, { requestId }) => {
      const { appCode, message } = readAppError(error);
      if (appCode && noLongerOpen.has(appCode)) setLive((current) => removeCard(current, requestId));
      setAcceptProblem(message, error);
    },
  });

  const loadError = board.error ? readAppError(board.error).message : null;
  const liveProblem = liveProblemOf(subscription);

  return (
    <section aria-labelledby="open-requests-heading" className="board">
      <div className="board-header">
        <h2 id="open-requests-heading">Open requests</h2>
        <p className="board-announcement" aria-live="polite">
          {live.latest ? `New request: ${vehicleName(live.latest.vehicle)}` : ""}
        </p>
      </div>
      <FormError message={acceptProblem} />
      <LiveUpdatesAlert problem={liveProblem} />
      {!pages && !loadError && <p className="loading">Loading open requests…</p>}
      {!pages && loadError && <p className="form-error">{loadError}</p>}
      {pages && cards.length === 0 && <p className="empty-state">No open requests right now.</p>}
      {cards.length > 0 && (
        <ul className="request-cards" aria-labelledby="open-requests-heading">
          {cards.map((card) => (
            <BoardCardItem
              key={card.requestId}
              card={card}
              isNew={live.fresh.has(card.requestId)}
              accepting={accept.isPending && accept.variables?.requestId === card.requestId}
              disabled={accept.isPending}
              onAccept={() => accept.mutate({ requestId: card.requestId })}
            />
          ))}
        </ul>
      )}
      {pages && loadError && <p className="form-error">{loadError}</p>}
      {board.hasMore && (
        <button type="button" className="secondary" disabled={board.loadingMore} onClick={board.loadMore}>
          {board.loadingMore ? "Loading more…" : "Load more"}
        </button>
      )}
    </section>
  );
}

interface BoardCardItemProps {
  card: BoardCard;
  isNew: boolean;
  accepting: boolean;
  disabled: boolean;
  onAccept: () => void;
}

function BoardCardItem({ card, isNew, accepting, disabled, onAccept }: BoardCardItemProps) {
  const titleId = useId();
  return (
    <li className="request-card" data-new={isNew || undefined} aria-labelledby={titleId}>
      <div className="request-card-header">
        <h3 id={titleId}>{vehicleName(card.vehicle)}</h3>
        {isNew && <span className="badge badge-new">New</span>}
        <span className="badge" data-urgency={card.urgency}>
          {urgencyLabels[card.urgency]} urgency
        </span>
      </div>
      <p className="concern">{card.concern}</p>
      <p className="request-card-meta">
        {card.customerName} · {sessionTypeLabels[card.sessionType]} · {planLabels[card.plan]} plan ·{" "}
        <time dateTime={card.createdAt.toISOString()}>{formatTime(card.createdAt)}</time>
      </p>
      <button type="button" onClick={onAccept} disabled={disabled} aria-describedby={titleId}>
        {accepting ? "Accepting…" : "Accept"}
      </button>
    </li>
  );
}
