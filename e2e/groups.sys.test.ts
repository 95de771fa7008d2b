// The callbacks given to page.waitForFunction run in the browser.
/// <reference lib="dom" />
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Stack } from '@messenger/kit/stack';
import { repoRoot, startTestStack } from '@messenger/kit/testing';
import { launchBrowser, layoutProblems, snapshot } from './browser.js';
import { register, waitForText, type Person } from './people.js';
import { setPressed } from './toggles.js';

const shot = (person: Person, step: string) => snapshot(person.page, `groups-${step}`);

describe('journey: a group made through the dialog, live for both members, with promotion and removal', () => {
  let stack: Stack;
  let browser: Browser;

  beforeAll(async () => {
    stack = await startTestStack('e2e-groups', { webDist: join(repoRoot(), 'web', 'dist', 'web', 'browser') });
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    await stack?.stop();
  });

  it('Anna (ru, 1440 px) creates a group with Boris (en, 360 px); both talk live; Boris is promoted, then removed and his screen says so', async () => {
    const base = stack.gatewayUrl();
    const anna = await register(browser, base, 'ru', { width: 1440, height: 900 }, 'Анна Каренина');
    const boris = await register(browser, base, 'en', { width: 360, height: 740 }, 'Boris Godunov');
    const groupName = `Книжный клуб ${randomBytes(2).toString('hex')}`;

    // Step 1 of the dialog: name with its counter; "Далее" opens step 2.
    await anna.page.click('[data-test=create-group]');
    await anna.page.waitForSelector('[data-test=group-name]');
    await anna.page.fill('[data-test=group-name]', groupName);
    await anna.page.fill('[data-test=group-description]', 'Читаем и обсуждаем классику по четвергам');
    await anna.page.waitForFunction(
      (want) => document.querySelector('[data-test=name-counter]')?.textContent?.trim() === want,
      `${groupName.length}/100`,
    );
    expect(await layoutProblems(anna.page)).toEqual([]);
    await shot(anna, '01-anna-step1-ru-1440');
    await anna.page.click('[data-test=next]');

    // Step 2: "Создать" waits for somebody to be chosen; the search finds Boris; a chip shows him.
    await anna.page.waitForSelector('[data-test=picker-search]');
    expect(await anna.page.isDisabled('[data-test=create]')).toBe(true);
    await anna.page.fill('[data-test=picker-search]', boris.username);
    await anna.page.click(`[data-test=picker-user]:has-text("${boris.name}") input[type=checkbox]`);
    await waitForText(anna.page, '.count', 'Выбрано: 1');
    await anna.page.waitForSelector('.chip');
    expect(await layoutProblems(anna.page)).toEqual([]);
    await shot(anna, '02-anna-step2-ru-1440');
    await anna.page.click('[data-test=create]');

    // The new chat opens at once for Anna...
    await anna.page.waitForURL(/\/chats\/[a-f0-9]{24}$/);
    await waitForText(anna.page, '[data-test=chat-title]', groupName);
    await waitForText(anna.page, '[data-test=chat-subtitle]', '2 участника');
    await waitForText(anna.page, '[data-test=system-message]', `Вы создали группу «${groupName}»`);
    await shot(anna, '03-anna-group-open-ru-1440');

    // ...and appears on Boris's list without a reload.
    await waitForText(boris.page, '[data-test=chat-name]', groupName);
    expect(await layoutProblems(boris.page)).toEqual([]);
    await shot(boris, '04-boris-list-en-360');

    // Both dialog steps fit a 360 px phone; Escape closes the dialog and focus returns to its button.
    await boris.page.click('[data-test=create-group]');
    await boris.page.fill('[data-test=group-name]', 'A group name long enough to test how the dialog wraps on a narrow phone');
    expect(await layoutProblems(boris.page)).toEqual([]);
    await shot(boris, '04a-boris-step1-en-360');
    await boris.page.click('[data-test=next]');
    await boris.page.fill('[data-test=picker-search]', anna.username);
    await boris.page.click(`[data-test=picker-user]:has-text("${anna.name}") input[type=checkbox]`);
    await waitForText(boris.page, '.count', 'Selected: 1');
    expect(await layoutProblems(boris.page)).toEqual([]);
    await shot(boris, '04b-boris-step2-en-360');
    await boris.page.keyboard.press('Escape');
    await boris.page.waitForSelector('[role=dialog]', { state: 'detached' });
    await boris.page.waitForFunction(() => document.activeElement?.getAttribute('data-test') === 'create-group');

    // Messages both ways, live.
    await boris.page.click('[data-test=chat-row]');
    await boris.page.waitForSelector('[data-test=composer]');
    await boris.page.fill('[data-test=composer]', 'Hi Anna! Count me in.');
    await boris.page.press('[data-test=composer]', 'Enter');
    await waitForText(anna.page, '[data-test=message-text]', 'Hi Anna! Count me in.');
    await anna.page.fill('[data-test=composer]', 'Привет, Борис!');
    await anna.page.press('[data-test=composer]', 'Shift+Enter');
    await anna.page.type('[data-test=composer]', 'Начнём с «Анны Карениной».');
    await anna.page.press('[data-test=composer]', 'Enter');
    await waitForText(boris.page, '[data-test=message-text]', 'Привет, Борис!\nНачнём с «Анны Карениной».');
    // Boris has the chat open at the bottom, so he has read it: Anna's message gets its read tick.
    await anna.page.waitForSelector('[data-test=message] [data-test=read]');
    expect(await layoutProblems(boris.page)).toEqual([]);
    await shot(boris, '05-boris-conversation-en-360');
    await shot(anna, '06-anna-conversation-ru-1440');

    // Anna makes Boris an admin: his badge changes for her, and a system line tells him. The panel starts open at
    // her width (web/README.md); it is brought open by its toggle's state, whatever that was.
    await setPressed(anna.page, '[data-test=toggle-members]', true);
    await anna.page.waitForSelector(`[data-test=members-panel] [data-member="${boris.username}"]`);
    await anna.page.waitForSelector(`[data-test=members-panel] [data-member="${anna.username}"]`);
    await anna.page.click(`[data-member="${boris.username}"] .member__row[aria-expanded=false]`);
    await anna.page.click(`[data-member="${boris.username}"] [data-test=promote]`);
    await waitForText(anna.page, `[data-member="${boris.username}"] [data-test=role-badge]`, 'Админ');
    await waitForText(boris.page, '[data-test=system-message]', 'made you an admin');
    await shot(anna, '07-anna-promoted-boris-ru-1440');
    await shot(boris, '08-boris-promoted-en-360');

    // Group settings: Anna lets only admins speak in calls; the switch shows what the server stored.
    await anna.page.click('[data-test=open-settings]');
    await anna.page.waitForSelector('[data-test=only-admins]');
    await anna.page.click('[data-test=only-admins]');
    await anna.page.waitForFunction(() => (document.querySelector('[data-test=only-admins]') as HTMLInputElement | null)?.checked === true);
    expect(await layoutProblems(anna.page)).toEqual([]);
    await shot(anna, '08a-anna-settings-ru-1440');
    await anna.page.keyboard.press('Escape');
    await anna.page.waitForSelector('[role=dialog]', { state: 'detached' });

    // Then removes him: the chat leaves his list and his open conversation says why.
    await anna.page.click(`[data-member="${boris.username}"] [data-test=remove-member]`);
    await waitForText(anna.page, '[data-test=chat-subtitle]', '1 участник');
    await waitForText(boris.page, '[data-test=departure]', 'You were removed from this group');
    await shot(boris, '09-boris-removed-en-360');
    await boris.page.click('[data-test=departure] button');
    await boris.page.waitForURL(`${base}/`);
    await boris.page.waitForFunction(() => document.querySelectorAll('[data-test=chat-row]').length === 0);
    await shot(boris, '10-boris-list-after-removal-en-360');

    expect(anna.errors).toEqual([]);
    expect(boris.errors).toEqual([]);
    await anna.context.close();
    await boris.context.close();
  });
});
