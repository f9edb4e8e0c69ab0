// A local HTTP server speaking the slice of Stripe's REST API that Switchboard uses: Checkout
// Sessions (create, retrieve), with Stripe's form-encoded requests, JSON objects and error
// envelopes. The real `stripe` SDK is pointed at it by base URL (STRIPE_API_BASE); tests decide
// what the customer did (paid or not) and can make Stripe fail or stall.
import { randomBytes } from "node:crypto";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { signStripeWebhook } from "./stripe-signature.ts";

export interface FakeCheckoutSession {
  id: string;
  object: "checkout.session";
  mode: "payment";
  status: "open" | "complete" | "expired";
  payment_status: "unpaid" | "paid";
  url: string;
  success_url: string | null;
  cancel_url: string | null;
  client_reference_id: string | null;
  customer_email: string | null;
  metadata: Record<string, string>;
  amount_total: number;
  currency: string;
  created: number;
  livemode: false;
}

export interface StripeFake {
  /** Base URL for STRIPE_API_BASE / createStripeClient({ apiBase }). */
  url: string;
  sessions: Map<string, FakeCheckoutSession>;
  /** Every request the SDK made: method and path. */
  requests: { method: string; path: string; idempotencyKey: string | undefined }[];
  /** The customer finished paying on Stripe's page. */
  pay(checkoutSessionId: string): FakeCheckoutSession;
  /** The next `count` API calls answer with this HTTP status and a Stripe error envelope. */
  failNext(count: number, status: number, error?: { type: string; code?: string; message?: string }): void;
  /** Requests from now on wait (the server "hangs") until the returned release is called. */
  hold(): () => void;
  /** How many requests are waiting on a hold. */
  readonly held: number;
  /** The webhook delivery Stripe would send for a completed checkout, signed with `secret`. */
  completedEvent(checkoutSessionId: string, secret: string): { id: string; payload: string; signature: string };
  close(): Promise<void>;
}

function parseForm(body: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, value] of new URLSearchParams(body)) out[key] = value;
  return out;
}

function send(res: ServerResponse, status: number, body: unknown) {
  res.writeHead(status, { "content-type": "application/json", "request-id": `req_${randomBytes(6).toString("hex")}` });
  res.end(JSON.stringify(body));
}

export async function startStripeFake(): Promise<StripeFake> {
  const sessions = new Map<string, FakeCheckoutSession>();
  const requests: StripeFake["requests"] = [];
  const failures: { status: number; error: { type: string; code?: string; message?: string } }[] = [];
  let hold: Promise<void> | null = null;
  let heldCount = 0;

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const body = Buffer.concat(chunks).toString("utf8");
    const path = (req.url ?? "/").split("?")[0]!;
    requests.push({ method: req.method ?? "GET", path, idempotencyKey: req.headers["idempotency-key"] as string });
    if (!String(req.headers.authorization ?? "").startsWith("Bearer sk_")) {
      return send(res, 401, { error: { type: "invalid_request_error", message: "Invalid API Key provided." } });
    }
    if (hold) {
      heldCount++;
      await hold;
      heldCount--;
    }
    const failure = failures.shift();
    if (failure) return send(res, failure.status, { error: failure.error });

    if (req.method === "POST" && path === "/v1/checkout/sessions") {
      const form = parseForm(body);
      const id = `cs_test_${randomBytes(12).toString("hex")}`;
      const metadata: Record<string, string> = {};
      for (const [key, value] of Object.entries(form)) {
        const match = key.match(/^metadata\[(.+)\]$/);
        if (match) metadata[match[1]!] = value;
      }
      const session: FakeCheckoutSession = {
        id,
        object: "checkout.session",
        mode: "payment",
        status: "open",
        payment_status: "unpaid",
        url: `${fake.url}/pay/${id}`,
        success_url: form.success_url ?? null,
        cancel_url: form.cancel_url ?? null,
        client_reference_id: form.client_reference_id ?? null,
        customer_email: form.customer_email ?? null,
        metadata,
        // What Stripe charges: the price the caller sent, times the quantity.
        amount_total:
          Number(form["line_items[0][price_data][unit_amount]"] ?? 0) * Number(form["line_items[0][quantity]"] ?? 1),
        currency: form["line_items[0][price_data][currency]"] ?? "usd",
        created: Math.floor(Date.now() / 1000),
        livemode: false,
      };
      sessions.set(id, session);
      return send(res, 200, session);
    }
    const retrieve = path.match(/^\/v1\/checkout\/sessions\/([^/]+)$/);
    if (req.method === "GET" && retrieve) {
      const session = sessions.get(decodeURIComponent(retrieve[1]!));
      if (!session) {
        return send(res, 404, {
          error: {
            type: "invalid_request_error",
            code: "resource_missing",
            message: `No such checkout.session: '${retrieve[1]}'`,
            param: "session",
          },
        });
      }
      return send(res, 200, session);
    }
    return send(res, 404, { error: { type: "invalid_request_error", message: `Unrecognized request URL (${path}).` } });
  };

  const server: Server = createServer((req, res) => {
    handle(req, res).catch((error) => send(res, 500, { error: { type: "api_error", message: String(error) } }));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;

  const fake: StripeFake = {
    url: `http://127.0.0.1:${port}`,
    sessions,
    requests,
    pay(checkoutSessionId) {
      const session = sessions.get(checkoutSessionId);
      if (!session) throw new Error(`no checkout session ${checkoutSessionId}`);
      session.status = "complete";
      session.payment_status = "paid";
      return session;
    },
    failNext(count, status, error = { type: "api_error", message: "An unknown error occurred" }) {
      for (let i = 0; i < count; i++) failures.push({ status, error });
    },
    hold() {
      let release = () => {};
      hold = new Promise<void>((resolve) => {
        release = () => {
          hold = null;
          resolve();
        };
      });
      return release;
    },
    get held() {
      return heldCount;
    },
    completedEvent(checkoutSessionId, secret) {
      const session = sessions.get(checkoutSessionId);
      if (!session) throw new Error(`no checkout session ${checkoutSessionId}`);
      const id = `evt_${randomBytes(12).toString("hex")}`;
      const payload = JSON.stringify({
        id,
        object: "event",
        api_version: "2025-01-27.acacia",
        created: Math.floor(Date.now() / 1000),
        type: "checkout.session.completed",
        livemode: false,
        pending_webhooks: 1,
        request: { id: null, idempotency_key: null },
        data: { object: session },
      });
      return { id, payload, signature: signStripeWebhook(payload, secret) };
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
  return fake;
}
