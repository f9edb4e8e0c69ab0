import { createTestDatabase } from "@switchboard/testing";
import { expect, it } from "vitest";
import {
  CLOSE_FELL_BEHIND,
  createAppEventBus,
  liveEvents,
  liveSignals,
  SIGNAL_RATE_LIMITED_MESSAGE,
  SIGNAL_TOO_LARGE_MESSAGE,
  sendLiveSignal,
} from "./live-events.ts";
import { SignalAllowance } from "./signal-allowance.ts";
import { transformer, wsHandlerOptions } from "./wire-format.ts";

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

it("writes live events straight to the socket once tRPC has sent the first, as the frames tRPC would send", async () => {
  const database = await createTestDatabase();
  const events = createAppEventBus({ databaseUrl: database.url });
  await events.start();
  try {
    const frames: string[] = [];
    const connection = {
      bufferedAmount: () => 0,
      close: () => {},
      send: (frame: Buffer) => frames.push(frame.toString("utf8")),
    };
    const live = liveEvents({ events, connection }, "requests.board", "board", { lastEventId: events.headEventId() });
    const publish = (n: number) =>
      database.db.$transaction((tx) =>
        events.publish(tx, "requests.board", "board", {
          kind: "cancelled",
          requestId: `00000000-0000-4000-8000-00000000000${n}`,
        }),
      );
    // Drives the encoder as tRPC's ws adapter does for subscription 7 (the frames themselves are
    // held to tRPC's real applyWSSHandler in apps/server/test/wire-contract.test.ts).
    const encode = ([id, data]: [string, unknown]) =>
      wsHandlerOptions(true).experimental_encoder!.encode({
        id: 7,
        jsonrpc: "2.0",
        result: { type: "data", id, data: transformer.output.serialize({ id, data }) },
      }) as string;
    const first = live.next();
    await publish(1);
    const envelope = (await first).value!;
    const firstFrame = encode([envelope[0], envelope[1]]);
    expect(JSON.parse(firstFrame)).toMatchObject({
      id: 7,
      jsonrpc: "2.0",
      result: { type: "data", data: { json: { data: { payload: { requestId: /1$/ } } } } },
    });
    expect(frames).toEqual([]);

    let settled = false;
    const waiting = live.next().then((result) => {
      settled = true;
      return result;
    });
    await publish(2);
    await publish(3);
    await expect.poll(() => frames.length).toBe(2);
    expect(settled).toBe(false);
    const sent = frames.map((frame) => JSON.parse(frame));
    expect(sent.map((f) => f.result.data.json.data.payload.requestId)).toEqual([
      "00000000-0000-4000-8000-000000000002",
      "00000000-0000-4000-8000-000000000003",
    ]);
    for (const frame of sent) {
      expect(frame).toMatchObject({ id: 7, jsonrpc: "2.0", result: { type: "data" } });
      expect(frame.result.id).toBe(frame.result.data.json.id);
    }
    await live.return();
    expect((await waiting).done).toBe(true);
  } finally {
    await events.stop();
    await database.drop();
  }
});

it("sends a signal within the connection's allowance, refuses a flood as RATE_LIMITED and a huge one in plain words", async () => {
  const database = await createTestDatabase();
  const bus = createAppEventBus({ databaseUrl: database.url });
  await bus.start();
  try {
    const ctx = {
      events: bus,
      connection: { bufferedAmount: () => 0, close: () => {} },
      session: null,
      signalAllowance: new SignalAllowance({ perSecond: 0.001, burst: 2 }),
    };
    const received = liveSignals(ctx, "sessions.signals", "s1", {});
    await sendLiveSignal(ctx, "sessions.signals", "s1", { kind: "typing" }, { from: "customer" });
    expect((await received.next()).value).toMatchObject({ payload: { kind: "typing" }, from: "customer" });
    // A valid offer whose encoding (every CRLF escaped) is past the bus's 64 KB.
    const hugeOffer = { kind: "rtc", rtc: { type: "offer", sdp: `v=0\r\n${"a\r\n".repeat(19_990)}` } } as const;
    await expect(sendLiveSignal(ctx, "sessions.signals", "s1", hugeOffer)).rejects.toMatchObject({
      message: SIGNAL_TOO_LARGE_MESSAGE,
    });
    await expect(sendLiveSignal(ctx, "sessions.signals", "s1", { kind: "typing" })).rejects.toMatchObject({
      code: "TOO_MANY_REQUESTS",
      message: SIGNAL_RATE_LIMITED_MESSAGE,
    });
    expect(bus.stats.signalsSent).toBe(1);
    await received.return!();
  } finally {
    await bus.stop();
    await database.drop();
  }
});
