// The transformer's side of the fast path. What reaches a client over a WebSocket, with direct
// frames on and off, is held to tRPC's real applyWSSHandler byte for byte in
// apps/server/test/wire-contract.test.ts; no copy of tRPC's frame shape lives here.
import { EventBus } from "@switchboard/events";
import { createTestDatabase } from "@switchboard/testing";
import superjson from "superjson";
import { expect, it } from "vitest";
import { z } from "zod";
import { transformer } from "./wire-format.ts";

it("serializes a shared live event to what superjson would produce, for every subscriber from one message", async () => {
  const database = await createTestDatabase();
  const bus = new EventBus({
    databaseUrl: database.url,
    topics: { "t.note": z.object({ n: z.number(), when: z.string() }) },
  });
  await bus.start();
  try {
    const controller = new AbortController();
    const first = bus.subscribe("t.note", "s", { signal: controller.signal });
    const second = bus.subscribe("t.note", "s", { signal: controller.signal });
    const [a, b] = [first.next(), second.next()];
    await database.db.$transaction((tx) => bus.publish(tx, "t.note", "s", { n: 7, when: 'today "quoted"' }));
    const [ea, eb] = [(await a).value!, (await b).value!];
    controller.abort();
    expect(ea[1]).toBe(eb[1]); // one message object for every subscriber

    for (const envelope of [ea, eb]) {
      // tRPC hands the transformer a tracked event as `{ id, data }`.
      const tracked = { id: envelope[0], data: envelope[1] };
      const serialized = transformer.output.serialize(tracked);
      expect(JSON.stringify(serialized)).toBe(JSON.stringify(superjson.serialize(tracked)));
      expect(superjson.deserialize(JSON.parse(JSON.stringify(serialized)) as never)).toMatchObject({
        id: envelope[0],
        data: { type: "event", payload: { n: 7, when: 'today "quoted"' } },
      });
    }

    // Anything else goes through superjson untouched.
    const when = new Date("2026-01-02T03:04:05Z");
    expect(superjson.deserialize(transformer.output.serialize({ when }) as never)).toEqual({ when });
  } finally {
    await bus.stop();
    await database.drop();
  }
});
