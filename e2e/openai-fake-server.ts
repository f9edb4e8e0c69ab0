// The OpenAI wire fake for the e2e server, on a fixed port the app's OPENAI_BASE_URL names.
// The fake itself listens on a free port it picks, so a small pass-through proxy holds the
// fixed one (the SSE stream is piped through unchanged). Run: node --import tsx e2e/openai-fake-server.ts
import { createServer, request } from "node:http";
import { fakeMessageText, startOpenAIFake } from "../packages/testing/src/openai-fake.ts";

const port = Number(process.env.OPENAI_FAKE_PORT ?? 4180);
// Spaced out so the e2e tests can watch a reply arrive piece by piece.
const tokenDelayMs = Number(process.env.OPENAI_FAKE_TOKEN_DELAY_MS ?? 150);

const fake = await startOpenAIFake({ tokenDelayMs });
// The coach's action item extraction (structured output named "action_items"): what the person
// said they will do ("I will call the bank") becomes an item ("Call the bank"). Everything else
// keeps the fake's defaults: chat replies echo, other structured outputs get a minimal instance.
fake.reply((request) => {
  if (request.response_format?.json_schema?.name !== "action_items") return {};
  const transcript = request.messages.map(fakeMessageText).join("\n");
  const promises = [...transcript.matchAll(/Person: I will ([^.!?\n]+)/g)].map((match) => match[1]!.trim());
  const items = [...new Set(promises)].map((promise) => ({
    title: promise.charAt(0).toUpperCase() + promise.slice(1),
    dueDate: null,
    goalId: null,
  }));
  return { json: { items } };
});
const target = new URL(fake.url);

const proxy = createServer((incoming, outgoing) => {
  const forwarded = request(
    {
      hostname: target.hostname,
      port: target.port,
      method: incoming.method,
      path: incoming.url,
      headers: incoming.headers,
    },
    (answer) => {
      outgoing.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(outgoing);
    },
  );
  forwarded.on("error", () => outgoing.destroy());
  outgoing.on("close", () => forwarded.destroy());
  incoming.pipe(forwarded);
});

await new Promise<void>((resolve) => proxy.listen(port, "127.0.0.1", resolve));
console.log(`OpenAI fake listening on http://127.0.0.1:${port}/v1`);

const stop = () => {
  proxy.closeAllConnections();
  proxy.close();
  void fake.close().then(() => process.exit(0));
};
process.on("SIGTERM", stop);
process.on("SIGINT", stop);
