// For tests: the one factory for the Services object (src/services.ts) a test builds once and
// hands to createContext with each connection. Silent unless the test passes its own logger.
import pino from "pino";
import type { Services } from "../src/services.ts";

export const silentLog = pino({ level: "silent" });

export function testServices(services: Omit<Services, "log"> & { log?: Services["log"] | undefined }): Services {
  return { ...services, log: services.log ?? silentLog };
}
