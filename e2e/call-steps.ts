// Steps the call journeys share. The callbacks given to page.waitForFunction and page.evaluate run in the browser.
/// <reference lib="dom" />
import type { Page } from 'playwright-core';
import { waitForText, type Person } from './people.js';

/** Frames the <video> of someone's camera tile has decoded so far (0 while it shows the avatar). */
export const framesOf = (page: Page, identity: string) =>
  page.evaluate((id) => {
    const video = document.querySelector<HTMLVideoElement>(`[data-test=tile][data-identity="${id}"][data-kind=camera] video:not(.hidden)`);
    return video ? video.getVideoPlaybackQuality().totalVideoFrames : 0;
  }, identity);

/**
 * Waits until `identity`'s video on `page` has decoded more frames than `than`. Generous: three browsers encoding
 * and decoding video on a busy 2-core machine can take long to get going, and what is checked is that video flows.
 */
export const waitForFrames = async (page: Page, identity: string, than = 0, timeout = 45_000): Promise<number> => {
  const until = Date.now() + timeout;
  for (;;) {
    const frames = await framesOf(page, identity);
    if (frames > than) return frames;
    if (Date.now() > until) throw new Error(`no video frames from ${identity} (still ${frames})`);
    await page.waitForTimeout(100);
  }
};

/**
 * Waits until `identity`'s video on `page` is decoding now: more frames than half a second before. Unlike a count
 * taken once, this holds when a reconnect put a new <video> (counting from 0) in the tile's place. On timeout it
 * says what the page showed: the frames, and whether the call said it was reconnecting.
 */
export const waitForFlowingVideo = async (page: Page, identity: string, timeout: number): Promise<void> => {
  const until = Date.now() + timeout;
  for (;;) {
    const before = await framesOf(page, identity);
    await page.waitForTimeout(500);
    const after = await framesOf(page, identity);
    if (after > before) return;
    if (Date.now() > until) {
      const reconnecting = await page.locator('[data-test=reconnecting]').count();
      const window = await page.locator('[data-test=call-window]').count();
      throw new Error(
        `no video flowing from ${identity} (${after} frames; call window ${window ? 'open' : 'closed'}, reconnecting banner ${reconnecting ? 'shown' : 'not shown'})`,
      );
    }
  }
};

/** Opens a personal chat with `other` through the menu's "New chat"; returns the chat's id. */
export const openPersonalChat = async (person: Person, other: Person): Promise<string> => {
  await person.page.click('[data-test=menu]');
  await person.page.click('[data-test=menu-new-chat]');
  await person.page.fill('[data-test=new-chat-search]', other.username);
  await person.page.click('[data-test=new-chat-user]');
  await person.page.waitForURL(/\/chats\/[a-f0-9]{24}$/);
  return person.page.url().split('/').pop()!;
};

export const userIdOf = async (person: Person): Promise<string> => {
  const response = await person.page.evaluate(async () => {
    const refreshed = await fetch('/api/auth/refresh', { method: 'POST', credentials: 'include' });
    return (await refreshed.json()) as { user: { id: string } };
  });
  return response.user.id;
};

/** Calls the API as `person` (a fresh token from their refresh cookie), from inside their page. */
export const apiAs = <T = { id: string }>(person: Person, method: string, path: string, body?: unknown): Promise<T> =>
  person.page.evaluate(
    async ([m, p, b]) => {
      const { accessToken } = (await (await fetch('/api/auth/refresh', { method: 'POST', credentials: 'include' })).json()) as {
        accessToken: string;
      };
      const response = await fetch(p, {
        method: m,
        headers: { authorization: `Bearer ${accessToken}`, 'content-type': 'application/json' },
        body: b === undefined ? undefined : JSON.stringify(b),
      });
      return (await response.json()) as T;
    },
    [method, path, body] as const,
  );

export const waitForTiles = (page: Page, count: number, timeout = 15_000) =>
  page.waitForFunction((n) => document.querySelector('[data-test=call-grid]')?.getAttribute('data-count') === String(n), count, {
    timeout,
  });

/** Opens the chat named `name` from the list. */
export const openChat = async (person: Person, name: string) => {
  await waitForText(person.page, '[data-test=chat-name]', name);
  await person.page.click(`[data-test=chat-row]:has-text("${name}")`);
  await waitForText(person.page, '[data-test=chat-title]', name);
  await person.page.waitForSelector('[data-test=composer], .read-only');
};

/** Accepts the ringing call (with or without video) and waits for the call window. */
export const accept = async (person: Person, video: boolean) => {
  await person.page.waitForSelector('[data-test=incoming-call]', { timeout: 15_000 });
  await person.page.click(video ? '[data-test=accept-video]' : '[data-test=accept-audio]');
  await person.page.waitForSelector('[data-test=call-window]');
};

/**
 * Starts a call from the chat header through the pre-join preview: `camera` false switches the camera off there
 * (a video call that begins with the camera off); the preview's other choices are left as they are.
 */
export const startCall = async (person: Person, type: 'audio' | 'video', options: { camera?: boolean } = {}) => {
  await person.page.click(type === 'video' ? '[data-test=start-video]' : '[data-test=start-audio]');
  await joinFromPreview(person, options);
};

/** In the pre-join preview (from "start" or "join" in the chat): sets the camera as asked, then joins. */
export const joinFromPreview = async (person: Person, options: { camera?: boolean } = {}) => {
  await person.page.waitForSelector('[data-test=prejoin-join]');
  if (options.camera !== undefined) {
    const camera = person.page.locator('[data-test=prejoin-camera]');
    if ((await camera.getAttribute('aria-pressed')) !== String(options.camera)) await camera.click();
    await person.page.waitForSelector(`[data-test=prejoin-camera][aria-pressed="${options.camera}"]`);
  }
  await person.page.click('[data-test=prejoin-join]');
  await person.page.waitForSelector('[data-test=call-window]');
};

/** The user's calls as the server sees them (live ones they are in or rung for). */
export const activeCalls = async (person: Person) =>
  apiAs<{ items: { id: string; participants: string[] }[] }>(person, 'GET', '/api/calls/active');
