// A shared mechanism beside the products (it is in every call's context, trpc.ts), not in sessions/.
// How service sessions are run on this server: how long an accepting mechanic has to join, and
// which ICE servers (STUN/TURN) browsers use for video calls. Parsed once at start from
// SESSION_JOIN_MINUTES and ICE_SERVERS (apps/server/src/env.ts); tests pass their own.
import { z } from "zod";

/** One entry of RTCConfiguration.iceServers, as browsers take it. */
const iceServerSchema = z.strictObject({
  urls: z
    .union([z.string(), z.array(z.string()).min(1).max(8)])
    .refine(
      (urls) =>
        (Array.isArray(urls) ? urls : [urls]).every((url) => /^(stun|stuns|turn|turns):[^\s]{1,250}$/.test(url)),
      "each url must start with stun:, stuns:, turn: or turns:",
    ),
  username: z.string().max(200).optional(),
  credential: z.string().max(200).optional(),
});

/** ICE_SERVERS: a JSON array of RTCIceServer objects (none needed when both browsers share a network). */
export const iceServersSchema = z.array(iceServerSchema).max(10);

type IceServer = z.infer<typeof iceServerSchema>;

export interface ServiceSessionSettings {
  /** An accepting mechanic who has not joined by then releases the request (SESSION_JOIN_MINUTES). */
  joinWithinMs: number;
  /** Handed to the two participants of a video session for their RTCPeerConnection. */
  iceServers: IceServer[];
}

export const DEFAULT_SERVICE_SESSION_SETTINGS: ServiceSessionSettings = { joinWithinMs: 5 * 60_000, iceServers: [] };
