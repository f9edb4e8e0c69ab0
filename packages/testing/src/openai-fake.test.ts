// The OpenAI fake must be indistinguishable from OpenAI for the real `openai` SDK: these tests
// drive it only through the SDK (plus one raw look at the SSE bytes).
import OpenAI from "openai";
import { zodResponseFormat } from "openai/helpers/zod";
import type { ChatCompletionChunk } from "openai/resources/chat/completions";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { z } from "zod";
import { countFakeTokens, fakeEmbedding, type OpenAIFake, startOpenAIFake } from "./openai-fake.ts";

let fake: OpenAIFake;

const client = (options: ConstructorParameters<typeof OpenAI>[0] = {}) =>
  new OpenAI({ apiKey: "sk-test-key", baseURL: fake.baseURL, maxRetries: 0, ...options });

const cosine = (a: number[], b: number[]) => {
  let dot = 0;
  let na = 0;
  let nb = 0;
  for (let i = 0; i < a.length; i++) {
    dot += a[i]! * b[i]!;
    na += a[i]! ** 2;
    nb += b[i]! ** 2;
  }
  return dot / Math.sqrt(na * nb);
};

beforeAll(async () => {
  fake = await startOpenAIFake();
});
afterAll(async () => {
  await fake.close();
});
beforeEach(() => {
  fake.reset();
  fake.tokenDelayMs = 5;
});

describe("chat completions, streaming", () => {
  it("streams the scripted text in order, then finish_reason, then the usage chunk", async () => {
    fake.reply("Hello there, how can I help you today?");
    const messages = [
      { role: "system" as const, content: "You are terse." },
      { role: "user" as const, content: "Say hello please" },
    ];
    const stream = await client().chat.completions.create({
      model: "gpt-4o-mini",
      messages,
      stream: true,
      stream_options: { include_usage: true },
      temperature: 0.2,
    });
    const chunks: ChatCompletionChunk[] = [];
    for await (const chunk of stream) chunks.push(chunk);

    expect(chunks[0]!.object).toBe("chat.completion.chunk");
    expect(chunks[0]!.choices[0]!.delta.role).toBe("assistant");
    const contentChunks = chunks.filter((c) => c.choices[0]?.delta.content);
    expect(contentChunks.map((c) => c.choices[0]!.delta.content)).toEqual([
      "Hello",
      " there,",
      " how",
      " can",
      " I",
      " help",
      " you",
      " today?",
    ]);
    const text = chunks.map((c) => c.choices[0]?.delta.content ?? "").join("");
    expect(text).toBe("Hello there, how can I help you today?");
    const finish = chunks.at(-2)!;
    expect(finish.choices[0]!.finish_reason).toBe("stop");
    expect(finish.choices[0]!.delta).toEqual({});
    const last = chunks.at(-1)!;
    expect(last.choices).toEqual([]);
    expect(last.usage).toMatchObject({ prompt_tokens: 6, completion_tokens: 8, total_tokens: 14 });
    expect(new Set(chunks.map((c) => c.id)).size).toBe(1);
    expect(fake.chatRequests[0]).toMatchObject({ model: "gpt-4o-mini", messages, temperature: 0.2, stream: true });
  });

  it("sends no usage chunk without stream_options.include_usage, and exact SSE framing on the wire", async () => {
    const response = await fetch(`${fake.baseURL}/chat/completions`, {
      method: "POST",
      headers: { authorization: "Bearer x", "content-type": "application/json" },
      body: JSON.stringify({ model: "gpt-4o-mini", messages: [{ role: "user", content: "ping" }], stream: true }),
    });
    expect(response.headers.get("content-type")).toMatch(/^text\/event-stream/);
    const raw = await response.text();
    const events = raw.split("\n\n").filter(Boolean);
    expect(events.every((e) => e.startsWith("data: "))).toBe(true);
    expect(events.at(-1)).toBe("data: [DONE]");
    const chunks = events.slice(0, -1).map((e) => JSON.parse(e.slice(6)) as ChatCompletionChunk);
    expect(chunks.every((c) => c.choices.length === 1 && !("usage" in c))).toBe(true);
    expect(chunks.map((c) => c.choices[0]!.delta.content ?? "").join("")).toBe("You said: ping");
  });

  it("spaces content chunks by tokenDelayMs", async () => {
    fake.tokenDelayMs = 30;
    fake.reply("one two three four");
    const stream = await client().chat.completions.create({
      model: "gpt-4o-mini",
      messages: [{ role: "user", content: "count" }],
      stream: true,
    });
    const arrivals: number[] = [];
    for await (const chunk of stream) if (chunk.choices[0]?.delta.content) arrivals.push(performance.now());
    expect(arrivals).toHaveLength(4);
    // Three gaps of 30 ms between the four chunks (with slack for timer jitter).
    expect(arrivals.at(-1)! - arrivals[0]!).toBeGreaterThanOrEqual(75);
  });

  it("works with the SDK's stream helper (finalChatCompletion)", async () => {
    fake.reply("Streaming via the helper");
    const runner = client().chat.completions.stream({
      model: "gpt-4o-mini",
      messages: [{ role: "user", content: "hi" }],
      stream_options: { include_usage: true },
    });
    const deltas: string[] = [];
    runner.on("content", (delta) => deltas.push(delta));
    const completion = await runner.finalChatCompletion();
    expect(deltas.join("")).toBe("Streaming via the helper");
    expect(completion.choices[0]!.message.content).toBe("Streaming via the helper");
    expect(completion.usage?.completion_tokens).toBe(4);
  });

  it("a cut stream surfaces as an error after the partial chunks", async () => {
    fake.reply({ content: "This reply will be cut off half way through", cutAfterChunks: 3 });
    const stream = await client().chat.completions.create({
      model: "gpt-4o-mini",
      messages: [{ role: "user", content: "go" }],
      stream: true,
    });
    let partial = "";
    let failure: unknown;
    try {
      for await (const chunk of stream) partial += chunk.choices[0]?.delta.content ?? "";
    } catch (error) {
      failure = error;
    }
    expect(partial).toBe("This reply will");
    expect(failure).toBeInstanceOf(Error);
    expect(String((failure as Error).message)).toMatch(/terminated|closed|aborted|socket/i);
  });

  it("a stalled stream keeps the connection open until the client gives up", async () => {
    fake.reply({ content: "first second third", stallAfterChunks: 1 });
    const stream = await client().chat.completions.create({
      model: "gpt-4o-mini",
      messages: [{ role: "user", content: "go" }],
      stream: true,
    });
    let partial = "";
    const iterator = stream[Symbol.asyncIterator]();
    for (;;) {
      const next = await Promise.race([
        iterator.next(),
        new Promise<"idle">((resolve) => setTimeout(() => resolve("idle"), 200)),
      ]);
      if (next === "idle" || next.done) break;
      partial += next.value.choices[0]?.delta.content ?? "";
    }
    stream.controller.abort();
    expect(partial).toBe("first");
  });
});

