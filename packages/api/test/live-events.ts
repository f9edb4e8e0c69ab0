// For tests: what a topic and scope's subscribers receive from the bus, collected in the
// background until stopped, with a wait for the next n events.
import type { z } from "zod";
import type { AppEventBus, AppTopics } from "../src/live-events.ts";

export function watchTopic<K extends keyof AppTopics & string>(events: AppEventBus, topic: K, scope: string) {
  const controller = new AbortController();
  const received: z.infer<AppTopics[K]>[] = [];
  const done = (async () => {
    for await (const [, message] of events.subscribe(topic, scope, { signal: controller.signal })) {
      if (message.type === "event") received.push(message.payload);
    }
  })();
  return {
    received,
    async until(count: number) {
      const started = Date.now();
      while (received.length < count) {
        if (Date.now() - started > 10_000) throw new Error(`expected ${count} events, got ${received.length}`);
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
    },
    async stop() {
      controller.abort();
      await done;
    },
  };
}
