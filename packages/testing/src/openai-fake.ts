// A local HTTP server speaking the slice of OpenAI's REST API that Switchboard uses: chat
// completions (JSON and `text/event-stream` chunks, usage accounting, `response_format`
// json_schema) and embeddings (float or base64 float32, `dimensions`), with OpenAI's error
// envelopes. The real `openai` SDK is pointed at it by base URL (`fake.baseURL`, i.e.
// `fake.url + "/v1"`); tests decide what the model answers and can make OpenAI fail, stall or
// cut a stream mid-way.
//
// Determinism: a "token" is a whitespace-separated word (`countFakeTokens`). Prompt tokens are
// the words of every message's text; completion tokens are the words of the reply. Streamed
// content is split into word-ish pieces (each word with its leading whitespace), which joined
// give back the reply exactly. Embeddings are hashed bags of words (lowercased, a few stop words
// dropped, a trailing plural "s" stripped), L2-normalized, so texts sharing words are closer.
import { randomBytes } from "node:crypto";
import {
  createServer,
  type IncomingHttpHeaders,
  type IncomingMessage,
  type Server,
  type ServerResponse,
} from "node:http";
import type { AddressInfo } from "node:net";

interface FakeChatContentPart {
  type: string;
  text?: string;
  [key: string]: unknown;
}

export interface FakeChatMessage {
  role: string;
  content?: string | FakeChatContentPart[] | null;
  name?: string;
  [key: string]: unknown;
}

interface FakeJsonSchemaFormat {
  name: string;
  description?: string;
  schema?: Record<string, unknown>;
  strict?: boolean | null;
}

/** The body of a POST /v1/chat/completions, as the SDK sent it. */
export interface FakeChatRequest {
  model: string;
  messages: FakeChatMessage[];
  stream?: boolean | null;
  stream_options?: { include_usage?: boolean } | null;
  temperature?: number | null;
  max_tokens?: number | null;
  max_completion_tokens?: number | null;
  response_format?: { type: "text" | "json_object" | "json_schema"; json_schema?: FakeJsonSchemaFormat };
  [key: string]: unknown;
}

/** The body of a POST /v1/embeddings, as the SDK sent it. */
export interface FakeEmbeddingsRequest {
  model: string;
  input: string | string[] | number[] | number[][];
  dimensions?: number;
  encoding_format?: "float" | "base64";
  [key: string]: unknown;
}

export interface OpenAIFakeRequest {
  method: string;
  /** Path without the query string, e.g. "/v1/chat/completions". */
  path: string;
  /** The raw Authorization header, e.g. "Bearer sk-test". */
  authorization: string | undefined;
  headers: IncomingHttpHeaders;
  /** The parsed JSON body (null when there was none or it was not JSON). */
  body: Record<string, unknown> | null;
}

/** What the fake model answers to one chat completion request. */
export interface OpenAIFakeReply {
  /** The assistant message text. */
  content?: string;
  /** Convenience for structured outputs: `JSON.stringify(json)` becomes the content. */
  json?: unknown;
  /** Defaults to "stop" ("length" when max_tokens / max_completion_tokens cut the reply). */
  finishReason?: "stop" | "length" | "content_filter";
  /** Override the computed token counts. */
  usage?: { promptTokens?: number; completionTokens?: number };
  /** Wait this long before sending anything (response headers included): provokes SDK timeouts. */
  delayMs?: number;
  /** Spacing between streamed content chunks for this reply (default: `fake.tokenDelayMs`). */
  tokenDelayMs?: number;
  /** Streaming: send the role chunk and this many content chunks, then destroy the socket.
   *  Non-streaming: destroy the socket without answering. */
  cutAfterChunks?: number;
  /** Streaming: send the role chunk and this many content chunks, then go silent with the
   *  connection open (until the client gives up or the fake closes). */
  stallAfterChunks?: number;
}

export type OpenAIFakeReplyScript =
  | string
  | OpenAIFakeReply
  | ((request: FakeChatRequest) => string | OpenAIFakeReply | Promise<string | OpenAIFakeReply>);

