import type { AppRouter } from "@switchboard/api";
import { createTRPCReact } from "@trpc/react-query";

/** The typed React hooks for every procedure of the API. */
export const trpc = createTRPCReact<AppRouter>();
