// The callbacks given to page.waitForFunction run in the browser.
/// <reference lib="dom" />
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { CallLogEntry } from '@messenger/contracts';
import type { Stack } from '@messenger/kit/stack';
import { repoRoot, startTestStack } from '@messenger/kit/testing';
import { launchBrowser, layoutProblems, snapshot } from './browser.js';
import { apiAs, openChat, openPersonalChat, userIdOf } from './call-steps.js';
import { register, waitForText, type Person } from './people.js';
import { setPressed, staysAbsent } from './toggles.js';

const shot = (person: Person, step: string) => snapshot(person.page, `call-history-${step}`);

/** The chat's log as the server has it, newest first. */
const logOf = async (person: Person, chatId: string): Promise<CallLogEntry[]> =>
  (await apiAs<{ items: CallLogEntry[] }>(person, 'GET', `/api/chats/${chatId}/calls`)).items;

/** Opens the panel: from the header's toggle, or on a small phone (where the header hides it) from the "⋮" menu. */
const openHistory = async (person: Person) => {
  const toggle = '[data-test=toggle-call-history]';
  await person.page.waitForSelector(toggle, { state: 'attached' });
  if (await person.page.locator(toggle).isVisible()) await setPressed(person.page, toggle, true);
  else if ((await person.page.getAttribute(toggle, 'aria-pressed')) !== 'true') {
    await person.page.click('[data-test=chat-menu]');
    await person.page.click('[data-test=menu-call-history]');
    await person.page.waitForSelector(`${toggle}[aria-pressed="true"]`, { state: 'attached' });
  }
  await person.page.waitForSelector(
    '[data-test=call-history] [data-test=call-history-empty], [data-test=call-history] [data-test=call-entry]',
  );
};

const closeHistory = async (person: Person) => {
  await person.page.click('[data-test=close-call-history]');
  await person.page.waitForSelector('[data-test=call-history]', { state: 'detached' });
};

/** Waits until the panel lists exactly these outcomes, newest first. */
const waitForOutcomes = (page: Page, outcomes: string[], timeout = 20_000) =>
  page.waitForFunction(
    (want) =>
      Array.from(document.querySelectorAll('[data-test=call-entry]'))
        .map((el) => el.getAttribute('data-outcome'))
        .join(',') === want.join(','),
    outcomes,
    { timeout },
  );

/** What a row shows: its kind, status (duration or how it went unanswered) and who started it. */
const rowOf = (page: Page, callId: string) =>
  page.evaluate((id) => {
    const row = document.querySelector(`[data-test=call-entry][data-call-id="${id}"]`);
    const text = (test: string) => row?.querySelector(`[data-test=${test}]`)?.textContent?.trim() ?? null;
    return {
      outcome: row?.getAttribute('data-outcome') ?? null,
      type: text('call-type'),
      status: text('call-status'),
      duration: text('call-duration'),
      initiator: text('call-initiator'),
    };
  }, callId);

/** Seconds in an "m:ss" duration. */
const secondsIn = (duration: string | null): number => {
  const [m, s] = (duration ?? '').split(':').map(Number);
  return m! * 60 + s!;
};

/** Every word the panel shows is translated: no message key leaks through. */
const untranslated = (page: Page) =>
  page.evaluate(
    () => (document.querySelector('[data-test=call-history]')?.textContent ?? '').match(/\b(callHistory|ring)\.[\w.-]+/g) ?? [],
  );

/** Sets "don't ring me in this chat" through the members panel and waits until the server has it. */
const setRingMuted = async (person: Person, muted: boolean) => {
  await setPressed(person.page, '[data-test=toggle-members]', true);
  const toggle = '[data-test=ring-mute]';
  await person.page.waitForSelector(`${toggle}:not([disabled])`);
  if ((await person.page.getAttribute(toggle, 'aria-checked')) !== String(muted)) await person.page.click(toggle);
  // Settled: the switch is free again and the chat as the server answered it carries the choice.
  await person.page.waitForSelector(`${toggle}[aria-checked="${muted}"]:not([disabled])`);
  await person.page.waitForSelector('[data-test=ring-muted-badge]', { state: muted ? 'attached' : 'detached' });
};

