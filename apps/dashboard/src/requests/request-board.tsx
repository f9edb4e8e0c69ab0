// The mechanics' live board, paged with useInfiniteQuery. The first page is read with the event
// id it is current to; useLiveQuery follows the board from that id (so nothing that happens in
// between is missed, and on a reconnect wsLink resumes from the last event it received) and folds
// each event into the pages (board-state.ts).
import { useNavigate } from "@tanstack/react-router";
import { getQueryKey } from "@trpc/react-query";
import { useId, useMemo, useRef, useState } from "react";
import { readAppError } from "../api/app-error.ts";
import { trpc } from "../api/trpc.ts";
import { useLiveQuery } from "../api/use-live-query.ts";
import { FormError } from "../pages/form-fields.tsx";
import { LiveUpdatesAlert } from "../pages/live-updates-alert.tsx";
import { useOutageAwareProblem } from "../session/use-connection.ts";
import {
  type BoardCard,
  type BoardMarks,
  emptyBoardMarks,
  foldBoardChange,
  markBoardChange,
  markGone,
  removeCardFromPages,
  visibleCards,
} from "./board-state.ts";
import { formatTime, planLabels, sessionTypeLabels, urgencyLabels, vehicleName } from "./request-labels.ts";

const PAGE_SIZE = 20;

/** Accepting failed because the request is no longer on offer: its card goes. */
const noLongerOpen = new Set(["REQUEST_ALREADY_ACCEPTED", "REQUEST_NOT_PENDING", "NOT_FOUND"]);

/** The board's input; useInfiniteQuery adds the cursor (and a `direction`, which the board's input allows). */
const boardInput = { limit: PAGE_SIZE };

export function RequestBoard() {
  const utils = trpc.useUtils();
  const board = trpc.requests.board.useInfiniteQuery(boardInput, {
    getNextPageParam: (page) => page.nextCursor,
  });
  const [marks, setMarks] = useState<BoardMarks>(emptyBoardMarks);
  const [acceptProblem, setAcceptProblem] = useOutageAwareProblem<string>();

  const cards = useMemo(() => visibleCards(board.data, marks), [board.data, marks]);
  const shownIds = useRef<ReadonlySet<string>>(new Set());
  shownIds.current = new Set(cards.map((card) => card.requestId));

  const { liveProblem } = useLiveQuery({
    query: board,
    queryKey: getQueryKey(trpc.requests.board, boardInput, "infinite"),
    lastEventIdOf: (data) => data.pages[0]?.lastEventId ?? "",
    subscription: trpc.requests.onBoard,
    subscriptionInput: (lastEventId) => ({ lastEventId }),
    fold: foldBoardChange,
    // Marked against the ids on the board when the event came, before it is folded in.
    onEvent: (change) => {
      const shown = shownIds.current;
      setMarks((current) => markBoardChange(current, change, shown));
    },
  });

  const navigate = useNavigate();
  const accept = trpc.requests.accept.useMutation({
    onMutate: () => setAcceptProblem(null),
    onSuccess: (result) => void navigate({ to: "/requests/$requestId", params: { requestId: result.requestId } }),
    onError: (error, { requestId }) => {
      const { appCode, message } = readAppError(error);
      if (appCode && noLongerOpen.has(appCode)) {
        setMarks((current) => markGone(current, requestId));
        utils.requests.board.setInfiniteData(boardInput, (data) => data && removeCardFromPages(data, requestId));
      }
      setAcceptProblem(message, error);
    },
  });

  const loadError = board.error ? readAppError(board.error).message : null;
  const pages = board.data?.pages;

  return (
    <section aria-labelledby="open-requests-heading" className="board">
      <div className="board-header">
        <h2 id="open-requests-heading">Open requests</h2>
        <p className="board-announcement" aria-live="polite">
          {marks.latest ? `New request: ${vehicleName(marks.latest.vehicle)}` : ""}
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
              isNew={marks.fresh.has(card.requestId)}
              accepting={accept.isPending && accept.variables?.requestId === card.requestId}
              disabled={accept.isPending}
              onAccept={() => accept.mutate({ requestId: card.requestId })}
            />
          ))}
        </ul>
      )}
      {pages && loadError && <p className="form-error">{loadError}</p>}
      {board.hasNextPage && (
        <button
          type="button"
          className="secondary"
          disabled={board.isFetchingNextPage}
          onClick={() => void board.fetchNextPage()}
        >
          {board.isFetchingNextPage ? "Loading more…" : "Load more"}
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
