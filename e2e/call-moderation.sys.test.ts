// The callbacks given to page.waitForFunction run in the browser.
/// <reference lib="dom" />
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Stack } from '@messenger/kit/stack';
import { repoRoot, startTestStack } from '@messenger/kit/testing';
import { launchBrowser, snapshot, writeToneWav } from './browser.js';
import { accept, activeCalls, apiAs, joinFromPreview, openChat, startCall, userIdOf, waitForFrames, waitForTiles } from './call-steps.js';
import { register, waitForText, type Person } from './people.js';
import { flipFrom, setPressed, staysAbsent } from './toggles.js';

const RING_MS = 15_000;
const DESKTOP = { width: 1440, height: 900 };
const PHONE = { width: 360, height: 740 };

/** A group of `owner` and `members`, opened by all of them. */
const group = async (owner: Person, members: Person[], name: string, callSettings?: Record<string, unknown>) => {
  const memberIds = await Promise.all(members.map(userIdOf));
  const chat = await apiAs(owner, 'POST', '/api/chats', { type: 'group', name, memberIds });
  if (callSettings) await apiAs(owner, 'PATCH', `/api/chats/${chat.id}`, { callSettings });
  for (const person of [owner, ...members]) await openChat(person, name);
  return { chatId: chat.id, memberIds };
};

/** The people panel's row of someone in the call. */
const row = (id: string) => `[data-test=call-people] [data-person="${id}"]`;

