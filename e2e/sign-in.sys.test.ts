// The callbacks given to page.waitForFunction run in the browser.
/// <reference lib="dom" />
import { randomBytes } from 'node:crypto';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Stack } from '@messenger/kit/stack';
import { join } from 'node:path';
import { repoRoot, startTestStack } from '@messenger/kit/testing';
import { consoleErrors, launchBrowser, snapshot } from './browser.js';
import { waitForText } from './people.js';

describe('journey: register, stay signed in across a reload, switch language, sign out and back in', () => {
  let stack: Stack;
  let browser: Browser;

  beforeAll(async () => {
    stack = await startTestStack('e2e-sign-in', { withLiveKit: true, webDist: join(repoRoot(), 'web', 'dist', 'web', 'browser') });
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    await stack?.stop();
  });

  it.each([
    ['ru', 360, 740],
    ['en', 1440, 900],
  ] as const)('works in %s at %d px', async (lang, width, height) => {
    const context = await browser.newContext({ viewport: { width, height }, locale: lang === 'ru' ? 'ru-RU' : 'en-US' });
    const page = await context.newPage();
    const errors = consoleErrors(page);
    const base = stack.gatewayUrl();
    const name = lang === 'ru' ? 'Анна Каренина' : 'Anna Karenina';
    const username = `e2e_${lang}_${randomBytes(3).toString('hex')}`;

    await page.goto(`${base}/`);
    await page.waitForURL(`${base}/sign-in`);
    await snapshot(page, `${lang}-${width}-1-sign-in`);

    await page.click('a[href="/register"]');
    await page.waitForURL(`${base}/register`);
    await page.waitForSelector('#name'); // the lazy screen is in place, not the sign-in form it replaces
    await page.fill('#username', 'Not Valid');
    await page.click('button[type=submit]');
    await page.waitForSelector('#username[aria-invalid="true"]', { timeout: 5_000 });
    await snapshot(page, `${lang}-${width}-2-register-errors`);

    await page.fill('#username', username);
    await page.fill('#name', name);
    await page.fill('#password', 'correct horse battery');
    await page.click('button[type=submit]');
    await page.waitForURL(`${base}/`);
    await page.waitForSelector('.me__status[data-state="online"]');
    await waitForText(page, '.me__name', name);

    await page.reload();
    await page.waitForSelector('.me__status[data-state="online"]');
    await waitForText(page, '.me__name', name);
    await snapshot(page, `${lang}-${width}-3-chats-after-reload`);

    // The language switch changes the words on screen at once, without a reload.
    const otherEmpty = lang === 'ru' ? 'No chats yet' : 'Пока нет чатов';
    await page.click('[data-test=menu]');
    await page.click('[data-test=menu-language]');
    await page.waitForFunction((text) => document.body.textContent?.includes(text), otherEmpty);
    await page.click('[data-test=sign-out]');
    await page.waitForURL(`${base}/sign-in`);
    await page.waitForSelector('a[href="/register"]');

    await page.fill('#username', username);
    await page.fill('#password', 'correct horse battery');
    await page.click('button[type=submit]');
    await page.waitForURL(`${base}/`);
    await page.waitForSelector('.me__name');
    await waitForText(page, '.me__name', name);
    expect(errors).toEqual([]);
    await context.close();
  });
});
