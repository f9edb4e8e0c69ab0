// axe on every page (e2e/every-page.ts), in the light and the dark colour scheme: no violation
// of impact serious or critical. A failure prints each violation with the elements it found.
import AxeBuilder from "@axe-core/playwright";
import { expect, type Page, test } from "@playwright/test";
import { everyPage } from "./every-page.ts";

const colorSchemes = ["light", "dark"] as const;

async function seriousViolations(page: Page) {
  const results = await new AxeBuilder({ page }).analyze();
  return results.violations
    .filter((violation) => violation.impact === "serious" || violation.impact === "critical")
    .map((violation) => ({
      rule: violation.id,
      impact: violation.impact,
      help: violation.help,
      elements: violation.nodes.map((node) => ({ target: node.target.join(" "), why: node.failureSummary })),
    }));
}

for (const state of everyPage) {
  test(`axe finds nothing serious on ${state.name}, light and dark`, async ({ page, browser }) => {
    await state.open(page, browser);
    for (const colorScheme of colorSchemes) {
      await page.emulateMedia({ colorScheme });
      const violations = await seriousViolations(page);
      expect(violations, `${colorScheme}: ${JSON.stringify(violations, null, 2)}`).toEqual([]);
    }
  });
}