describe("chat completions, non-streaming", () => {
  it("echoes the last user message by default and reports usage; records the request", async () => {
    const completion = await client().chat.completions.create({
      model: "gpt-4o",
      messages: [
        { role: "system", content: "Be nice." },
        { role: "user", content: "first question" },
        { role: "assistant", content: "first answer" },
        { role: "user", content: "What is the weather?" },
      ],
      temperature: 0.7,
      max_tokens: 100,
    });
    expect(completion.object).toBe("chat.completion");
    expect(completion.model).toBe("gpt-4o");
    expect(completion.choices[0]!.message).toMatchObject({
      role: "assistant",
      content: "You said: What is the weather?",
    });
    expect(completion.choices[0]!.finish_reason).toBe("stop");
    expect(completion.usage).toMatchObject({ prompt_tokens: 10, completion_tokens: 6, total_tokens: 16 });
    expect(completion._request_id).toMatch(/^req_/);

    const request = fake.requests.at(-1)!;
    expect(request).toMatchObject({
      method: "POST",
      path: "/v1/chat/completions",
      authorization: "Bearer sk-test-key",
    });
    expect(fake.chatRequests.at(-1)).toMatchObject({ model: "gpt-4o", temperature: 0.7, max_tokens: 100 });
    expect(fake.chatRequests.at(-1)!.messages).toHaveLength(4);
  });

  it("uses one-shot replies first, then the default; function replies see the request", async () => {
    fake.reply((request) => ({ content: `model=${request.model} turns=${request.messages.length}` }));
    fake.replyOnce("first", { content: "second" });
    const ask = async () =>
      (await client().chat.completions.create({ model: "gpt-4o-mini", messages: [{ role: "user", content: "x" }] }))
        .choices[0]!.message.content;
    expect(await ask()).toBe("first");
    expect(await ask()).toBe("second");
    expect(await ask()).toBe("model=gpt-4o-mini turns=1");
  });

  it("cuts the reply at max_completion_tokens with finish_reason length", async () => {
    fake.reply("a b c d e f g");
    const completion = await client().chat.completions.create({
      model: "gpt-4o-mini",
      messages: [{ role: "user", content: "letters" }],
      max_completion_tokens: 3,
    });
    expect(completion.choices[0]!.message.content).toBe("a b c");
    expect(completion.choices[0]!.finish_reason).toBe("length");
    expect(completion.usage?.completion_tokens).toBe(3);
  });

  it("returns the scripted JSON for structured outputs (zodResponseFormat + parse, zod 4)", async () => {
    const Summary = z.object({ title: z.string(), score: z.number(), tags: z.array(z.string()) });
    fake.reply({ json: { title: "Quarterly review", score: 0.9, tags: ["finance", "q3"] } });
    const completion = await client().chat.completions.parse({
      model: "gpt-4o-mini",
      messages: [{ role: "user", content: "summarise" }],
      response_format: zodResponseFormat(Summary, "summary"),
    });
    expect(completion.choices[0]!.message.parsed).toEqual({
      title: "Quarterly review",
      score: 0.9,
      tags: ["finance", "q3"],
    });
    const format = fake.chatRequests.at(-1)!.response_format!;
    expect(format.type).toBe("json_schema");
    expect(format.json_schema).toMatchObject({ name: "summary", strict: true });
    expect(format.json_schema!.schema).toMatchObject({ type: "object", required: ["title", "score", "tags"] });
  });

  it("answers an unscripted json_schema request with a minimal valid instance", async () => {
    const Answer = z.object({ answer: z.string(), confident: z.boolean(), kind: z.enum(["yes", "no"]) });
    const completion = await client().chat.completions.parse({
      model: "gpt-4o-mini",
      messages: [{ role: "user", content: "is it?" }],
      response_format: zodResponseFormat(Answer, "answer"),
    });
    expect(completion.choices[0]!.message.parsed).toEqual({
      answer: "You said: is it?",
      confident: false,
      kind: "yes",
    });
  });
});