export interface OpenAIFakeError {
  /** OpenAI's error type, e.g. "requests", "invalid_request_error", "server_error". */
  type?: string;
  /** OpenAI's error code, e.g. "rate_limit_exceeded", "invalid_api_key"; null when absent. */
  code?: string | null;
  message?: string;
  param?: string | null;
  /** Extra response headers, e.g. { "retry-after-ms": "10" } to make SDK retries quick. */
  headers?: Record<string, string>;
  /** Only fail requests to this endpoint (default: any endpoint). */
  endpoint?: "chat.completions" | "embeddings";
}

export interface OpenAIFakeOptions {
  /** When set, only `Authorization: Bearer <apiKey>` is accepted (otherwise any non-empty key). */
  apiKey?: string;
  /** Initial `fake.tokenDelayMs`. Default 20. */
  tokenDelayMs?: number;
  /** Embedding size when the request has no `dimensions`. Default 256. */
  defaultDimensions?: number;
}

export interface OpenAIFake {
  /** The server's origin, e.g. "http://127.0.0.1:1234". */
  url: string;
  /** `url + "/v1"`: the SDK's `baseURL` / OPENAI_BASE_URL. */
  baseURL: string;
  /** Every request received, in order (including rejected ones). */
  requests: OpenAIFakeRequest[];
  /** The bodies of the chat completion requests, in order. */
  readonly chatRequests: FakeChatRequest[];
  /** The bodies of the embeddings requests, in order. */
  readonly embeddingRequests: FakeEmbeddingsRequest[];
  /** Milliseconds between streamed content chunks. Mutable. */
  tokenDelayMs: number;
  /** The reply to every chat completion from now on (replaces the default echo
   *  "You said: <last user message>"). */
  reply(script: OpenAIFakeReplyScript): void;
  /** Queue one-shot replies, used (in order) before the default reply. */
  replyOnce(...scripts: OpenAIFakeReplyScript[]): void;
  /** The next `count` API requests answer with this HTTP status and OpenAI's error envelope
   *  `{ error: { message, type, param, code } }`. Defaults follow the status (429
   *  rate_limit_exceeded, 401 invalid_api_key, 500/503 server_error...). */
  failNext(count: number, status: number, error?: OpenAIFakeError): void;
  /** The next `count` API requests never answer (until the client gives up or the fake closes). */
  stallNext(count?: number): void;
  /** Forget recorded requests, scripted replies, failures and stalls; restore the default echo. */
  reset(): void;
  close(): Promise<void>;
}

const FINGERPRINT = "fp_switchboard_fake";

/** The fake's token count: whitespace-separated words. */
export function countFakeTokens(text: string): number {
  return text.split(/\s+/).filter(Boolean).length;
}

/** The text of a chat message's content (string or text parts). */
export function fakeMessageText(message: FakeChatMessage): string {
  const { content } = message;
  if (typeof content === "string") return content;
  if (!Array.isArray(content)) return "";
  return content
    .map((part) => (typeof part.text === "string" ? part.text : ""))
    .filter(Boolean)
    .join("\n");
}

/** The fake's default reply to a chat request. */
export function fakeEcho(request: FakeChatRequest): string {
  const lastUser = [...request.messages].reverse().find((message) => message.role === "user");
  return `You said: ${lastUser ? fakeMessageText(lastUser) : ""}`;
}

const STOP_WORDS = new Set(
  "a an and are as at be by for from has have i in is it its of on or that the this to was were will with you your".split(
    " ",
  ),
);

function embeddingWords(text: string): string[] {
  const words = text.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? [];
  return words
    .filter((word) => !STOP_WORDS.has(word))
    .map((word) => (word.length > 3 && word.endsWith("s") && !word.endsWith("ss") ? word.slice(0, -1) : word));
}

function fnv1a(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return hash >>> 0;
}

/** The fake's embedding of `text`: a hashed, signed bag of words, L2-normalized, float32 values. */
export function fakeEmbedding(text: string, dimensions = 256): number[] {
  const vector = new Array<number>(dimensions).fill(0);
  const words = embeddingWords(text);
  for (const word of words.length ? words : ["\u0000empty"]) {
    const hash = fnv1a(word);
    const sign = fnv1a(`${word}\u0000sign`) & 1 ? 1 : -1;
    vector[hash % dimensions]! += sign;
  }
  const norm = Math.hypot(...vector) || 1;
  return vector.map((value) => Math.fround(value / norm));
}

