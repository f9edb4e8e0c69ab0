// The mechanics' live board, paged with useInfiniteQuery. The first page is read with the event
// id it is current to; useLiveQuery follows the board from that id (so nothing that happens in
// between is missed, and on a reconnect wsLink resumes from the last event it received) and folds
// each event into the pages (board-state.ts). The filters are the address's search: changing one
// reads the board afresh (the list below is keyed by them, so it follows from its own read),
// and the count beside the heading is read again after board events (once per burst).
import { getRouteApi, useNavigate } from "@tanstack/react-router";
import { getQueryKey } from "@trpc/react-query";
import { useCallback, useEffect, useId, useMemo, useRef, useState } from "react";
import { readAppError } from "../api/app-error.ts";
import { trpc } from "../api/trpc.ts";
import { useLiveQuery } from "../api/use-live-query.ts";
import { FormError } from "../pages/form-fields.tsx";
import { LiveUpdatesAlert } from "../pages/live-updates-alert.tsx";
import { useOutageAwareProblem } from "../session/use-connection.ts";
import { type BoardSearch, boardFiltersOf, boardSessionTypes, boardUrgencies, toggled } from "./board-search.ts";
import {
  type BoardCard,
  type BoardFilters,
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

const requestsRoute = getRouteApi("/signed-in/requests");

export function RequestBoard() {
  const search = requestsRoute.useSearch();
  const filters = useMemo(() => boardFiltersOf(search), [search]);
  return (
    <section aria-labelledby="open-requests-heading" className="board">
      <div className="board-header">
        <h2 id="open-requests-heading">Open requests</h2>
        <BoardCount filters={filters} />
      </div>
      <BoardFilterControls search={search} />
      <BoardList key={JSON.stringify(filters)} filters={filters} />
    </section>
  );
}

function countText(count: number, filtered: boolean): string {
  const requests = count === 1 ? "1 open request" : `${count} open requests`;
  if (!filtered) return requests;
  return `${requests} ${count === 1 ? "matches" : "match"} these filters`;
}

/** "12 open requests": the whole board with these filters, every page together. */
function BoardCount({ filters }: { filters: BoardFilters }) {
  const count = trpc.requests.boardCount.useQuery(filters, { placeholderData: (previous) => previous });
  const filtered = Boolean(filters.urgency || filters.sessionType);
  return (
    <p className="board-count" aria-live="polite" aria-atomic="true">
      {count.data ? countText(count.data.count, filtered) : ""}
    </p>
  );
}

/** Urgency and session type, as checkboxes: none ticked is every request. */
/** One filter of the board: a checkbox per value, the chosen ones in the address. */
function ChoiceGroup<T extends string>(props: {
  legend: string;
  options: readonly T[];
  labels: Record<T, string>;
  chosen: readonly T[] | undefined;
  onChange: (chosen: T[] | undefined) => void;
}) {
  return (
    <fieldset className="choice-group">
      <legend>{props.legend}</legend>
      <div className="choices">
        {props.options.map((option) => (
          <label key={option} className="choice">
            <input
              type="checkbox"
              checked={props.chosen?.includes(option) ?? false}
              onChange={(event) => props.onChange(toggled(props.options, props.chosen, option, event.target.checked))}
            />
            <span>{props.labels[option]}</span>
          </label>
        ))}
      </div>
    </fieldset>
  );
}

function BoardFilterControls({ search }: { search: BoardSearch }) {
  const navigate = useNavigate({ from: "/requests" });
  const set = (next: Partial<BoardSearch>) =>
    void navigate({ search: (previous) => ({ ...previous, ...next }), replace: true });
  return (
    <div className="board-filters">
      <ChoiceGroup
        legend="Urgency"
        options={boardUrgencies}
        labels={urgencyLabels}
        chosen={search.urgency}
        onChange={(urgency) => set({ urgency })}
      />
      <ChoiceGroup
        legend="Session type"
        options={boardSessionTypes}
        labels={sessionTypeLabels}
        chosen={search.sessionType}
        onChange={(sessionType) => set({ sessionType })}
      />
      {(search.urgency || search.sessionType) && (
        <button type="button" className="secondary" onClick={() => set({ urgency: undefined, sessionType: undefined })}>
          Show every request
        </button>
      )}
    </div>
  );
}

/** How long a burst of board events waits before the count is read again (once, for all of them). */
const COUNT_REREAD_MS = 250;

/**
 * Reads the count again after board events: once per burst, a moment after its first event, so
 * the read starts after every event of the burst was committed and a busy board costs one read,
 * not one per event for every mechanic watching.
 */
function useCountReread() {
  const utils = trpc.useUtils();
  const timer = useRef<ReturnType<typeof setTimeout> | null>(null);
  useEffect(
    () => () => {
      if (timer.current) clearTimeout(timer.current);
    },
    [],
  );
  return useCallback(() => {
    if (timer.current) return;
    timer.current = setTimeout(() => {
      timer.current = null;
      void utils.requests.boardCount.invalidate();
    }, COUNT_REREAD_MS);
  }, [utils]);
}

function BoardList({ filters }: { filters: BoardFilters }) {
  const utils = trpc.useUtils();
  const rereadCount = useCountReread();
  // The board's input; useInfiniteQuery adds the cursor (and a `direction`, which the board's input allows).
  const boardInput = useMemo(() => ({ limit: PAGE_SIZE, ...filters }), [filters]);
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
    fold: (data, change) => foldBoardChange(data, change, filters),
    // Marked against the ids on the board when the event came, before it is folded in.
    onEvent: (change) => {
      const shown = shownIds.current;
      setMarks((current) => markBoardChange(current, change, shown, filters));
      rereadCount();
    },
  });

  const navigate = useNavigate();
  const accept = trpc.requests.accept.useMutation({
    onMutate: () => setAcceptProblem(null),
    // The hand-over: the accepting mechanic goes straight to the session.
    onSuccess: (result) => void navigate({ to: "/sessions/$sessionId", params: { sessionId: result.sessionId } }),
    onError: (error, { requestId }) => {
      const { appCode, message } = readAppError(error);
      if (appCode && noLongerOpen.has(appCode)) {
        setMarks((current) => markGone(current, requestId));
        utils.requests.board.setInfiniteData(boardInput, (data) => data && removeCardFromPages(data, requestId));
        rereadCount();
      }
      setAcceptProblem(message, error);
    },
  });

  const loadError = board.error ? readAppError(board.error).message : null;
  const pages = board.data?.pages;
  // Announced only when it is on the board as loaded (a card that sorts later comes with "Load more").
  const announced = marks.latest && shownIds.current.has(marks.latest.requestId) ? marks.latest : null;
  const filtered = Boolean(filters.urgency || filters.sessionType);

  return (
    <>
      <p className="board-announcement" aria-live="polite">
        {announced ? `New request: ${vehicleName(announced.vehicle)}` : ""}
      </p>
      <FormError message={acceptProblem} />
      <LiveUpdatesAlert problem={liveProblem} />
      {!pages && !loadError && <p className="loading">Loading open requests…</p>}
      {!pages && loadError && <p className="form-error">{loadError}</p>}
      {pages && cards.length === 0 && (
        <p className="empty-state">
          {filtered ? "No open requests match these filters right now." : "No open requests right now."}
        </p>
      )}
      {cards.length > 0 && (
        <ul className="request-cards" aria-labelledby="open-requests-heading">
          {cards.map((card) => (
            <BoardCardItem
              key={card.requestId}
              card={card}
              isNew={marks.fresh.has(card.requestId)}
              accepting={accept.isPending && accept.variables?.requestId === card.requestId}
              disabled={accept.isPending || accept.isSuccess}
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
    </>
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
    <li
      className="request-card"
      data-new={isNew || undefined}
      data-unattended={card.unattended || undefined}
      aria-labelledby={titleId}
    >
      <div className="request-card-header">
        <h3 id={titleId}>{vehicleName(card.vehicle)}</h3>
        {isNew && <span className="badge badge-new">New</span>}
        <span className="badge" data-urgency={card.urgency}>
          {urgencyLabels[card.urgency]} urgency
        </span>
      </div>
      {card.unattended && <p className="unattended-note">Unattended — its mechanic didn't join in time</p>}
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
