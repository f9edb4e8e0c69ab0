// OpenAI's failures in plain words, shared by every product that calls the model (agents, coaching).
import { OpenAI } from "@switchboard/integrations";

/** OpenAI's failures in words a website visitor understands. */
export function describeAiFailure(error: unknown): { code: string; message: string } {
  if (error instanceof OpenAI.RateLimitError) {
    return { code: "ai_rate_limited", message: "The assistant is very busy right now. Please try again in a moment." };
  }
  if (error instanceof OpenAI.APIConnectionTimeoutError) {
    return { code: "ai_timeout", message: "The assistant took too long to answer. Please try again." };
  }
  if (error instanceof OpenAI.AuthenticationError || error instanceof OpenAI.PermissionDeniedError) {
    return {
      code: "ai_not_authorized",
      message: "The assistant isn't set up correctly right now. The site owner has been told.",
    };
  }
  if (error instanceof OpenAI.APIConnectionError) {
    return { code: "ai_unreachable", message: "We couldn't reach the assistant. Please try again." };
  }
  if (error instanceof OpenAI.NotFoundError || error instanceof OpenAI.BadRequestError) {
    return {
      code: "ai_rejected",
      message: "The assistant couldn't answer that with its current settings. The site owner has been told.",
    };
  }
  if (error instanceof OpenAI.InternalServerError) {
    return { code: "ai_unavailable", message: "The assistant is having trouble right now. Please try again shortly." };
  }
  return { code: "ai_failed", message: "The assistant couldn't answer just now. Please try again." };
}

/**
 * Every failure of a tenant's own endpoint, in one wording and one stored code: refused, timed
 * out, unknown name, bad certificate, a private address, a redirect, a rejected key or an answer
 * that is not OpenAI's format all read the same, so the address field cannot be used to map
 * which hosts and ports answer inside our network. The detail is only in the log.
 */
export function describeProviderFailure(_error: unknown): { code: string; message: string } {
  return {
    code: "ai_provider_unreachable",
    message: "We couldn't reach this agent's AI provider. Check its address and key.",
  };
}