function toBase64Float32(values: number[]): string {
  return Buffer.from(new Float32Array(values).buffer).toString("base64");
}

/** Split content into word-ish pieces (each word with its leading whitespace); joined, they give the content back. */
function streamPieces(content: string): string[] {
  return content.match(/\s*\S+|\s+/g) ?? [];
}

/** Keep at most `max` words of `content` (with their original spacing). */
function truncateTokens(content: string, max: number): string {
  const words = content.match(/\s*\S+/g) ?? [];
  return words.slice(0, max).join("");
}

/** A minimal instance of a JSON schema: the reply to a json_schema request the test did not script. */
function schemaInstance(schema: unknown, root: Record<string, unknown>, text: string, depth = 0): unknown {
  if (!schema || typeof schema !== "object" || depth > 8) return null;
  const s = schema as Record<string, unknown>;
  if (typeof s.$ref === "string") {
    const target = s.$ref
      .replace(/^#\/?/, "")
      .split("/")
      .filter(Boolean)
      .reduce<unknown>((node, key) => (node as Record<string, unknown> | undefined)?.[key], root);
    return schemaInstance(target, root, text, depth + 1);
  }
  if ("const" in s) return s.const;
  if (Array.isArray(s.enum)) return s.enum[0] ?? null;
  for (const key of ["anyOf", "oneOf", "allOf"]) {
    const options = s[key];
    if (Array.isArray(options) && options.length) return schemaInstance(options[0], root, text, depth + 1);
  }
  const type = Array.isArray(s.type) ? s.type.find((t) => t !== "null") : s.type;
  switch (type) {
    case "object": {
      const properties = (s.properties ?? {}) as Record<string, unknown>;
      const out: Record<string, unknown> = {};
      for (const [key, value] of Object.entries(properties)) out[key] = schemaInstance(value, root, text, depth + 1);
      return out;
    }
    case "array":
      return [];
    case "string":
      switch (s.format) {
        case "date-time":
          return "1970-01-01T00:00:00Z";
        case "date":
          return "1970-01-01";
        case "email":
          return "user@example.com";
        case "uuid":
          return "00000000-0000-4000-8000-000000000000";
        case "uri":
          return "https://example.com/";
        default:
          return text;
      }
    case "number":
    case "integer":
      return typeof s.minimum === "number" ? s.minimum : 0;
    case "boolean":
      return false;
    default:
      return null;
  }
}

function defaultErrorFor(status: number): Required<Pick<OpenAIFakeError, "type" | "code" | "message">> {
  switch (status) {
    case 400:
      return { type: "invalid_request_error", code: null, message: "Bad request." };
    case 401:
      return { type: "invalid_request_error", code: "invalid_api_key", message: "Incorrect API key provided." };
    case 403:
      return { type: "invalid_request_error", code: "unsupported_country_region_territory", message: "Forbidden." };
    case 404:
      return { type: "invalid_request_error", code: "model_not_found", message: "The model does not exist." };
    case 429:
      return {
        type: "requests",
        code: "rate_limit_exceeded",
        message: "Rate limit reached for requests. Please try again in 20ms.",
      };
    case 503:
      return {
        type: "server_error",
        code: null,
        message: "The engine is currently overloaded, please try again later.",
      };
    default:
      return status >= 500
        ? {
            type: "server_error",
            code: null,
            message: "The server had an error while processing your request. Sorry about that!",
          }
        : { type: "invalid_request_error", code: null, message: `Request failed with status ${status}.` };
  }
}

function requestId(): string {
  return `req_${randomBytes(16).toString("hex")}`;
}

function send(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) {
  if (res.headersSent || res.destroyed) return;
  res.writeHead(status, {
    "content-type": "application/json",
    "x-request-id": requestId(),
    "openai-version": "2020-10-01",
    "openai-processing-ms": "1",
    ...headers,
  });
  res.end(JSON.stringify(body));
}

function sendError(
  res: ServerResponse,
  status: number,
  error: { message: string; type: string; param?: string | null; code?: string | null },
  headers: Record<string, string> = {},
) {
  send(
    res,
    status,
    { error: { message: error.message, type: error.type, param: error.param ?? null, code: error.code ?? null } },
    headers,
  );
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export async function startOpenAIFake(options: OpenAIFakeOptions = {}): Promise<OpenAIFake> {
  const requests: OpenAIFakeRequest[] = [];
  const failures: { status: number; error: OpenAIFakeError }[] = [];
  const onceReplies: OpenAIFakeReplyScript[] = [];
  let defaultReply: OpenAIFakeReplyScript = fakeEcho;
  let stalls = 0;
  const defaultDimensions = options.defaultDimensions ?? 256;

  /** Resolves when the client connection for `res` goes away (or the fake closes). */
  const closed = (res: ServerResponse) =>
    new Promise<void>((resolve) => {
      if (res.destroyed || res.socket?.destroyed) return resolve();
      res.once("close", () => resolve());
    });

  const write = (res: ServerResponse, data: string) =>
    new Promise<void>((resolve) => {
      if (res.destroyed) return resolve();
      res.write(data, () => resolve());
    });

  /** The scripted reply, or null when nothing is scripted (the default echo applies). */
  const resolveReply = async (request: FakeChatRequest): Promise<OpenAIFakeReply | null> => {
    const script = onceReplies.shift() ?? defaultReply;
    if (script === fakeEcho) return null;
    const value = typeof script === "function" ? await script(request) : script;
    return typeof value === "string" ? { content: value } : value;
  };

  const chatCompletion = async (req: IncomingMessage, res: ServerResponse, body: FakeChatRequest) => {
    if (typeof body.model !== "string" || !body.model) {
      return sendError(res, 400, {
        type: "invalid_request_error",
        message: "you must provide a model parameter",
        param: null,
        code: null,
      });
    }
    if (!Array.isArray(body.messages) || body.messages.length === 0) {
      return sendError(res, 400, {
        type: "invalid_request_error",
        message: "Missing required parameter: 'messages'.",
        param: "messages",
        code: "missing_required_parameter",
      });
    }
    const format = body.response_format;
    let reply = (await resolveReply(body)) ?? {};
    if (reply.content === undefined && reply.json === undefined) {
      // Unscripted: echo the last user message; for structured outputs, a minimal instance of the
      // requested schema (strings echo), for JSON mode `{ "reply": <echo> }`.
      if (format?.type === "json_schema") {
        const schema = format.json_schema?.schema ?? {};
        reply = { ...reply, json: schemaInstance(schema, schema, fakeEcho(body)) };
      } else if (format?.type === "json_object") {
        reply = { ...reply, json: { reply: fakeEcho(body) } };
      }
    }
    let content = reply.json !== undefined ? JSON.stringify(reply.json) : (reply.content ?? fakeEcho(body));
    let finishReason = reply.finishReason ?? "stop";
    const maxTokens = body.max_completion_tokens ?? body.max_tokens;
    if (typeof maxTokens === "number" && countFakeTokens(content) > maxTokens) {
      content = truncateTokens(content, maxTokens);
      finishReason = "length";
    }
    const promptTokens =
      reply.usage?.promptTokens ??
      body.messages.reduce((sum, message) => sum + countFakeTokens(fakeMessageText(message)), 0);
    const completionTokens = reply.usage?.completionTokens ?? countFakeTokens(content);
    const usage = {
      prompt_tokens: promptTokens,
      completion_tokens: completionTokens,
      total_tokens: promptTokens + completionTokens,
      prompt_tokens_details: { cached_tokens: 0, audio_tokens: 0 },
      completion_tokens_details: {
        reasoning_tokens: 0,
        audio_tokens: 0,
        accepted_prediction_tokens: 0,
        rejected_prediction_tokens: 0,
      },
    };
    const id = `chatcmpl-${randomBytes(12).toString("hex")}`;
    const created = Math.floor(Date.now() / 1000);

    if (reply.delayMs) {
      await Promise.race([sleep(reply.delayMs), closed(res)]);
      if (res.destroyed) return;
    }

    if (!body.stream) {
      if (reply.cutAfterChunks !== undefined) return void req.socket.destroy();
      if (reply.stallAfterChunks !== undefined) return closed(res);
      return send(res, 200, {
        id,
        object: "chat.completion",
        created,
        model: body.model,
        choices: [
          {
            index: 0,
            message: { role: "assistant", content, refusal: null, annotations: [] },
            logprobs: null,
            finish_reason: finishReason,
          },
        ],
        usage,
        service_tier: "default",
        system_fingerprint: FINGERPRINT,
      });
    }

    res.writeHead(200, {
      "content-type": "text/event-stream; charset=utf-8",
      "cache-control": "no-cache",
      connection: "keep-alive",
      "x-request-id": requestId(),
      "openai-version": "2020-10-01",
      "openai-processing-ms": "1",
    });
    const includeUsage = body.stream_options?.include_usage === true;
    const base = {
      id,
      object: "chat.completion.chunk",
      created,
      model: body.model,
      service_tier: "default",
      system_fingerprint: FINGERPRINT,
    };
    const chunk = (delta: Record<string, unknown>, finish: string | null) => ({
      ...base,
      choices: [{ index: 0, delta, logprobs: null, finish_reason: finish }],
      ...(includeUsage ? { usage: null } : {}),
    });
    const event = (data: unknown) => write(res, `data: ${JSON.stringify(data)}\n\n`);
    const tokenDelay = reply.tokenDelayMs ?? fake.tokenDelayMs;

    await event(chunk({ role: "assistant", content: "", refusal: null }, null));
    const pieces = streamPieces(content);
    for (let i = 0; i <= pieces.length; i++) {
      if (reply.cutAfterChunks === i) return void res.socket?.destroy();
      if (reply.stallAfterChunks === i) return closed(res);
      if (i === pieces.length) break;
      if (tokenDelay > 0) await sleep(tokenDelay);
      if (res.destroyed) return;
      await event(chunk({ content: pieces[i] }, null));
    }
    await event(chunk({}, finishReason));
    if (includeUsage) await event({ ...base, choices: [], usage });
    await write(res, "data: [DONE]\n\n");
    res.end();
  };

  const embeddings = (res: ServerResponse, body: FakeEmbeddingsRequest) => {
    if (typeof body.model !== "string" || !body.model) {
      return sendError(res, 400, {
        type: "invalid_request_error",
        message: "you must provide a model parameter",
      });
    }
    const input = body.input;
    let texts: string[];
    if (typeof input === "string") texts = [input];
    else if (Array.isArray(input) && input.every((item) => typeof item === "string")) texts = input as string[];
    else if (Array.isArray(input) && input.every((item) => typeof item === "number")) texts = [input.join(" ")];
    else if (Array.isArray(input) && input.every((item) => Array.isArray(item))) {
      texts = (input as number[][]).map((tokens) => tokens.join(" "));
    } else {
      return sendError(res, 400, {
        type: "invalid_request_error",
        message: "'input' must be a string, an array of strings or an array of token arrays.",
        param: "input",
      });
    }
    if (texts.length === 0 || texts.some((text) => text === "")) {
      return sendError(res, 400, {
        type: "invalid_request_error",
        message:
          "'$.input' is invalid. Please check the API reference: https://platform.openai.com/docs/api-reference.",
        param: null,
      });
    }
    const dimensions = body.dimensions ?? defaultDimensions;
    if (!Number.isInteger(dimensions) || dimensions < 1) {
      return sendError(res, 400, {
        type: "invalid_request_error",
        message: `Invalid value for 'dimensions' = ${dimensions}. Must be a positive integer.`,
        param: "dimensions",
      });
    }
    const base64 = body.encoding_format === "base64";
    const promptTokens = texts.reduce((sum, text) => sum + countFakeTokens(text), 0);
    return send(res, 200, {
      object: "list",
      data: texts.map((text, index) => {
        const vector = fakeEmbedding(text, dimensions);
        return { object: "embedding", index, embedding: base64 ? toBase64Float32(vector) : vector };
      }),
      model: body.model,
      usage: { prompt_tokens: promptTokens, total_tokens: promptTokens },
    });
  };

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const raw = Buffer.concat(chunks).toString("utf8");
    const path = (req.url ?? "/").split("?")[0]!;
    const method = req.method ?? "GET";
    let body: Record<string, unknown> | null = null;
    let invalidJson = false;
    if (raw) {
      try {
        const parsed: unknown = JSON.parse(raw);
        body =
          parsed && typeof parsed === "object" && !Array.isArray(parsed) ? (parsed as Record<string, unknown>) : null;
        invalidJson = body === null;
      } catch {
        invalidJson = true;
      }
    }
    const authorization = req.headers.authorization;
    requests.push({ method, path, authorization, headers: req.headers, body });

    const key = /^Bearer\s+(.+)$/i.exec(authorization ?? "")?.[1]?.trim();
    if (!key) {
      return sendError(res, 401, {
        type: "invalid_request_error",
        code: "invalid_api_key",
        message:
          "You didn't provide an API key. You need to provide your API key in an Authorization header using Bearer auth (i.e. Authorization: Bearer YOUR_KEY).",
      });
    }
    if (options.apiKey !== undefined && key !== options.apiKey) {
      return sendError(res, 401, {
        type: "invalid_request_error",
        code: "invalid_api_key",
        message: `Incorrect API key provided: ${key.slice(0, 3)}***${key.slice(-4)}. You can find your API key at https://platform.openai.com/account/api-keys.`,
      });
    }
    if (stalls > 0) {
      stalls--;
      return closed(res);
    }
    const endpoint =
      path === "/v1/chat/completions" ? "chat.completions" : path === "/v1/embeddings" ? "embeddings" : undefined;
    const failureIndex = failures.findIndex((f) => !f.error.endpoint || f.error.endpoint === endpoint);
    if (failureIndex >= 0) {
      const [failure] = failures.splice(failureIndex, 1);
      const defaults = defaultErrorFor(failure!.status);
      return sendError(
        res,
        failure!.status,
        {
          type: failure!.error.type ?? defaults.type,
          code: failure!.error.code === undefined ? defaults.code : failure!.error.code,
          message: failure!.error.message ?? defaults.message,
          param: failure!.error.param ?? null,
        },
        failure!.error.headers,
      );
    }

    if (method === "POST" && endpoint && (invalidJson || !body)) {
      return sendError(res, 400, {
        type: "invalid_request_error",
        message:
          "We could not parse the JSON body of your request. (HINT: This likely means you aren't using your HTTP library correctly.)",
      });
    }
    if (method === "POST" && endpoint === "chat.completions") {
      return chatCompletion(req, res, body as FakeChatRequest);
    }
    if (method === "POST" && endpoint === "embeddings") return embeddings(res, body as FakeEmbeddingsRequest);
    if (method === "GET" && path === "/v1/models") {
      const models = ["gpt-4o-mini", "gpt-4o", "text-embedding-3-small", "text-embedding-3-large"];
      return send(res, 200, {
        object: "list",
        data: models.map((id) => ({ id, object: "model", created: 1_700_000_000, owned_by: "system" })),
      });
    }
    return sendError(res, 404, {
      type: "invalid_request_error",
      message: `Invalid URL (${method} ${path})`,
    });
  };

  const server: Server = createServer((req, res) => {
    handle(req, res).catch((error) => {
      if (res.headersSent) res.destroy();
      else sendError(res, 500, { type: "server_error", message: String(error) });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  const url = `http://127.0.0.1:${port}`;

  const bodiesAt = <T>(path: string) =>
    requests.filter((r) => r.method === "POST" && r.path === path && r.body).map((r) => r.body as T);

  const fake: OpenAIFake = {
    url,
    baseURL: `${url}/v1`,
    requests,
    get chatRequests() {
      return bodiesAt<FakeChatRequest>("/v1/chat/completions");
    },
    get embeddingRequests() {
      return bodiesAt<FakeEmbeddingsRequest>("/v1/embeddings");
    },
    tokenDelayMs: options.tokenDelayMs ?? 20,
    reply(script) {
      defaultReply = script;
    },
    replyOnce(...scripts) {
      onceReplies.push(...scripts);
    },
    failNext(count, status, error = {}) {
      for (let i = 0; i < count; i++) failures.push({ status, error });
    },
    stallNext(count = 1) {
      stalls += count;
    },
    reset() {
      requests.length = 0;
      failures.length = 0;
      onceReplies.length = 0;
      stalls = 0;
      defaultReply = fakeEcho;
      fake.tokenDelayMs = options.tokenDelayMs ?? 20;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
  return fake;
}
