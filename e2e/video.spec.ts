// A video session's call between two browsers: Chromium's fake camera and microphone (a test
// pattern and a tone, playwright.config.ts), WebRTC over loopback with no STUN, the signalling
// through the server (sessions.signal / sessions.onSignals). The request and its acceptance are
// set up through the API (the requests pages have their own spec); the call is all pages.
import { randomUUID } from "node:crypto";
import AxeBuilder from "@axe-core/playwright";
import {
  type APIRequestContext,
  type Browser,
  type BrowserContext,
  expect,
  type Locator,
  type Page,
  test,
} from "@playwright/test";
import { type Account, callApi, demo, separateBrowsers, signIn } from "./people.ts";

// The demo mechanic takes every test's request; one at a time keeps each story its own.
test.describe.configure({ mode: "serial" });

const openBrowser = separateBrowsers();

interface VideoSession {
  sessionId: string;
  customer: Account;
}

/** A new customer's video request, accepted by the demo mechanic: the session waits for them both. */
async function acceptedVideoSession(request: APIRequestContext): Promise<VideoSession> {
  const customer = { email: `video-${randomUUID()}@example.com`, password: "a-long-enough-password" };
  const { token } = await callApi<{ token: string }>(request, "auth.signUp", { ...customer, name: "Vera Video" });
  const { requestId, sessionId } = await callApi<{ requestId: string; sessionId: string }>(
    request,
    "requests.submit",
    {
      vehicle: { make: "Subaru", model: `Outback ${randomUUID().slice(0, 8)}`, year: 2018 },
      concern: "A rattle from under the car above 50 mph; can you hear it on a call?",
      urgency: "normal",
      sessionType: "video",
      plan: "premium",
    },
    token,
  );
  const mechanic = await callApi<{ token: string }>(request, "auth.signIn", demo.mechanic);
  await callApi(request, "requests.accept", { requestId }, mechanic.token);
  return { sessionId, customer };
}

function call(page: Page): Locator {
  return page.getByRole("region", { name: "Video call" });
}

async function openSession(page: Page, account: Account, sessionId: string) {
  await signIn(page, account);
  await page.goto(`/sessions/${sessionId}`);
  await expect(call(page)).toBeVisible();
}

async function expectConnected(page: Page) {
  await expect(call(page)).toHaveAttribute("data-connection-state", "connected", { timeout: 30_000 });
  // The other side's picture plays: a video track with frames of a real size.
  await expect
    .poll(
      () =>
        page.getByTestId("remote-video").evaluate((video: HTMLVideoElement) => {
          const stream = video.srcObject as MediaStream | null;
          return (stream?.getVideoTracks().length ?? 0) > 0 && video.videoWidth > 0 && video.readyState >= 2;
        }),
      { timeout: 15_000 },
    )
    .toBe(true);
}

/** axe over the call alone (the session page around it is in every-page.ts's sweep): nothing serious or critical. */
async function expectAccessibleCall(page: Page) {
  const results = await new AxeBuilder({ page }).include('[aria-label="Video call"]').analyze();
  const serious = results.violations
    .filter((violation) => violation.impact === "serious" || violation.impact === "critical")
    .map((violation) => ({ id: violation.id, nodes: violation.nodes.map((node) => node.html) }));
  expect(serious).toEqual([]);
}

/** Whether the viewer's own camera stream has its audio / video tracks switched on. */
function ownTracksEnabled(page: Page, kind: "audio" | "video"): Promise<boolean[]> {
  return page.getByLabel("Your camera").evaluate((video: HTMLVideoElement, kind) => {
    const stream = video.srcObject as MediaStream | null;
    const tracks = kind === "audio" ? (stream?.getAudioTracks() ?? []) : (stream?.getVideoTracks() ?? []);
    return tracks.map((track) => track.enabled);
  }, kind);
}

/** A video session accepted through the API, open on both sides' pages, both reaching `connected`. */
async function connectedCall(browser: Browser, request: APIRequestContext) {
  const { sessionId, customer } = await acceptedVideoSession(request);
  const customerPage = await openBrowser(browser);
  const mechanicPage = await openBrowser(browser);
  await openSession(customerPage, customer, sessionId);
  await openSession(mechanicPage, demo.mechanic, sessionId);
  await expectConnected(customerPage);
  await expectConnected(mechanicPage);
  return { customerPage, mechanicPage };
}