/** Closes the members panel with its own close button: on a phone it covers the header's toggle. */
const closeMembers = async (person: Person) => {
  await person.page.click('[data-test=members-panel] .panel__header button');
  await person.page.waitForSelector('[data-test=toggle-members][aria-pressed=false]');
};

/**
 * After "start" or "join" in a chat: the call window, going through the pre-join preview first when the app shows
 * one (acting on what is on screen, not on whether the preview exists in this build).
 */
const enterCall = async (person: Person) => {
  await person.page.waitForSelector('[data-test=call-window], [data-test=prejoin-join]');
  if (await person.page.locator('[data-test=prejoin-join]').count()) await person.page.click('[data-test=prejoin-join]');
  await person.page.waitForSelector('[data-test=call-window]');
};

const waitForTimerAtLeast = (page: Page, seconds: number) =>
  page.waitForFunction(
    (min) => {
      const [m, s] = (document.querySelector('[data-test=call-timer]')?.textContent?.trim() ?? '').split(':').map(Number);
      return Number.isFinite(m) && Number.isFinite(s) && m! * 60 + s! >= min;
    },
    seconds,
    { timeout: 20_000 },
  );

describe('journeys: the call history panel and "don\'t ring me in this chat"', () => {
  let stack: Stack;
  let browser: Browser;

  beforeAll(async () => {
    stack = await startTestStack('e2e-call-history', {
      withLiveKit: true,
      webDist: join(repoRoot(), 'web', 'dist', 'web', 'browser'),
      // An emptied group call ends a second after the last one leaves, so its log line comes soon.
      env: { RING_TIMEOUT_MS: '30000', CALL_EMPTY_GRACE_MS: '1000', CALL_STARTS_PER_MINUTE: '30' },
    });
    browser = await launchBrowser();
  });
  afterEach(async () => {
    // A failed journey must not leave its browsers running into the next one.
    for (const context of browser.contexts()) await context.close();
  });
  afterAll(async () => {
    await browser?.close();
    await stack?.stop();
  });

  it('personal: a declined and an unanswered call are listed as such on both sides; "Call back" starts an audio call, and its duration appears when it ends', async () => {
    const base = stack.gatewayUrl();
    const a = await register(browser, base, 'en', { width: 1280, height: 800 }, 'Alice Liddell');
    const b = await register(browser, base, 'ru', { width: 360, height: 740 }, 'Борис Пастернак');
    const chatId = await openPersonalChat(a, b);
    await b.page.waitForSelector('[data-test=chat-row]');
    await b.page.click('[data-test=chat-row]');
    await waitForText(b.page, '[data-test=chat-title]', 'Alice Liddell');

    // The log cannot be had for a moment: the panel says so, and "Retry" brings the (empty) log.
    const logRoute = (url: URL) => /^\/api\/chats\/[^/]+\/calls$/.test(url.pathname);
    await a.page.route(logRoute, (route) =>
      route.fulfill({
        status: 503,
        contentType: 'application/json',
        body: JSON.stringify({ error: { code: 'SERVICE_UNAVAILABLE', message: 'down' } }),
      }),
    );
    await setPressed(a.page, '[data-test=toggle-call-history]', true);
    await waitForText(a.page, '[data-test=call-history-error]', "Couldn't load the call history");
    await shot(a, '00-error-en-1280');
    await a.page.unroute(logRoute);
    await a.page.click('[data-test=call-history-retry]');
    // Nothing yet: the empty state.
    await a.page.waitForSelector('[data-test=call-history-empty]');
    await shot(a, '01-empty-en-1280');
    // The browser reports the refused request itself; that is the only console error allowed here.
    a.errors.splice(0, a.errors.length, ...a.errors.filter((e) => !e.includes('status of 503')));

    // 1. Boris declines.
    await a.page.click('[data-test=start-audio]');
    await enterCall(a);
    await b.page.waitForSelector('[data-test=incoming-call][data-ringing=true]');
    await b.page.click('[data-test=decline]');
    await waitForText(a.page, '[data-test=call-notice]', 'Call declined');
    await a.page.click('[data-test=call-notice] button');
    // The open panel shows it without being asked: the call's end refreshes it.
    await waitForOutcomes(a.page, ['declined']);

    // 2. Alice gives up before Boris answers: to her it went unanswered, to him it is missed.
    await a.page.click('[data-test=start-audio]');
    await enterCall(a);
    await b.page.waitForSelector('[data-test=incoming-call][data-ringing=true]');
    await a.page.click('[data-test=leave-call]');
    await b.page.waitForSelector('[data-test=incoming-call]', { state: 'detached' });
    await waitForOutcomes(a.page, ['no-answer', 'declined']);

    const [unanswered, declined] = await logOf(a, chatId);
    expect([unanswered!.endReason, declined!.endReason]).toEqual(['missed', 'declined']);
    expect(await rowOf(a.page, declined!.id)).toEqual({
      outcome: 'declined',
      type: 'Audio call',
      status: 'Declined',
      duration: null,
      initiator: 'You called',
    });
    expect(await rowOf(a.page, unanswered!.id)).toMatchObject({ outcome: 'no-answer', status: 'No answer', initiator: 'You called' });
    expect(await untranslated(a.page)).toEqual([]);
    expect(await layoutProblems(a.page)).toEqual([]);
    await shot(a, '02-declined-and-no-answer-en-1280');

    // Boris, on a phone in Russian: a sheet over the whole chat, the unanswered call missed (in red).
    await openHistory(b);
    await waitForOutcomes(b.page, ['missed', 'declined']);
    const sheet = await b.page.locator('[data-test=call-history]').boundingBox();
    expect(sheet).toMatchObject({ x: 0, width: 360 });
    expect(await rowOf(b.page, unanswered!.id)).toMatchObject({
      outcome: 'missed',
      type: 'Аудиозвонок',
      status: 'Пропущен',
      initiator: 'Инициатор: Alice Liddell',
    });
    expect(await rowOf(b.page, declined!.id)).toMatchObject({ outcome: 'declined', status: 'Отклонён' });
    const missedColour = await b.page.$eval(
      `[data-call-id="${unanswered!.id}"] [data-test=call-status]`,
      (el) => getComputedStyle(el).color,
    );
    expect(missedColour).toBe('rgb(242, 63, 67)');
    expect(await untranslated(b.page)).toEqual([]);
    expect(await layoutProblems(b.page)).toEqual([]);
    await shot(b, '03-missed-and-declined-ru-360');
    // A row opens to who was in the call: Alice alone, from her start to the decline.
    await b.page.click(`[data-call-id="${declined!.id}"] [data-test=call-summary]`);
    await waitForText(b.page, `[data-call-id="${declined!.id}"] [data-test=call-participant]`, 'Alice Liddell');
    expect(await b.page.locator(`[data-call-id="${declined!.id}"] [data-test=call-stay]`).count()).toBe(1);
    expect(await layoutProblems(b.page)).toEqual([]);
    await shot(b, '04-row-open-ru-360');

    // 3. "Call back" on the declined row: an audio call again; this time Boris answers.
    await a.page.click(`[data-call-id="${declined!.id}"] [data-test=call-back]`);
    await enterCall(a);
    await b.page.waitForSelector('[data-test=incoming-call][data-ringing=true]');
    const answering = Date.now();
    await b.page.click('[data-test=accept-audio]');
    await b.page.waitForSelector('[data-test=call-window]');
    const answered = Date.now();
    await waitForTimerAtLeast(a.page, 3);
    const hangingUp = Date.now();
    await a.page.click('[data-test=leave-call]');
    await b.page.waitForSelector('[data-test=call-window]', { state: 'detached', timeout: 10_000 });
    const hungUp = Date.now();

    // Both open panels gain the answered call, with its duration, without a reload.
    await waitForOutcomes(a.page, ['answered', 'no-answer', 'declined']);
    await waitForOutcomes(b.page, ['answered', 'missed', 'declined']);
    const [talk] = await logOf(a, chatId);
    expect(talk!.type).toBe('audio');
    expect(talk!.answeredAt).not.toBeNull();
    const shown = await rowOf(a.page, talk!.id);
    expect(shown).toMatchObject({ outcome: 'answered', type: 'Audio call', status: null, initiator: 'You called' });
    expect(secondsIn(shown.duration)).toBe(talk!.durationSeconds);
    // It lasted from the answer to the hang-up, as the clock outside saw it.
    expect(talk!.durationSeconds).toBeGreaterThanOrEqual(Math.floor((hangingUp - answered) / 1000) - 1);
    expect(talk!.durationSeconds).toBeLessThanOrEqual(Math.ceil((hungUp - answering) / 1000) + 1);
    expect(await rowOf(b.page, talk!.id)).toMatchObject({
      outcome: 'answered',
      duration: shown.duration,
      initiator: 'Инициатор: Alice Liddell',
    });
    await shot(a, '05-answered-en-1280');
    await shot(b, '06-answered-ru-360');

    // The panel closes, and its toggle says so.
    await closeHistory(b);
    expect(await b.page.locator('[data-test=toggle-call-history]').getAttribute('aria-pressed')).toBe('false');
    expect(a.errors).toEqual([]);
    expect(b.errors).toEqual([]);
  }, 180_000);

  it('group: a member who asked not to be rung gets no ring while the others do, still joins from the chat; the answered call is listed with everyone’s times; calling back rings them again once they switch it off', async () => {
    const base = stack.gatewayUrl();
    const owner = await register(browser, base, 'en', { width: 1440, height: 900 }, 'Olga Owner');
    const mark = await register(browser, base, 'ru', { width: 1280, height: 800 }, 'Mark Member');
    const maria = await register(browser, base, 'ru', { width: 360, height: 740 }, 'Мария Участница');
    const [markId, mariaId] = [await userIdOf(mark), await userIdOf(maria)];
    const name = 'Band practice';
    const chat = await apiAs<{ id: string }>(owner, 'POST', '/api/chats', { type: 'group', name, memberIds: [markId, mariaId] });
    for (const person of [owner, mark, maria]) await openChat(person, name);

    // Maria turns "don't ring me" on where she would look for it: the group's info (members) panel.
    await setRingMuted(maria, true);
    expect(await layoutProblems(maria.page)).toEqual([]);
    await shot(maria, '07-dont-ring-me-on-ru-360');
    await closeMembers(maria);
    // Her header says so too, beside the group's name.
    expect(await maria.page.getAttribute('[data-test=ring-muted-badge]', 'aria-label')).toBe('Звонки в этом чате вам не звонят');
    await shot(maria, '07b-header-muted-ru-360');
    // On a desktop the members panel is open beside the chat, the switch (off) at its top.
    await mark.page.waitForSelector('[data-test=ring-mute][aria-checked=false]');
    await shot(mark, '08-members-panel-switch-ru-1280');
    await owner.page.waitForSelector('[data-test=ring-mute][aria-checked=false]');
    expect(await layoutProblems(owner.page)).toEqual([]);
    await shot(owner, '08b-members-panel-switch-en-1440');

    await openHistory(owner);
    await owner.page.click('[data-test=start-audio]');
    await enterCall(owner);
    // Mark is rung; Maria learns of the call (the chat offers to join it) but no card rings for her.
    await mark.page.waitForSelector('[data-test=incoming-call][data-ringing=true]');
    await maria.page.waitForSelector('[data-test=join-live-call]');
    await staysAbsent(maria.page, '[data-test=incoming-call]', 3_000);
    await mark.page.click('[data-test=accept-audio]');
    await mark.page.waitForSelector('[data-test=call-window]');
    await maria.page.click('[data-test=join-live-call]');
    await enterCall(maria);
    await owner.page.waitForSelector(`[data-test=tile][data-identity="${mariaId}"]`, { timeout: 15_000 });
    await waitForTimerAtLeast(owner.page, 3);
    for (const person of [maria, mark, owner]) {
      await person.page.click('[data-test=leave-call]');
      await person.page.waitForSelector('[data-test=call-window]', { state: 'detached' });
    }

    // The call ends a moment after the last one leaves; the owner's open panel shows it.
    await waitForOutcomes(owner.page, ['answered']);
    const [call] = await logOf(owner, chat.id);
    const onOwner = await rowOf(owner.page, call!.id);
    expect(onOwner).toMatchObject({ outcome: 'answered', type: 'Audio call', initiator: 'You called' });
    expect(secondsIn(onOwner.duration)).toBe(call!.durationSeconds);
    expect(call!.durationSeconds).toBeGreaterThanOrEqual(3);
    await owner.page.click(`[data-call-id="${call!.id}"] [data-test=call-summary]`);
    await owner.page.waitForFunction(
      (id) => document.querySelectorAll(`[data-call-id="${id}"] [data-test=call-participant]`).length === 3,
      call!.id,
    );
    for (const who of ['You', 'Mark Member', 'Мария Участница'])
      await waitForText(owner.page, `[data-call-id="${call!.id}"] .person__name`, who);
    expect(await untranslated(owner.page)).toEqual([]);
    expect(await layoutProblems(owner.page)).toEqual([]);
    await shot(owner, '09-group-answered-open-en-1440');

    // Maria (ru, phone) sees the same call, started by Olga, with the same duration.
    await openHistory(maria);
    await waitForOutcomes(maria.page, ['answered']);
    expect(await rowOf(maria.page, call!.id)).toMatchObject({
      type: 'Аудиозвонок',
      duration: onOwner.duration,
      initiator: 'Инициатор: Olga Owner',
    });
    await maria.page.click(`[data-call-id="${call!.id}"] [data-test=call-summary]`);
    await maria.page.waitForSelector(`[data-call-id="${call!.id}"] [data-test=call-details]`);
    expect(await untranslated(maria.page)).toEqual([]);
    expect(await layoutProblems(maria.page)).toEqual([]);
    await shot(maria, '10-group-answered-open-ru-360');
    await closeHistory(maria);
    // Mark, on a desktop in Russian, sees it too.
    await openHistory(mark);
    await waitForOutcomes(mark.page, ['answered']);
    expect(await rowOf(mark.page, call!.id)).toMatchObject({ duration: onOwner.duration, initiator: 'Инициатор: Olga Owner' });
    expect(await layoutProblems(mark.page)).toEqual([]);
    await shot(mark, '10b-group-answered-ru-1280');

    // Maria switches it off again; the owner calls back from the history, and now both are rung.
    await setRingMuted(maria, false);
    await closeMembers(maria);
    await owner.page.click(`[data-call-id="${call!.id}"] [data-test=call-back]`);
    await enterCall(owner);
    await maria.page.waitForSelector('[data-test=incoming-call][data-ringing=true]');
    await mark.page.waitForSelector('[data-test=incoming-call][data-ringing=true]');
    // Nobody answers; the owner gives up: to her no answer, to Maria a missed call.
    await owner.page.click('[data-test=leave-call]');
    await maria.page.waitForSelector('[data-test=incoming-call]', { state: 'detached', timeout: 15_000 });
    await waitForOutcomes(owner.page, ['no-answer', 'answered']);
    await openHistory(maria);
    await waitForOutcomes(maria.page, ['missed', 'answered']);
    await shot(maria, '11-group-missed-ru-360');
    await shot(owner, '12-group-no-answer-en-1440');
    // The owner on a phone: the panel becomes a sheet over the chat, and her five header buttons still leave the name room.
    await owner.page.setViewportSize({ width: 360, height: 740 });
    await owner.page.waitForFunction(() => document.querySelector('[data-test=call-history]')?.getBoundingClientRect().width === 360);
    expect(await layoutProblems(owner.page)).toEqual([]);
    await shot(owner, '13-group-no-answer-en-360');
    await closeHistory(owner);
    // The members panel was open beside it on the desktop, so it comes back; closed too, the chat shows.
    await closeMembers(owner);
    expect(await layoutProblems(owner.page)).toEqual([]);
    await shot(owner, '14-header-admin-en-360');

    for (const person of [owner, mark, maria]) expect(person.errors).toEqual([]);
  }, 240_000);
});
