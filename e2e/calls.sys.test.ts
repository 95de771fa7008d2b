// The callbacks given to page.waitForFunction run in the browser.
/// <reference lib="dom" />
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Stack } from '@messenger/kit/stack';
import { repoRoot, startTestStack } from '@messenger/kit/testing';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { launchBrowser, snapshot, writeToneWav } from './browser.js';
import {
  accept,
  apiAs,
  joinFromPreview,
  openChat,
  openPersonalChat,
  startCall,
  userIdOf,
  waitForFrames,
  waitForTiles,
} from './call-steps.js';
import { register, waitForText, type Person } from './people.js';
import { flipFrom, staysAbsent } from './toggles.js';

/** How long an unanswered call rings in these journeys. */
const RING_MS = 15_000;

describe('journeys: calls in the browser, with real media through LiveKit on loopback', () => {
  let stack: Stack;
  let browser: Browser;

  beforeAll(async () => {
    stack = await startTestStack('e2e-calls', {
      withLiveKit: true,
      // The scaled topology: two gateways and two replicas of each service (the 1:1 call crosses gateways).
      gateways: 2,
      replicas: { users: 2, groups: 2, calls: 2 },
      webDist: join(repoRoot(), 'web', 'dist', 'web', 'browser'),
      // A short ring, so a missed call is over in seconds (long enough that a busy machine still answers in time);
      // more starts than a person would make.
      env: { RING_TIMEOUT_MS: String(RING_MS), CALL_STARTS_PER_MINUTE: '30' },
    });
    // Every microphone plays a steady tone, so whoever has theirs on counts as speaking.
    const tone = join(mkdtempSync(join(tmpdir(), 'e2e-calls-')), 'tone.wav');
    writeToneWav(tone);
    browser = await launchBrowser({ fakeAudio: tone });
  });
  afterEach(async () => {
    // A failed journey must not leave its browsers running into the next one.
    for (const context of browser.contexts()) await context.close();
  });
  afterAll(async () => {
    await browser?.close();
    await stack?.stop();
  });

  it('1:1 video across two gateways: B is rung, accepts with video, both see the other’s video flow; mute and camera-off show on the other side; hanging up leaves a call line with its duration', async () => {
    const base = stack.gatewayUrl();
    const a = await register(browser, base, 'en', { width: 1440, height: 900 }, 'Alice Liddell');
    // Boris uses the other gateway: the ring, the pushes and the call all cross between replicas.
    const b = await register(browser, stack.gatewayUrl(1), 'ru', { width: 1440, height: 900 }, 'Борис Пастернак');
    const [aId, bId] = [await userIdOf(a), await userIdOf(b)];
    await openPersonalChat(a, b);
    await b.page.waitForSelector('[data-test=chat-row]');
    await b.page.click('[data-test=chat-row]');

    await startCall(a, 'video');
    await b.page.waitForSelector('[data-test=incoming-call][data-ringing=true]');
    await waitForText(b.page, '[data-test=incoming-call]', 'Alice Liddell');
    await snapshot(b.page, 'calls-01-incoming-ru');

    const accepted = Date.now();
    await b.page.click('[data-test=accept-video]');
    await b.page.waitForSelector('[data-test=call-window]');
    await b.page.waitForSelector('[data-test=incoming-call]', { state: 'detached' });
    const first = await waitForFrames(b.page, aId);
    console.log(`B's first decoded frame of A's video came ${Date.now() - accepted} ms after B's accept click`);
    const firstOnA = await waitForFrames(a.page, bId);
    expect(await waitForFrames(b.page, aId, first)).toBeGreaterThan(first);
    expect(await waitForFrames(a.page, bId, firstOnA)).toBeGreaterThan(firstOnA);
    await snapshot(a.page, 'calls-02-window-2-tiles-en');

    // A mutes (the microphone is live after the start, and the click is known to turn it off): B's tile of A shows
    // the mic-off mark within 2 s.
    await flipFrom(a.page, '[data-test=toggle-mic]', true);
    await b.page.waitForSelector(`[data-test=tile][data-identity="${aId}"] [data-test=mic-off]`, { timeout: 2_000 });
    // A turns the camera off: B sees A's avatar instead of video.
    await flipFrom(a.page, '[data-test=toggle-camera]', true);
    await b.page.waitForSelector(`[data-test=tile][data-identity="${aId}"] app-avatar`, { timeout: 5_000 });
    await snapshot(b.page, 'calls-03-window-peer-camera-off-ru');

    // Minimised, the call goes on in the overlay; a click brings the window back.
    await b.page.click('[data-test=minimize-call]');
    await b.page.waitForSelector('[data-test=call-overlay]');
    await snapshot(b.page, 'calls-04-overlay-ru');
    await b.page.click('[data-test=restore-call]');
    await b.page.waitForSelector('[data-test=call-window]');

    await a.page.click('[data-test=leave-call]');
    await a.page.waitForSelector('[data-test=call-window]', { state: 'detached' });
    await b.page.waitForSelector('[data-test=call-window]', { state: 'detached', timeout: 10_000 });
    // The call line carries the duration (m:ss).
    await waitForText(a.page, '[data-test=system-message]', 'Video call · 0:');
    await waitForText(b.page, '[data-test=system-message]', 'Видеозвонок · 0:');
    await a.page.waitForFunction(() =>
      /Video call · 0:\d\d$/.test(document.querySelector('[data-test=system-message]:last-child')?.textContent?.trim() ?? ''),
    );
    await snapshot(b.page, 'calls-05-after-call-ru');
    // No camera or microphone is left running after the call.
    for (const person of [a, b]) await person.page.waitForFunction(() => document.querySelectorAll('audio[data-call-audio]').length === 0);
    expect(a.errors).toEqual([]);
    expect(b.errors).toEqual([]);
    await a.context.close();
    await b.context.close();
  });

  it('after a reload during a group call, offers to rejoin, and rejoining puts the person back in the call', async () => {
    const base = stack.gatewayUrl();
    const a = await register(browser, base, 'en', { width: 1280, height: 800 }, 'Alice Liddell');
    const b = await register(browser, base, 'ru', { width: 1280, height: 800 }, 'Борис Пастернак');
    const bId = await userIdOf(b);
    await apiAs(a, 'POST', '/api/chats', { type: 'group', name: 'Reload club', memberIds: [bId] });
    await openChat(a, 'Reload club');
    await openChat(b, 'Reload club');
    await startCall(a, 'audio');
    await accept(b, false);
    await waitForTiles(a.page, 2);

    await b.page.reload();
    await b.page.waitForSelector('[data-test=rejoin-offer]', { timeout: 15_000 });
    await snapshot(b.page, 'calls-08-rejoin-offer-ru');
    await b.page.click('[data-test=rejoin-offer] .btn');
    await b.page.waitForSelector('[data-test=call-window]');
    await waitForTiles(b.page, 2);
    await a.page.waitForSelector(`[data-test=tile][data-identity="${bId}"]`);
    // In a group, one leaving does not end the call for the other.
    await a.page.click('[data-test=leave-call]');
    await waitForTiles(b.page, 1);
    await b.page.click('[data-test=leave-call]');
    await b.page.waitForSelector('[data-test=call-window]', { state: 'detached' });
    expect(a.errors).toEqual([]);
    expect(b.errors).toEqual([]);
  });

  it('declined and missed: both end as such on both sides and in the chat', async () => {
    const base = stack.gatewayUrl();
    const a = await register(browser, base, 'en', { width: 1280, height: 800 }, 'Alice Liddell');
    const b = await register(browser, base, 'en', { width: 360, height: 740 }, 'Bob Dylan');
    await openPersonalChat(a, b);
    await b.page.waitForSelector('[data-test=chat-row]');
    await b.page.click('[data-test=chat-row]');

    await startCall(a, 'audio');
    await b.page.waitForSelector('[data-test=incoming-call]');
    await snapshot(b.page, 'calls-06-incoming-en-360');
    await b.page.click('[data-test=decline]');
    await waitForText(a.page, '[data-test=call-notice]', 'Call declined').catch(async (error: unknown) => {
      await snapshot(a.page, 'calls-debug-a');
      await snapshot(b.page, 'calls-debug-b');
      throw error;
    });
    await waitForText(a.page, '[data-test=system-message]', 'Declined call');
    await waitForText(b.page, '[data-test=system-message]', 'Declined call');

    await a.page.click('[data-test=call-notice] button');
    await startCall(a, 'audio');
    await b.page.waitForSelector('[data-test=incoming-call][data-ringing=true]');
    // Nobody answers: the ring times out on both sides.
    await b.page.waitForSelector('[data-test=incoming-call]', { state: 'detached', timeout: RING_MS + 10_000 });
    await waitForText(a.page, '[data-test=call-notice]', 'No answer');
    await waitForText(a.page, '[data-test=system-message]', 'Missed call');
    await waitForText(b.page, '[data-test=system-message]', 'Missed call');
    await snapshot(b.page, 'calls-07-missed-en-360');
    expect(a.errors).toEqual([]);
    expect(b.errors).toEqual([]);
    await a.context.close();
    await b.context.close();
  });

  it('group: three see three tiles with flowing video, the speaking ring follows the live microphone, a shared screen is pinned, and the grid shrinks when one leaves; six people fit', async () => {
    const base = stack.gatewayUrl();
    const owner = await register(browser, base, 'en', { width: 1440, height: 900 }, 'Olga Owner');
    const m1 = await register(browser, base, 'en', { width: 1280, height: 720 }, 'Mark Member');
    const m2 = await register(browser, base, 'ru', { width: 1280, height: 720 }, 'Мария Участница');
    // Three listeners, signed in before the call so their pages are ready; they join later, without video.
    const quiet = [
      await register(browser, base, 'en', { width: 800, height: 600 }, 'Xavier Listener'),
      await register(browser, base, 'en', { width: 800, height: 600 }, 'Yara Listener'),
      await register(browser, base, 'en', { width: 800, height: 600 }, 'Zoe Listener'),
    ];
    const everyone = [owner, m1, m2, ...quiet];
    const ids = new Map<Person, string>();
    for (const person of everyone) ids.set(person, await userIdOf(person));
    const name = 'Band practice';
    await apiAs(owner, 'POST', '/api/chats', { type: 'group', name, memberIds: everyone.slice(1).map((p) => ids.get(p)!) });
    for (const person of everyone) await openChat(person, name);

    await startCall(owner, 'video');
    // The two answer while they are rung (the ring is short), not after the owner's own media is up.
    await Promise.all([accept(m1, true), accept(m2, true)]);
    for (const person of [owner, m1, m2]) {
      await waitForTiles(person.page, 3);
      for (const other of [owner, m1, m2].filter((p) => p !== person)) {
        // Flowing: decoded frames keep growing between two samples.
        const seen = await waitForFrames(person.page, ids.get(other)!);
        expect(await waitForFrames(person.page, ids.get(other)!, seen)).toBeGreaterThan(seen);
      }
    }
    await snapshot(owner.page, 'calls-12-tiles-3');

    // Only Mark's microphone is live: the ring shows on his tile, and not on Maria's.
    await flipFrom(owner.page, '[data-test=toggle-mic]', true);
    await flipFrom(m2.page, '[data-test=toggle-mic]', true);
    await m1.page.waitForSelector('[data-test=toggle-mic][aria-pressed=true]');
    const ring = (id: string) => `[data-test=tile][data-identity="${id}"][data-kind=camera].tile--speaking`;
    await owner.page.waitForSelector(ring(ids.get(m1)!), { timeout: 10_000 });
    await owner.page.waitForSelector(ring(ids.get(m2)!), { state: 'detached', timeout: 10_000 });
    await snapshot(owner.page, 'calls-13-speaking');

    // Maria shares her screen: the others see it pinned large, and it plays.
    await flipFrom(m2.page, '[data-test=toggle-screen]', false);
    for (const person of [owner, m1]) {
      await person.page.waitForSelector(`.stage__main [data-identity="${ids.get(m2)!}"][data-kind=screen]`, { timeout: 15_000 });
      await person.page.waitForFunction(
        (id) =>
          (document
            .querySelector<HTMLVideoElement>(`.stage__main [data-identity="${id}"][data-kind=screen] video`)
            ?.getVideoPlaybackQuality().totalVideoFrames ?? 0) > 0,
        ids.get(m2)!,
        { timeout: 15_000 },
      );
    }
    await snapshot(owner.page, 'calls-14-screen-share');
    await flipFrom(m2.page, '[data-test=toggle-screen]', true);
    await owner.page.waitForSelector('.stage__main', { state: 'detached', timeout: 10_000 });

    // The listeners' ring has timed out by now (its card closed by itself); they join from the chat's
    // "call in progress" bar: six tiles.
    for (const person of quiet) {
      await person.page.waitForSelector('[data-test=incoming-call]', { state: 'detached', timeout: RING_MS + 10_000 });
      await person.page.click('[data-test=join-live-call]');
      await joinFromPreview(person, { camera: false });
    }
    await waitForTiles(owner.page, 6, 20_000);
    await snapshot(owner.page, 'calls-15-tiles-6');

    // Maria leaves: everyone else's grid shrinks to five.
    await m2.page.click('[data-test=leave-call]');
    await waitForTiles(owner.page, 5);
    await waitForTiles(m1.page, 5);
    await waitForTiles(quiet[0]!.page, 5);

    for (const person of everyone) expect(person.errors).toEqual([]);
    for (const person of everyone) await person.context.close();
  }, 240_000);

  it('permissions: with onlyAdminsCanSpeak a member’s microphone is off with its reason, and none of their sound reaches the others', async () => {
    const base = stack.gatewayUrl();
    const owner = await register(browser, base, 'en', { width: 1280, height: 800 }, 'Olga Owner');
    const member = await register(browser, base, 'en', { width: 1280, height: 800 }, 'Mark Member');
    const memberId = await userIdOf(member);
    const chat = await apiAs(owner, 'POST', '/api/chats', { type: 'group', name: 'Lecture', memberIds: [memberId] });
    await apiAs(owner, 'PATCH', `/api/chats/${chat.id}`, { callSettings: { onlyAdminsCanSpeak: true } });
    await openChat(owner, 'Lecture');
    await openChat(member, 'Lecture');

    await startCall(owner, 'audio');
    await accept(member, false);
    await member.page.waitForSelector('[data-test=toggle-mic][disabled]');
    expect(await member.page.textContent('[data-test=mic-reason]')).toContain('Only admins can speak');
    expect(await member.page.getAttribute('[data-test=toggle-mic]', 'title')).toContain('Only admins can speak');
    // The owner hears nothing from the member: no sound of theirs is subscribed; the member hears the owner.
    await member.page.waitForSelector(`audio[data-call-audio]`, { state: 'attached', timeout: 10_000 });
    await owner.page.waitForSelector(`[data-test=tile][data-identity="${memberId}"] [data-test=mic-off]`);
    await staysAbsent(owner.page, `audio[data-identity="${memberId}"]`, 1_500);
    await snapshot(member.page, 'calls-16-listen-only');
    // Even the shortcut does nothing.
    await member.page.keyboard.press('Control+Shift+M');
    await staysAbsent(owner.page, `audio[data-identity="${memberId}"]`, 1_500);
    await member.page.waitForSelector('[data-test=toggle-mic][disabled][aria-pressed=false]');

    expect(owner.errors).toEqual([]);
    expect(member.errors).toEqual([]);
    await owner.context.close();
    await member.context.close();
  });
});