describe("embeddings", () => {
  it("works with the SDK defaults (base64 on the wire, numbers in the result), 256 dimensions", async () => {
    const response = await client().embeddings.create({
      model: "text-embedding-3-small",
      input: ["refund the invoice", "the weather is sunny"],
    });
    expect(fake.embeddingRequests.at(-1)!.encoding_format).toBe("base64");
    expect(response.object).toBe("list");
    expect(response.data.map((d) => d.index)).toEqual([0, 1]);
    expect(response.data[0]!.embedding).toHaveLength(256);
    expect(response.data[0]!.embedding).toEqual(fakeEmbedding("refund the invoice"));
    expect(response.usage).toEqual({ prompt_tokens: 7, total_tokens: 7 });
    expect(Math.hypot(...response.data[0]!.embedding)).toBeCloseTo(1, 5);
  });

  it("honours dimensions and encoding_format float; similar texts score higher", async () => {
    const response = await client().embeddings.create({
      model: "text-embedding-3-small",
      input: [
        "How do I get a refund for my invoice?",
        "Refunds for invoices are processed within five days",
        "The cat sat on the warm windowsill",
      ],
      dimensions: 64,
      encoding_format: "float",
    });
    const [query, related, unrelated] = response.data.map((d) => d.embedding);
    expect(query).toHaveLength(64);
    expect(cosine(query!, related!)).toBeGreaterThan(cosine(query!, unrelated!));
    expect(cosine(query!, related!)).toBeGreaterThan(0.3);
    expect(fake.embeddingRequests.at(-1)).toMatchObject({ dimensions: 64, encoding_format: "float" });
  });
});

