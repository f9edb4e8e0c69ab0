// Why the camera and microphone could not start, in words a customer or mechanic can act on.
// getUserMedia rejects with a DOMException whose name says what went wrong (the older Chrome
// names in brackets are what some browsers still say).

const byName: Record<string, string> = {
  NotAllowedError:
    "Your browser blocked the camera and microphone. Allow them in the address bar, then press Try again.",
  PermissionDeniedError:
    "Your browser blocked the camera and microphone. Allow them in the address bar, then press Try again.",
  NotFoundError: "We couldn't find a camera or microphone. Connect one, then press Try again.",
  DevicesNotFoundError: "We couldn't find a camera or microphone. Connect one, then press Try again.",
  NotReadableError:
    "Your camera or microphone is in use by another app, or it stopped working. Close the other app, then press Try again.",
  TrackStartError:
    "Your camera or microphone is in use by another app, or it stopped working. Close the other app, then press Try again.",
  AbortError:
    "Your camera or microphone is in use by another app, or it stopped working. Close the other app, then press Try again.",
  OverconstrainedError: "Your camera or microphone can't be used for a call. Choose another one, then press Try again.",
  SecurityError:
    "Camera and microphone are turned off for this site in your browser's settings. Turn them on, then press Try again.",
};

const noMediaDevices =
  "This browser can't use a camera here. Open the session in an up-to-date browser to join the call.";
const otherFailure = "We couldn't start your camera and microphone. Press Try again.";

/** The plain sentence for a getUserMedia failure (or a browser without navigator.mediaDevices). */
export function mediaErrorMessage(error: unknown): string {
  const name =
    typeof error === "object" && error !== null && "name" in error ? (error as { name: unknown }).name : null;
  if (typeof name === "string" && Object.hasOwn(byName, name)) return byName[name]!;
  if (name === "TypeError") return noMediaDevices;
  return otherFailure;
}

/** Local camera and microphone; a browser without them (an insecure page) fails like getUserMedia does. */
export function openCameraAndMicrophone(): Promise<MediaStream> {
  if (typeof navigator === "undefined" || !navigator.mediaDevices?.getUserMedia) {
    return Promise.reject(new TypeError("navigator.mediaDevices is unavailable"));
  }
  return navigator.mediaDevices.getUserMedia({ audio: true, video: true });
}
