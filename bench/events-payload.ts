// The event the fan-out benchmark sends: a real `requests.board` "created" card (it must pass
// the topic's schema), numbered through its request id so receivers can match it to its
// commit time.
export const BOARD_TOPIC = "requests.board";
export const BOARD_SCOPE = "board";

export function boardCreated(seq: number) {
  return {
    kind: "created" as const,
    card: {
      requestId: `00000000-0000-4000-8000-${seq.toString(16).padStart(12, "0")}`,
      createdAt: new Date().toISOString(),
      customerName: "Bench Customer",
      vehicle: { make: "Toyota", model: "Corolla", year: 2018 },
      concern: "Grinding noise from the front brakes when slowing down, worse in the morning.",
      urgency: "normal" as const,
      sessionType: "chat" as const,
      plan: "standard" as const,
      unattended: false,
    },
  };
}

export function seqOfRequestId(requestId: string): number {
  return Number.parseInt(requestId.slice(24), 16);
}
