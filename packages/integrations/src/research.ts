// The optional research task service: given a business, it starts a background research task
// (market, competitors, website summary). Onboarding asks it once per business; when it is not
// configured or not reachable, onboarding marks the research step skipped and carries on.
export interface ResearchConfig {
  /** Base URL of the service, e.g. http://research.internal:8080. */
  baseUrl: string;
  timeoutMs?: number;
}

export interface ResearchTaskRequest {
  /** Sent as Idempotency-Key: asking twice for one onboarding yields one task. */
  reference: string;
  businessName: string;
  industry: string;
  website: string | null;
}

export class ResearchServiceError extends Error {
  constructor(
    message: string,
    readonly status: number | null,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = "ResearchServiceError";
  }
}

export interface ResearchClient {
  startTask(request: ResearchTaskRequest): Promise<{ taskId: string }>;
}

export function createResearchClient(config: ResearchConfig): ResearchClient {
  const timeoutMs = config.timeoutMs ?? 5000;
  return {
    async startTask(request) {
      let response: Response;
      try {
        response = await fetch(new URL("/tasks", config.baseUrl), {
          method: "POST",
          headers: { "content-type": "application/json", "idempotency-key": request.reference },
          body: JSON.stringify({
            kind: "business_research",
            business: { name: request.businessName, industry: request.industry, website: request.website },
          }),
          signal: AbortSignal.timeout(timeoutMs),
        });
      } catch (error) {
        const reason =
          error instanceof Error && error.name === "TimeoutError" ? "did not answer in time" : "is not reachable";
        throw new ResearchServiceError(`the research service ${reason}`, null, { cause: error });
      }
      if (!response.ok) {
        throw new ResearchServiceError(`the research service answered ${response.status}`, response.status);
      }
      const body = (await response.json().catch(() => null)) as { id?: unknown } | null;
      if (!body || typeof body.id !== "string") {
        throw new ResearchServiceError("the research service answered without a task id", response.status);
      }
      return { taskId: body.id };
    },
  };
}
