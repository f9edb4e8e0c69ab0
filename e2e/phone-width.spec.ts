// Every page (e2e/every-page.ts) on a 390 × 844 phone: the document is no wider than the
// viewport, so nothing has to be scrolled sideways to be read or reached.
import { expect, test } from "@playwright/test";
import { everyPage } from "./every-page.ts";

// Not isMobile: a mobile viewport zooms out to fit a wide page, which would hide the overflow.
test.use({ viewport: { width: 390, height: 844 } });

for (const state of everyPage) {
  test(`${state.name} fits a phone's width`, async ({ page, browser }) => {
    await state.open(page, browser);
    const widths = await page.evaluate(() => ({
      document: document.documentElement.scrollWidth,
      viewport: window.innerWidth,
      // The widest elements, to say what overflows when something does.
      widest: Array.from(document.querySelectorAll("body *"))
        .filter((element) => element.getBoundingClientRect().right > window.innerWidth + 0.5)
        .slice(0, 5)
        .map((element) => `${element.tagName.toLowerCase()}.${Array.from(element.classList).join(".")}`),
    }));
    expect(widths.document, `wider than the viewport: ${widths.widest.join(", ")}`).toBeLessThanOrEqual(
      widths.viewport,
    );
  });
}
