import { EventBus } from "@switchboard/events";
import { createTestDatabase } from "@switchboard/testing";
import superjson from "superjson";
import { expect, it } from "vitest";
import { z } from "zod";
import { transformer, wsEncoder } from "./wire-format.ts";

it("sends a shared live event exactly as superjson and JSON would, from one serialization", async () => {
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

    // What tRPC's ws adapter builds for a tracked event, per subscriber.
    const frameFor = (subscription: number, envelope: typeof ea) => ({
      id: subscription,
      jsonrpc: undefined,
      result: { type: "data", id: envelope[0], data: { id: envelope[0], data: envelope[1] } },
    });
    for (const [subscription, envelope] of [
      [1, ea],
      [2, eb],
    ] as const) {
      const frame = frameFor(subscription, envelope);
      const viaSuperjson = { ...frame, result: { ...frame.result, data: superjson.serialize(frame.result.data) } };
      const viaShared = {
        ...frame,
        result: { ...frame.result, data: transformer.output.serialize(frame.result.data) },
      };
      const wire = wsEncoder.encode(viaShared) as string;
      expect(JSON.parse(wire)).toEqual(JSON.parse(JSON.stringify(viaSuperjson)));
      const decoded = superjson.deserialize((JSON.parse(wire) as { result: { data: never } }).result.data);
      expect(decoded).toMatchObject({
        id: envelope[0],
        data: { type: "event", payload: { n: 7, when: 'today "quoted"' } },
      });
    }
    // One frame per subscription id, not per subscriber: equal ids get the very same text.
    const [one, same, other] = [1, 1, 2].map((subscription) => {
      const frame = frameFor(subscription, ea);
      return wsEncoder.encode({
        ...frame,
        result: { ...frame.result, data: transformer.output.serialize(frame.result.data) },
      }) as string;
    });
    expect(same).toBe(one);
    expect(JSON.parse(other!)).toEqual({ ...JSON.parse(one!), id: 2 });
    const withRpc = frameFor(1, ea);
    const rpcWire = wsEncoder.encode({
      ...withRpc,
      jsonrpc: "2.0",
      result: { ...withRpc.result, data: transformer.output.serialize(withRpc.result.data) },
    }) as string;
    expect(JSON.parse(rpcWire)).toEqual({ ...JSON.parse(one!), jsonrpc: "2.0" });

    // Anything else goes through superjson untouched.
    const when = new Date("2026-01-02T03:04:05Z");
    expect(superjson.deserialize(transformer.output.serialize({ when }) as never)).toEqual({ when });
  } finally {
    await bus.stop();
    await database.drop();
  }
});
