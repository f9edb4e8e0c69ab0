import { createTestDatabase } from "@switchboard/testing";
import { expect, it } from "vitest";
import { CLOSE_FELL_BEHIND, createAppEventBus, liveEvents } from "./live-events.ts";

it("closes a connection whose send buffer is full with 'fell behind', ending the subscription", async () => {
  const database = await createTestDatabase();
  const events = createAppEventBus({ databaseUrl: database.url });
  await events.start();
  try {
    const closed: [number, string][] = [];
    let buffered = 0;
    const connection = {
      bufferedAmount: () => buffered,
      close: (code: number, reason: string) => closed.push([code, reason]),
    };
    const live = liveEvents({ events, connection }, "requests.board", "board", { lastEventId: events.headEventId() });
    const first = live.next();
    const publish = (requestId: string) =>
      database.db.$transaction((tx) => events.publish(tx, "requests.board", "board", { kind: "cancelled", requestId }));
    await publish("00000000-0000-4000-8000-000000000001");
    expect((await first).value?.[1]).toMatchObject({ type: "event", payload: { kind: "cancelled" } });
    buffered = 10 * 1024 * 1024; // the client stopped reading
    const second = live.next();
    await publish("00000000-0000-4000-8000-000000000002");
    expect((await second).done).toBe(true);
    expect(closed).toEqual([[CLOSE_FELL_BEHIND, "Fell behind on live updates; reconnect to catch up"]]);
  } finally {
    await events.stop();
    await database.drop();
  }
});