test("customer and mechanic see and hear each other; mute and camera toggle; a hang-up is seen on the other side", async ({
  browser,
  request,
}) => {
  const { customerPage, mechanicPage } = await connectedCall(browser, request);
  await expect(customerPage.getByText("You're connected with the mechanic.")).toBeVisible();
  await expect(mechanicPage.getByText("You're connected with the customer.")).toBeVisible();
  await expectAccessibleCall(customerPage);

  // Mute silences the viewer's own microphone track (the call stays up); Unmute brings it back.
  expect(await ownTracksEnabled(customerPage, "audio")).toEqual([true]);
  await customerPage.getByRole("button", { name: "Mute" }).click();
  await expect(customerPage.getByRole("button", { name: "Unmute" })).toBeVisible();
  expect(await ownTracksEnabled(customerPage, "audio")).toEqual([false]);
  await customerPage.getByRole("button", { name: "Unmute" }).click();
  await expect(customerPage.getByRole("button", { name: "Mute" })).toBeVisible();
  expect(await ownTracksEnabled(customerPage, "audio")).toEqual([true]);

  await mechanicPage.getByRole("button", { name: "Camera off" }).click();
  await expect(mechanicPage.getByRole("button", { name: "Camera on" })).toBeVisible();
  expect(await ownTracksEnabled(mechanicPage, "video")).toEqual([false]);
  await mechanicPage.getByRole("button", { name: "Camera on" }).click();
  expect(await ownTracksEnabled(mechanicPage, "video")).toEqual([true]);
  await expect(call(customerPage)).toHaveAttribute("data-connection-state", "connected");

  // The mechanic hangs up: their camera stops, the customer hears that they left.
  await mechanicPage.getByRole("button", { name: "Hang up" }).click();
  await expect(mechanicPage.getByRole("heading", { name: "Call ended" })).toBeVisible();
  await expect(call(mechanicPage)).toHaveAttribute("data-connection-state", "closed");
  await expect(customerPage.getByText("The mechanic left the call.")).toBeVisible();
  await expectAccessibleCall(mechanicPage);
  await expect(call(customerPage)).toHaveAttribute("data-connection-state", "closed");

  // Start again: the call comes back on both sides, without either page reloading.
  await mechanicPage.getByRole("button", { name: "Start again" }).click();
  await expectConnected(mechanicPage);
  await expectConnected(customerPage);
  await expect(customerPage.getByText("The mechanic left the call.")).toHaveCount(0);
});

/** A browser whose camera prompt is refused, as a person would: without the fake prompt that says yes. */
async function browserThatRefusesTheCamera(browser: Browser, launchOptions: object): Promise<Browser> {
  const { args = [], ...rest } = launchOptions as { args?: string[] };
  return browser
    .browserType()
    .launch({ ...rest, args: args.filter((flag) => !flag.startsWith("--use-fake-ui-for-media-stream")) });
}

test("a refused camera is explained in plain words, and Try again joins the call once it is allowed", async ({
  browser,
  request,
}, testInfo) => {
  const { sessionId, customer } = await acceptedVideoSession(request);
  const refusing = await browserThatRefusesTheCamera(browser, testInfo.project.use.launchOptions ?? {});
  let context: BrowserContext | undefined;
  try {
    context = await refusing.newContext({ baseURL: testInfo.project.use.baseURL });
    const customerPage = await context.newPage();
    const mechanicPage = await openBrowser(browser);
    await openSession(customerPage, customer, sessionId);
    await openSession(mechanicPage, demo.mechanic, sessionId);

    await expect(call(customerPage)).toHaveAttribute("data-connection-state", "blocked");
    await expect(call(customerPage).getByRole("alert")).toHaveText(
      /Your browser blocked the camera and microphone\. Allow them in the address bar, then press Try again\./,
    );
    await expect(call(customerPage).getByRole("button", { name: "Hang up" })).toHaveCount(0);
    await expectAccessibleCall(customerPage);

    // The customer allows the camera and microphone for the site, then presses Try again.
    await context.grantPermissions(["camera", "microphone"]);
    await customerPage.getByRole("button", { name: "Try again" }).click();
    await expectConnected(customerPage);
    await expectConnected(mechanicPage);
  } finally {
    await context?.close();
    await refusing.close();
  }
});

test("when one side's page reloads mid-call, the call comes back by itself; a closed page is said so", async ({
  browser,
  request,
}) => {
  const { customerPage, mechanicPage } = await connectedCall(browser, request);

  for (const [reloading, staying] of [
    [mechanicPage, customerPage],
    [customerPage, mechanicPage],
  ] as const) {
    await reloading.reload();
    await expect(call(reloading)).toBeVisible();
    await expectConnected(reloading);
    await expectConnected(staying);
  }

  // The mechanic closes the page without hanging up: the customer is told where the call stands.
  await mechanicPage.close();
  await expect(
    customerPage.getByText("The mechanic has left the session page; the call picks up when they're back."),
  ).toBeVisible({ timeout: 30_000 });
});
