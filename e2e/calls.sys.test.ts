// The callbacks given to page.waitForFunction run in the browser.
/// <reference lib="dom" />
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Stack } from '@messenger/kit/stack';
import { repoRoot, startTestStack } from '@messenger/kit/testing';
import { launchBrowser, snapshot } from './browser.js';
import { register, waitForText, type Person } from './people.js';

/** Frames the <video> of someone's camera tile has decoded so far (0 while it shows the avatar). */
const framesOf = (page: Page, identity: string) =>
  page.evaluate((id) => {
    const video = document.querySelector<HTMLVideoElement>(`[data-test=tile][data-identity="${id}"][data-kind=camera] video:not(.hidden)`);
    return video ? video.getVideoPlaybackQuality().totalVideoFrames : 0;
  }, identity);

/** Waits until `identity`'s video on `page` has decoded more frames than `than`. */
const waitForFrames = async (page: Page, identity: string, than = 0, timeout = 20_000): Promise<number> => {
  const until = Date.now() + timeout;
  for (;;) {
    const frames = await framesOf(page, identity);
    if (frames > than) return frames;
    if (Date.now() > until) throw new Error(`no video frames from ${identity} (still ${frames})`);
    await page.waitForTimeout(100);
  }
};

/** Opens a personal chat with `other` through the menu's "New chat". */
const openPersonalChat = async (person: Person, other: Person) => {
  await person.page.click('[data-test=menu]');
  await person.page.click('[data-test=menu-new-chat]');
  await person.page.fill('[data-test=new-chat-search]', other.username);
  await person.page.click('[data-test=new-chat-user]');
  await person.page.waitForURL(/\/chats\/[a-f0-9]{24}$/);
};

const userIdOf = async (person: Person): Promise<string> => {
  const response = await person.page.evaluate(async () => {
    const refreshed = await fetch('/api/auth/refresh', { method: 'POST', credentials: 'include' });
    return (await refreshed.json()) as { user: { id: string } };
  });
  return response.user.id;
};

describe('journeys: calls in the browser, with real media through LiveKit on loopback', () => {
  let stack: Stack;
  let browser: Browser;

  beforeAll(async () => {
    stack = await startTestStack('e2e-calls', {
      withLiveKit: true,
      webDist: join(repoRoot(), 'web', 'dist', 'web', 'browser'),
      // A short ring, so a missed call is over in seconds; more starts than a person would make.
      env: { RING_TIMEOUT_MS: '4000', CALL_STARTS_PER_MINUTE: '30' },
    });
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    await stack?.stop();
  });

  it('1:1 video: B is rung, accepts with video, both see the other’s video flow; mute and camera-off show on the other side; hanging up leaves a call line with its duration', async () => {
    const base = stack.gatewayUrl();
    const a = await register(browser, base, 'en', { width: 1440, height: 900 }, 'Alice Liddell');
    const b = await register(browser, base, 'ru', { width: 1440, height: 900 }, 'Борис Пастернак');
    const [aId, bId] = [await userIdOf(a), await userIdOf(b)];
    await openPersonalChat(a, b);
    await b.page.waitForSelector('[data-test=chat-row]');
    await b.page.click('[data-test=chat-row]');

    await a.page.click('[data-test=start-video]');
    await a.page.waitForSelector('[data-test=call-window]');
    await b.page.waitForSelector('[data-test=incoming-call][data-ringing=true]');
    expect(await b.page.textContent('[data-test=incoming-call]')).toContain('Alice Liddell');
    await snapshot(b.page, 'calls-01-incoming-ru');

    const accepted = Date.now();
    await b.page.click('[data-test=accept-video]');
    await b.page.waitForSelector('[data-test=call-window]');
    await b.page.waitForSelector('[data-test=incoming-call]', { state: 'detached' });
    const first = await waitForFrames(b.page, aId);
    console.log(`B's first decoded frame of A's video came ${Date.now() - accepted} ms after B's accept click`);
    const firstOnA = await waitForFrames(a.page, bId);
    await b.page.waitForTimeout(1_000);
    expect(await framesOf(b.page, aId)).toBeGreaterThan(first);
    expect(await framesOf(a.page, bId)).toBeGreaterThan(firstOnA);
    await snapshot(a.page, 'calls-02-window-2-tiles-en');

    // A mutes: B's tile of A shows the mic-off mark within 2 s.
    await a.page.click('[data-test=toggle-mic]');
    await b.page.waitForSelector(`[data-test=tile][data-identity="${aId}"] [data-test=mic-off]`, { timeout: 2_000 });
    // A turns the camera off: B sees A's avatar instead of video.
    await a.page.click('[data-test=toggle-camera]');
    await b.page.waitForSelector(`[data-test=tile][data-identity="${aId}"] app-avatar`, { timeout: 5_000 });
    await snapshot(b.page, 'calls-03-window-peer-camera-off-ru');

    // Minimised, the call goes on in the overlay; a click brings the window back.
    await b.page.click('[data-test=minimize-call]');
    await b.page.waitForSelector('[data-test=call-overlay]');
    await snapshot(b.page, 'calls-04-overlay-ru');
    await b.page.click('[data-test=restore-call]');
    await b.page.waitForSelector('[data-test=call-window]');

    await b.page.waitForTimeout(1_000);
    await a.page.click('[data-test=leave-call]');
    await a.page.waitForSelector('[data-test=call-window]', { state: 'detached' });
    await b.page.waitForSelector('[data-test=call-window]', { state: 'detached', timeout: 10_000 });
    await waitForText(a.page, '[data-test=system-message]', 'Video call · 0:0');
    await waitForText(b.page, '[data-test=system-message]', 'Видеозвонок · 0:0');
    await snapshot(b.page, 'calls-05-after-call-ru');
    // No camera or microphone is left running after the call.
    for (const person of [a, b])
      expect(await person.page.evaluate(() => document.querySelectorAll('audio[data-call-audio]').length)).toBe(0);
    expect(a.errors).toEqual([]);
    expect(b.errors).toEqual([]);
    await a.context.close();
    await b.context.close();
  });

  it('declined and missed: both end as such on both sides and in the chat', async () => {
    const base = stack.gatewayUrl();
    const a = await register(browser, base, 'en', { width: 1280, height: 800 }, 'Alice Liddell');
    const b = await register(browser, base, 'en', { width: 360, height: 740 }, 'Bob Dylan');
    await openPersonalChat(a, b);
    await b.page.waitForSelector('[data-test=chat-row]');
    await b.page.click('[data-test=chat-row]');

    await a.page.click('[data-test=start-audio]');
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
    await a.page.click('[data-test=start-audio]');
    await b.page.waitForSelector('[data-test=incoming-call][data-ringing=true]');
    // Nobody answers: the ring times out on both sides.
    await b.page.waitForSelector('[data-test=incoming-call]', { state: 'detached', timeout: 15_000 });
    await waitForText(a.page, '[data-test=call-notice]', 'No answer');
    await waitForText(a.page, '[data-test=system-message]', 'Missed call');
    await waitForText(b.page, '[data-test=system-message]', 'Missed call');
    await snapshot(b.page, 'calls-07-missed-en-360');
    expect(a.errors).toEqual([]);
    expect(b.errors).toEqual([]);
    await a.context.close();
    await b.context.close();
  });
});
