// The callbacks given to page.waitForFunction run in the browser.
/// <reference lib="dom" />
import type { Page } from 'playwright-core';

/*
 * Journeys act on a toggle by its state, never by a blind click: a click flips whatever the state happens to be
 * (a panel already open at desktop width, a microphone still coming up), and a check right after the click can
 * read the screen before change detection has run. So: wait until the toggle shows a settled state, click only if
 * it differs from the wanted one, then wait until the toggle says so.
 */

/** Brings a toggle button (`aria-pressed`) to `want`, clicking only if it is not there already. */
export const setPressed = async (page: Page, selector: string, want: boolean, timeout = 10_000): Promise<void> => {
  const button = page.locator(selector);
  await button.waitFor({ timeout });
  if ((await button.getAttribute('aria-pressed')) !== String(want)) await button.click({ timeout });
  await page.waitForSelector(`${selector}[aria-pressed="${want}"]`, { timeout });
};

/**
 * Flips a toggle that must first be `from` (a microphone that is live after joining, say): waits for that state,
 * so the click is known to turn it to the other one, then waits for the other one.
 */
export const flipFrom = async (page: Page, selector: string, from: boolean, timeout = 10_000): Promise<void> => {
  await page.waitForSelector(`${selector}[aria-pressed="${from}"]`, { timeout });
  await page.click(selector, { timeout });
  await page.waitForSelector(`${selector}[aria-pressed="${!from}"]`, { timeout });
};

/**
 * Asserts that nothing matches `selector` during the whole of `ms`, sampling every 100 ms: a negative needs a
 * window to be observed in, and one sample at its end would miss something that came and went.
 */
export const staysAbsent = async (page: Page, selector: string, ms: number): Promise<void> => {
  const until = Date.now() + ms;
  while (Date.now() < until) {
    const count = await page.locator(selector).count();
    if (count > 0) throw new Error(`${selector} appeared (${count}) while it should have stayed absent`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
};
