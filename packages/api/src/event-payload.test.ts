// The rule for dates on the wire (event-payload.ts), held by the compiler: `pnpm typecheck` fails
// naming the procedure and field when a query or mutation returns an instant as a string, or
// when a live event's payload would hold a Date.
import type { AnyMutationProcedure, AnyQueryProcedure, inferProcedureOutput } from "@trpc/server";
import { describe, expect, expectTypeOf, it } from "vitest";
import { type EventForm, eventFormOf } from "./event-payload.ts";
import type { AppTopics } from "./live-events.ts";
import type { AppRouter } from "./root.ts";

type Deeper = [never, 0, 1, 2, 3, 4, 5, 6, 7, 8];

/** "path.to.field" for every field named *At whose value (null aside) is a string, to a depth of 8. */
type StringInstants<T, Path extends string, Depth extends number = 8> = [Depth] extends [never]
  ? never
  : T extends Date | string | number | boolean | bigint | null | undefined
    ? never
    : T extends readonly (infer Item)[]
      ? StringInstants<Item, `${Path}[]`, Deeper[Depth]>
      : T extends object
        ? {
            [K in keyof T & string]: K extends `${string}At`
              ? [Exclude<T[K], null | undefined>] extends [string]
                ? `${Path}.${K}`
                : StringInstants<T[K], `${Path}.${K}`, Deeper[Depth]>
              : StringInstants<T[K], `${Path}.${K}`, Deeper[Depth]>;
          }[keyof T & string]
        : never;

/** The offending fields of every query's and mutation's output, as "router.procedure.path.field". */
type ProcedureStringInstants<Record, Path extends string = ""> = {
  [K in keyof Record & string]: Record[K] extends AnyQueryProcedure | AnyMutationProcedure
    ? StringInstants<inferProcedureOutput<Record[K]>, `${Path}${K}`>
    : Record[K] extends { _def: unknown } // a subscription: what it yields are live events
      ? never
      : ProcedureStringInstants<Record[K], `${Path}${K}.`>;
}[keyof Record & string];

type AppPayload = { [K in keyof AppTopics]: import("zod").output<AppTopics[K]> }[keyof AppTopics];

describe("dates on the wire", () => {
  it("every query and mutation returns its instants as Date, never as a string", () => {
    // A violation fails typecheck here, naming it: `"organizations.x.createdAt"` is not assignable to `never`.
    const offenders: never = undefined as unknown as ProcedureStringInstants<AppRouter["_def"]["record"]>;
    expect(offenders).toBeUndefined();
    // The check finds a string instant where there is one.
    expectTypeOf<
      StringInstants<{ list: { createdAt: string; at: Date }[] }, "p">
    >().toEqualTypeOf<"p.list[].createdAt">();
  });

  it("every live event payload is plain JSON: instants as ISO strings, no Date", () => {
    expectTypeOf<EventForm<AppPayload>>().toEqualTypeOf<AppPayload>();
  });

  it("turns every Date of a view, at any depth, into its ISO string and leaves the rest alone", () => {
    const at = new Date("2026-03-01T09:30:00.000Z");
    const view = {
      id: "a",
      day: "2026-03-01",
      createdAt: at,
      completedAt: null,
      steps: [{ startedAt: at, attempts: 2 }],
      apiKey: { revealExpiresAt: at, revealed: false },
    };
    expect(eventFormOf(view)).toEqual({
      id: "a",
      day: "2026-03-01",
      createdAt: "2026-03-01T09:30:00.000Z",
      completedAt: null,
      steps: [{ startedAt: "2026-03-01T09:30:00.000Z", attempts: 2 }],
      apiKey: { revealExpiresAt: "2026-03-01T09:30:00.000Z", revealed: false },
    });
  });
});
