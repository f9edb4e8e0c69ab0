import { describe, expect, it } from "vitest";
import { mediaErrorMessage } from "./media-errors.ts";

function refused(name: string): DOMException {
  return new DOMException("getUserMedia failed", name);
}

describe("why the camera and microphone did not start, in plain words", () => {
  it.each([
    [
      "NotAllowedError",
      "Your browser blocked the camera and microphone. Allow them in the address bar, then press Try again.",
    ],
    [
      "PermissionDeniedError",
      "Your browser blocked the camera and microphone. Allow them in the address bar, then press Try again.",
    ],
    ["NotFoundError", "We couldn't find a camera or microphone. Connect one, then press Try again."],
    ["DevicesNotFoundError", "We couldn't find a camera or microphone. Connect one, then press Try again."],
    [
      "NotReadableError",
      "Your camera or microphone is in use by another app, or it stopped working. Close the other app, then press Try again.",
    ],
    [
      "AbortError",
      "Your camera or microphone is in use by another app, or it stopped working. Close the other app, then press Try again.",
    ],
    [
      "OverconstrainedError",
      "Your camera or microphone can't be used for a call. Choose another one, then press Try again.",
    ],
    [
      "SecurityError",
      "Camera and microphone are turned off for this site in your browser's settings. Turn them on, then press Try again.",
    ],
  ])("%s", (name, sentence) => {
    expect(mediaErrorMessage(refused(name))).toBe(sentence);
  });

  it("says the browser cannot use a camera here when it has no mediaDevices (an insecure page)", () => {
    expect(mediaErrorMessage(new TypeError("navigator.mediaDevices is unavailable"))).toBe(
      "This browser can't use a camera here. Open the session in an up-to-date browser to join the call.",
    );
  });

  it("gives a plain retry sentence for anything else, never the browser's own text", () => {
    for (const error of [refused("SomethingNewError"), new Error("boom"), "a string", null, undefined, { name: 42 }]) {
      expect(mediaErrorMessage(error)).toBe("We couldn't start your camera and microphone. Press Try again.");
    }
  });

  it("does not mistake an inherited property name for a known failure", () => {
    expect(mediaErrorMessage({ name: "toString" })).toBe(
      "We couldn't start your camera and microphone. Press Try again.",
    );
  });
});
