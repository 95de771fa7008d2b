import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';

/**
 * Debian's Chromium, headless, with no traffic to anything but this machine (see FACTS.md). Fake camera and
 * microphone; `fakeAudio` replaces the microphone's beeps with a WAV file (looped), e.g. a steady tone.
 */
export const launchBrowser = (options: { fakeAudio?: string } = {}): Promise<Browser> =>
  chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--use-fake-ui-for-media-stream',
      '--use-fake-device-for-media-stream',
      '--allow-loopback-in-peer-connection',
      ...(options.fakeAudio ? [`--use-file-for-fake-audio-capture=${options.fakeAudio}`] : []),
    ],
  });

/** Writes a WAV of a steady 440 Hz tone: a microphone that is always "speaking" for LiveKit's speaker detection. */
export const writeToneWav = (path: string, seconds = 2, rate = 48_000): void => {
  const samples = seconds * rate;
  const wav = Buffer.alloc(44 + samples * 2);
  wav.write('RIFF', 0);
  wav.writeUInt32LE(36 + samples * 2, 4);
  wav.write('WAVEfmt ', 8);
  wav.writeUInt32LE(16, 16);
  wav.writeUInt16LE(1, 20); // PCM
  wav.writeUInt16LE(1, 22); // mono
  wav.writeUInt32LE(rate, 24);
  wav.writeUInt32LE(rate * 2, 28);
  wav.writeUInt16LE(2, 32);
  wav.writeUInt16LE(16, 34);
  wav.write('data', 36);
  wav.writeUInt32LE(samples * 2, 40);
  for (let i = 0; i < samples; i++) wav.writeInt16LE(Math.round(Math.sin((2 * Math.PI * 440 * i) / rate) * 16_000), 44 + i * 2);
  writeFileSync(path, wav);
};

const ARTIFACTS = join(import.meta.dirname, '..', 'artifacts', 'e2e');

/** Saves a screenshot as a test artifact (git-ignored), for a person to look at. */
export const snapshot = async (page: Page, name: string): Promise<void> => {
  mkdirSync(ARTIFACTS, { recursive: true });
  await page.screenshot({ path: join(ARTIFACTS, `${name}.png`) });
};

/** Collects console errors: a journey fails if the app logs any. */
export const consoleErrors = (page: Page): string[] => {
  const errors: string[] = [];
  page.on('console', (message) => {
    if (message.type() === 'error') errors.push(message.text());
  });
  page.on('pageerror', (error) => errors.push(error.message));
  return errors;
};

/**
 * What a person would call broken layout: the page scrolls sideways, or a text box cuts its text
 * without an ellipsis. Returns a line per problem, naming the element.
 */
export const layoutProblems = (page: Page): Promise<string[]> =>
  page.evaluate(() => {
    const problems: string[] = [];
    const root = document.documentElement;
    if (root.scrollWidth > window.innerWidth + 1) problems.push(`page is ${root.scrollWidth}px wide in a ${window.innerWidth}px window`);
    const describe = (el: Element) =>
      `${el.tagName.toLowerCase()}${el.className && typeof el.className === 'string' ? '.' + el.className.trim().split(/\s+/).join('.') : ''}`;
    for (const el of Array.from(document.querySelectorAll('body *'))) {
      const style = getComputedStyle(el);
      if (style.display === 'none' || style.visibility === 'hidden' || !(el as HTMLElement).offsetParent) continue;
      // Text for screen readers only (the .visually-hidden pattern: clipped to nothing) is cut on purpose.
      if (style.clip === 'rect(0px, 0px, 0px, 0px)') continue;
      const box = el.getBoundingClientRect();
      if (box.width === 0 || box.height === 0) continue;
      if (box.right > window.innerWidth + 1 && style.position !== 'fixed')
        problems.push(`${describe(el)} ends at ${Math.round(box.right)}px`);
      const hasOwnText = Array.from(el.childNodes).some((n) => n.nodeType === Node.TEXT_NODE && n.textContent!.trim());
      if (!hasOwnText) continue;
      const clipsX = el.scrollWidth > el.clientWidth + 1 && style.overflowX !== 'visible' && style.textOverflow !== 'ellipsis';
      if (clipsX && !['auto', 'scroll'].includes(style.overflowX)) problems.push(`${describe(el)} cuts its text`);
    }
    return problems;
  });
