// The callbacks given to page.waitForFunction run in the browser.
/// <reference lib="dom" />
import { randomBytes } from 'node:crypto';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { consoleErrors } from './browser.js';

/** Someone using the app in a browser context of their own. */
export interface Person {
  page: Page;
  context: BrowserContext;
  errors: string[];
  username: string;
  name: string;
}

/** Registers through the register screen and waits until the app is connected. */
export const register = async (
  browser: Browser,
  base: string,
  lang: 'ru' | 'en',
  viewport: { width: number; height: number },
  name: string,
): Promise<Person> => {
  const context = await browser.newContext({ viewport, locale: lang === 'ru' ? 'ru-RU' : 'en-US' });
  const page = await context.newPage();
  const errors = consoleErrors(page);
  const username = `p_${lang}_${randomBytes(3).toString('hex')}`;
  await page.goto(`${base}/register`);
  await page.waitForSelector('#name');
  await page.fill('#username', username);
  await page.fill('#name', name);
  await page.fill('#password', 'correct horse battery');
  await page.click('button[type=submit]');
  await page.waitForURL(`${base}/`);
  await page.waitForSelector('.me__status[data-state="online"]');
  return { page, context, errors, username, name };
};

/** Waits until some element matching `selector` has text containing `text`. */
export const waitForText = (page: Page, selector: string, text: string, timeout = 10_000) =>
  page.waitForFunction(
    ([sel, want]) => Array.from(document.querySelectorAll(sel)).some((el) => el.textContent?.includes(want)),
    [selector, text] as const,
    { timeout },
  );