describe('journeys: moderating a call, its people and chat, hands, the preview, and two connect bugs', () => {
  let stack: Stack;
  let browser: Browser;

  beforeAll(async () => {
    stack = await startTestStack('e2e-call-moderation', {
      withLiveKit: true,
      webDist: join(repoRoot(), 'web', 'dist', 'web', 'browser'),
      env: { RING_TIMEOUT_MS: String(RING_MS), CALL_STARTS_PER_MINUTE: '30' },
    });
    const tone = join(mkdtempSync(join(tmpdir(), 'e2e-moderation-')), 'tone.wav');
    writeToneWav(tone);
    browser = await launchBrowser({ fakeAudio: tone });
  });
  afterEach(async () => {
    for (const context of browser.contexts()) await context.close();
  });
  afterAll(async () => {
    await browser?.close();
    await stack?.stop();
  });

  it('a moderator mutes someone, removes them (they may come back), and ends the call for all; each is told', async () => {
    const base = stack.gatewayUrl();
    const owner = await register(browser, base, 'en', DESKTOP, 'Olga Owner');
    const member = await register(browser, base, 'ru', PHONE, 'Марк Участник');
    const { memberIds } = await group(owner, [member], 'Moderation');
    const memberId = memberIds[0]!;
    await startCall(owner, 'audio');
    await accept(member, false);
    await waitForTiles(owner.page, 2);
    await member.page.waitForSelector('[data-test=toggle-mic][aria-pressed=true]');

    // Mute: the member's own microphone goes off and they are told who did it; the owner sees them muted.
    await setPressed(owner.page, '[data-test=toggle-people]', true);
    await owner.page.click(`${row(memberId)} [data-test=mute-person]`);
    await member.page.waitForSelector('[data-test=toggle-mic][aria-pressed=false]', { timeout: 10_000 });
    await waitForText(member.page, '[data-test=call-notice]', 'Администратор выключил вам микрофон');
    await owner.page.waitForSelector(`${row(memberId)} [data-test=person-muted]`);
    await owner.page.waitForSelector(`${row(memberId)} [data-test=mute-person]`, { state: 'detached' });
    await snapshot(owner.page, 'moderation-01-people-muted-en');
    await snapshot(member.page, 'moderation-02-muted-notice-ru-360');
    // Muted by an admin is not a gag: one click turns the microphone back on.
    await flipFrom(member.page, '[data-test=toggle-mic]', false);

    // Remove, confirmed: the member's call closes with the reason, the owner's grid shrinks.
    await owner.page.click(`${row(memberId)} [data-test=remove-person]`);
    await snapshot(owner.page, 'moderation-03-remove-confirm-en');
    await owner.page.click('[data-test=confirm-remove]');
    await member.page.waitForSelector('[data-test=call-window]', { state: 'detached', timeout: 10_000 });
    await waitForText(member.page, '[data-test=call-notice]', 'Администратор удалил вас из звонка');
    await waitForTiles(owner.page, 1);
    await snapshot(member.page, 'moderation-04-removed-ru-360');

    // Still a member of the group: they join again from the chat, then the owner ends the call for everyone.
    await member.page.click('[data-test=join-live-call]');
    await joinFromPreview(member);
    await waitForTiles(owner.page, 2);
    await owner.page.click('[data-test=end-for-all]');
    await owner.page.click('[data-test=confirm-end-for-all]');
    for (const person of [owner, member])
      await person.page.waitForSelector('[data-test=call-window]', { state: 'detached', timeout: 10_000 });
    await waitForText(member.page, '[data-test=call-notice]', 'Администратор завершил звонок для всех');
    expect(owner.errors).toEqual([]);
    expect(member.errors).toEqual([]);
  });

  it('the people panel and the chat beside a video call: roles, ringing and ring again, messages both ways while video flows, an unread mark', async () => {
    const base = stack.gatewayUrl();
    const owner = await register(browser, base, 'ru', DESKTOP, 'Ольга Владелица');
    const member = await register(browser, base, 'en', PHONE, 'Mark Member');
    const late = await register(browser, base, 'en', DESKTOP, 'Lena Late');
    const { memberIds } = await group(owner, [member, late], 'Standup');
    const [memberId, lateId] = memberIds as [string, string];
    const ownerId = await userIdOf(owner);
    await startCall(owner, 'video');
    await accept(member, true);
    await waitForFrames(owner.page, memberId);
    await waitForFrames(member.page, ownerId);

    // Lena is rung and does not answer yet: the panel says so; once she declines, the owner rings her again.
    await setPressed(owner.page, '[data-test=toggle-people]', true);
    await waitForText(owner.page, `${row(memberId)}`, 'Участник');
    await waitForText(owner.page, `${row(ownerId)}`, 'Владелец');
    await waitForText(owner.page, `${row(lateId)}`, 'Звоним');
    await snapshot(owner.page, 'people-01-panel-ru');
    await late.page.waitForSelector('[data-test=incoming-call]');
    await late.page.click('[data-test=decline]');
    await late.page.waitForSelector('[data-test=incoming-call]', { state: 'detached' });
    await owner.page.click(`${row(lateId)} [data-test=ring-person]`);
    await late.page.waitForSelector('[data-test=incoming-call][data-ringing=true]', { timeout: 10_000 });
    await late.page.click('[data-test=decline]');

    // The member writes from the chat panel (it covers the stage on a phone); the owner sees an unread mark.
    await setPressed(member.page, '[data-test=toggle-call-chat]', true);
    await member.page.fill('[data-test=call-chat] [data-test=composer]', 'Can you see my screen?');
    await member.page.click('[data-test=call-chat] [data-test=send]');
    await waitForText(owner.page, '[data-test=call-chat-unread]', '1');
    await snapshot(owner.page, 'people-02-chat-unread-ru');
    await setPressed(owner.page, '[data-test=toggle-call-chat]', true);
    await waitForText(owner.page, '[data-test=call-chat] [data-test=message-text]', 'Can you see my screen?');
    await owner.page.waitForSelector('[data-test=call-chat-unread]', { state: 'detached' });
    await owner.page.fill('[data-test=call-chat] [data-test=composer]', 'Да, всё видно');
    await owner.page.click('[data-test=call-chat] [data-test=send]');
    await waitForText(member.page, '[data-test=call-chat] [data-test=message-text]', 'Да, всё видно');
    await snapshot(member.page, 'people-03-call-chat-en-360');
    // Video kept flowing both ways while the panels were open.
    const seen = await waitForFrames(owner.page, memberId);
    expect(await waitForFrames(owner.page, memberId, seen)).toBeGreaterThan(seen);
    const seenByMember = await waitForFrames(member.page, ownerId);
    expect(await waitForFrames(member.page, ownerId, seenByMember)).toBeGreaterThan(seenByMember);
    for (const person of [owner, member, late]) expect(person.errors).toEqual([]);
  }, 180_000);

  it('hands: raised ones show on tiles and in the panel in the order raised; a moderator lowers one and its owner is told', async () => {
    const base = stack.gatewayUrl();
    const owner = await register(browser, base, 'en', DESKTOP, 'Olga Owner');
    const first = await register(browser, base, 'ru', DESKTOP, 'Фёдор Первый');
    const second = await register(browser, base, 'en', PHONE, 'Sam Second');
    const { memberIds } = await group(owner, [first, second], 'Town hall');
    const [firstId, secondId] = memberIds as [string, string];
    await startCall(owner, 'audio');
    await accept(first, false);
    await accept(second, false);
    await waitForTiles(owner.page, 3);

    await setPressed(first.page, '[data-test=toggle-hand]', true);
    await owner.page.waitForSelector(`[data-test=tile][data-identity="${firstId}"] [data-test=tile-hand]`, { timeout: 10_000 });
    await setPressed(second.page, '[data-test=toggle-hand]', true);
    await owner.page.waitForSelector(`[data-test=tile][data-identity="${secondId}"] [data-test=tile-hand]`, { timeout: 10_000 });
    await setPressed(owner.page, '[data-test=toggle-people]', true);
    await owner.page.waitForFunction(
      (want) =>
        Array.from(document.querySelectorAll('[data-test=hands] [data-person]'))
          .map((el) => el.getAttribute('data-person'))
          .join() === want,
      [firstId, secondId].join(),
    );
    await snapshot(owner.page, 'hands-01-two-raised-en');
    await snapshot(second.page, 'hands-02-raised-en-360');

    // The owner lowers Fyodor's: he is told, his button is up again; Sam lowers his own.
    await owner.page.click(`[data-test=hands] [data-person="${firstId}"] [data-test=lower-hand]`);
    await first.page.waitForSelector('[data-test=toggle-hand][aria-pressed=false]', { timeout: 10_000 });
    await waitForText(first.page, '[data-test=call-notice]', 'Администратор опустил вашу руку');
    await snapshot(first.page, 'hands-03-lowered-ru');
    await setPressed(second.page, '[data-test=toggle-hand]', false);
    await owner.page.waitForSelector('[data-test=hands]', { state: 'detached', timeout: 10_000 });
    await owner.page.waitForSelector('[data-test=tile-hand]', { state: 'detached' });
    for (const person of [owner, first, second]) expect(person.errors).toEqual([]);
  });

  it('the pre-join preview: a video call started with the camera off stays camera-off, and the choice is remembered', async () => {
    const base = stack.gatewayUrl();
    const a = await register(browser, base, 'en', DESKTOP, 'Alice Liddell');
    const b = await register(browser, base, 'ru', PHONE, 'Борис Пастернак');
    const { memberIds } = await group(a, [b], 'Preview');
    const aId = await userIdOf(a);
    await a.page.click('[data-test=start-video]');
    await a.page.waitForSelector('[data-test=prejoin-join]');
    // The preview shows the camera and a live microphone level before anyone is rung.
    await a.page.waitForFunction(
      () =>
        (document
          .querySelector<HTMLVideoElement>('[data-test=prejoin-video] video, video[data-test=prejoin-video]')
          ?.getVideoPlaybackQuality().totalVideoFrames ?? 0) > 0,
    );
    await a.page.waitForFunction(
      () => Number(document.querySelector('[data-test=prejoin-level]')?.getAttribute('aria-valuenow') ?? 0) > 0,
      undefined,
      { timeout: 10_000 },
    );
    expect(await activeCalls(a)).toEqual({ items: [] });
    await snapshot(a.page, 'prejoin-01-preview-en');
    await joinFromPreview(a, { camera: false });
    await a.page.waitForSelector('[data-test=toggle-camera][aria-pressed=false]');

    await accept(b, false);
    await b.page.waitForSelector(`[data-test=tile][data-identity="${aId}"] app-avatar`);
    await staysAbsent(b.page, `[data-test=tile][data-identity="${aId}"][data-kind=camera] video:not(.hidden)`, 1_500);
    await a.page.click('[data-test=leave-call]');
    await a.page.waitForSelector('[data-test=call-window]', { state: 'detached' });
    await b.page.click('[data-test=leave-call]');
    await b.page.waitForSelector('[data-test=call-window]', { state: 'detached' });

    // Next time, on this device, the preview starts with the camera off.
    await a.page.click('[data-test=start-video]');
    await a.page.waitForSelector('[data-test=prejoin-camera][aria-pressed=false]');
    await a.page.click('[data-test=prejoin-cancel]');
    await a.page.waitForSelector('[data-test=prejoin-join]', { state: 'detached' });
    // B's preview in Russian on a phone, from the chat's own call button.
    await b.page.click('[data-test=start-video]');
    await b.page.waitForSelector('[data-test=prejoin-join]');
    await snapshot(b.page, 'prejoin-02-preview-ru-360');
    await b.page.click('[data-test=prejoin-cancel]');
    expect(memberIds).toHaveLength(1);
    expect(a.errors).toEqual([]);
    expect(b.errors).toEqual([]);
  });

  it('a failed connection to the media leaves no ghost participant behind', async () => {
    const base = stack.gatewayUrl();
    const owner = await register(browser, base, 'en', DESKTOP, 'Olga Owner');
    const member = await register(browser, base, 'en', PHONE, 'Mark Member');
    const { memberIds } = await group(owner, [member], 'Flaky network');
    // The member's browser cannot reach LiveKit: its signal socket is refused, as behind a firewall.
    await member.page.addInitScript(() => {
      const Native = window.WebSocket;
      window.WebSocket = new Proxy(Native, {
        construct(target, args: [string | URL, (string | string[])?]) {
          if (String(args[0]).includes('/rtc')) throw new DOMException('blocked by the journey', 'SecurityError');
          return new target(...args);
        },
      });
    });
    await member.page.reload();
    // The phone shows the open chat after the reload, its list (and the status line) hidden.
    await member.page.waitForSelector('.me__status[data-state="online"]', { state: 'attached' });
    await waitForText(member.page, '[data-test=chat-title]', 'Flaky network');
    await startCall(owner, 'audio');
    await member.page.waitForSelector('[data-test=incoming-call]', { timeout: 15_000 });
    await member.page.click('[data-test=accept-audio]');
    await member.page.waitForSelector('[data-test=call-notice]', { timeout: 30_000 });
    await snapshot(member.page, 'ghost-01-failed-en-360');
    // The server does not count them in: the owner's call lists only the owner, and the member is not busy.
    const callOf = async () => (await activeCalls(owner)).items[0];
    await expect.poll(async () => (await callOf())?.participants, { timeout: 10_000 }).toEqual([await userIdOf(owner)]);
    await setPressed(owner.page, '[data-test=toggle-people]', true);
    await owner.page.waitForSelector(`[data-test=away-person][data-person="${memberIds[0]}"]`);
    expect(owner.errors).toEqual([]);
  });

  it('under muteAll a member joins muted and one click unmutes them for good', async () => {
    const base = stack.gatewayUrl();
    const owner = await register(browser, base, 'ru', DESKTOP, 'Ольга Владелица');
    const member = await register(browser, base, 'en', DESKTOP, 'Mark Member');
    const { memberIds } = await group(owner, [member], 'Muted by default', { muteAll: true });
    const memberId = memberIds[0]!;
    await startCall(owner, 'audio');
    await accept(member, false);
    await member.page.waitForSelector('[data-test=toggle-mic][aria-pressed=false]:not([disabled])');
    await owner.page.waitForSelector(`[data-test=tile][data-identity="${memberId}"] [data-test=mic-off]`);
    await flipFrom(member.page, '[data-test=toggle-mic]', false);
    // The server used to mute the first publication again: watch a window long enough for its webhook to come and act.
    await staysAbsent(member.page, '[data-test=toggle-mic][aria-pressed=false]', 4_000);
    await owner.page.waitForSelector(`audio[data-identity="${memberId}"]`, { state: 'attached', timeout: 10_000 });
    await owner.page.waitForSelector(`[data-test=tile][data-identity="${memberId}"] [data-test=mic-off]`, { state: 'detached' });
    await snapshot(member.page, 'muteall-01-unmuted-en');
    expect(owner.errors).toEqual([]);
    expect(member.errors).toEqual([]);
  });
});