describe("errors, timeouts, auth", () => {
  it("injected 429 / 500 / 503 surface as the SDK's error classes with OpenAI's envelope", async () => {
    fake.failNext(1, 429);
    const rateLimited = await client()
      .chat.completions.create({ model: "gpt-4o-mini", messages: [{ role: "user", content: "x" }] })
      .catch((e: unknown) => e);
    expect(rateLimited).toBeInstanceOf(OpenAI.RateLimitError);
    expect(rateLimited).toMatchObject({ status: 429, code: "rate_limit_exceeded", type: "requests", param: null });

    fake.failNext(1, 500);
    const serverError = await client()
      .embeddings.create({ model: "text-embedding-3-small", input: "x" })
      .catch((e: unknown) => e);
    expect(serverError).toBeInstanceOf(OpenAI.InternalServerError);
    expect(serverError).toMatchObject({ status: 500, type: "server_error" });

    fake.failNext(1, 503, { message: "Overloaded", type: "server_error", code: "overloaded" });
    const overloaded = await client()
      .chat.completions.create({ model: "gpt-4o-mini", messages: [{ role: "user", content: "x" }], stream: true })
      .catch((e: unknown) => e);
    expect(overloaded).toBeInstanceOf(OpenAI.InternalServerError);
    expect(overloaded).toMatchObject({ status: 503, code: "overloaded", message: "503 Overloaded" });
  });

  it("targets failures at one endpoint, and the SDK's retries get through injected failures", async () => {
    fake.failNext(2, 429, { endpoint: "chat.completions", headers: { "retry-after-ms": "5" } });
    await client().embeddings.create({ model: "text-embedding-3-small", input: "unaffected" });
    const completion = await client({ maxRetries: 2 }).chat.completions.create({
      model: "gpt-4o-mini",
      messages: [{ role: "user", content: "retry me" }],
    });
    expect(completion.choices[0]!.message.content).toBe("You said: retry me");
    expect(fake.chatRequests).toHaveLength(3);
  });

  it("401 invalid_api_key: injected, missing key, or a key other than the configured one", async () => {
    fake.failNext(1, 401);
    const injected = await client()
      .chat.completions.create({ model: "gpt-4o-mini", messages: [{ role: "user", content: "x" }] })
      .catch((e: unknown) => e);
    expect(injected).toBeInstanceOf(OpenAI.AuthenticationError);
    expect(injected).toMatchObject({ status: 401, code: "invalid_api_key" });

    const raw = await fetch(`${fake.baseURL}/embeddings`, { method: "POST", body: "{}" });
    expect(raw.status).toBe(401);
    expect(await raw.json()).toMatchObject({ error: { code: "invalid_api_key", type: "invalid_request_error" } });

    const strict = await startOpenAIFake({ apiKey: "sk-right" });
    try {
      const wrong = await new OpenAI({ apiKey: "sk-wrong", baseURL: strict.baseURL, maxRetries: 0 }).models
        .list()
        .catch((e: unknown) => e);
      expect(wrong).toBeInstanceOf(OpenAI.AuthenticationError);
      const right = await new OpenAI({ apiKey: "sk-right", baseURL: strict.baseURL, maxRetries: 0 }).models.list();
      expect(right.data.length).toBeGreaterThan(0);
    } finally {
      await strict.close();
    }
  });

  it("stallNext and delayMs provoke SDK timeouts", async () => {
    fake.stallNext();
    const stalled = await client({ timeout: 150 })
      .chat.completions.create({ model: "gpt-4o-mini", messages: [{ role: "user", content: "x" }] })
      .catch((e: unknown) => e);
    expect(stalled).toBeInstanceOf(OpenAI.APIConnectionTimeoutError);

    fake.replyOnce({ content: "late", delayMs: 1_000 });
    const delayed = await client({ timeout: 150 })
      .chat.completions.create({ model: "gpt-4o-mini", messages: [{ role: "user", content: "x" }], stream: true })
      .catch((e: unknown) => e);
    expect(delayed).toBeInstanceOf(OpenAI.APIConnectionTimeoutError);

    // The fake is still healthy afterwards.
    const ok = await client().chat.completions.create({
      model: "gpt-4o-mini",
      messages: [{ role: "user", content: "still there?" }],
    });
    expect(ok.choices[0]!.message.content).toBe("You said: still there?");
  });

  it("validates like OpenAI: missing model or messages is a 400", async () => {
    const error = await client()
      .chat.completions.create({ model: "gpt-4o-mini", messages: [] })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OpenAI.BadRequestError);
    expect(error).toMatchObject({ param: "messages" });
  });

  it("countFakeTokens is the whitespace word count", () => {
    expect(countFakeTokens("  hello,   world \n again ")).toBe(3);
    expect(countFakeTokens("")).toBe(0);
  });
});
