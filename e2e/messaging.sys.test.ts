// The callbacks given to page.waitForFunction and page.evaluate run in the browser.
/// <reference lib="dom" />
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Chat, Message } from '@messenger/contracts';
import type { Stack } from '@messenger/kit/stack';
import { repoRoot, startTestStack } from '@messenger/kit/testing';
import { launchBrowser, layoutProblems, snapshot } from './browser.js';
import { apiAs, openChat, userIdOf } from './call-steps.js';
import { register, waitForText, type Person } from './people.js';

const shot = (person: Person, step: string) => snapshot(person.page, `messaging-${step}`);

/** Sends many messages as `person` with one token (seeding older history), in order; returns them. */
const sendManyAs = (person: Person, chatId: string, texts: string[]): Promise<Message[]> =>
  person.page.evaluate(
    async ([id, all]) => {
      const { accessToken } = (await (await fetch('/api/auth/refresh', { method: 'POST', credentials: 'include' })).json()) as {
        accessToken: string;
      };
      const sent: Message[] = [];
      for (const text of all) {
        const response = await fetch(`/api/chats/${id}/messages`, {
          method: 'POST',
          headers: { authorization: `Bearer ${accessToken}`, 'content-type': 'application/json' },
          body: JSON.stringify({ text }),
        });
        sent.push((await response.json()) as Message);
      }
      return sent;
    },
    [chatId, texts] as const,
  );

/** The message row with this id (on screen or not yet). */
const row = (id: string) => `[data-test=message][data-message-id="${id}"]`;

/** Opens a message's actions: the hover toolbar's "more" on a desktop, a long press on a phone. */
const openActions = async (page: Page, messageId: string, phone: boolean) => {
  const target = `${row(messageId)} [data-test=message-text], ${row(messageId)} [data-test=image-thumb]`;
  await page.waitForSelector(target);
  if (phone) {
    // A finger held still on the message (the context has no touch screen, so the touch pointer is dispatched).
    const box = (await page.locator(target).first().boundingBox())!;
    const at = { pointerType: 'touch', isPrimary: true, clientX: box.x + box.width / 2, clientY: box.y + box.height / 2, bubbles: true };
    await page.dispatchEvent(target, 'pointerdown', at);
    await page.waitForTimeout(600);
    await page.dispatchEvent(target, 'pointerup', at);
  } else {
    await page.hover(row(messageId));
    await page.click(`${row(messageId)} [data-test=message-actions]`);
  }
  await page.waitForSelector('[data-test=message-menu]');
};

/** Records every Notification the page constructs, and lets the test hide the tab (headless tabs never are). */
const watchNotifications = async (person: Person) => {
  await person.page.addInitScript(() => {
    const Original = window.Notification;
    const seen: { title: string; body?: string; tag?: string }[] = [];
    (window as unknown as { __notes: typeof seen }).__notes = seen;
    window.Notification = class extends Original {
      constructor(title: string, options?: NotificationOptions) {
        super(title, options);
        seen.push({ title, ...(options?.body ? { body: options.body } : {}), ...(options?.tag ? { tag: options.tag } : {}) });
      }
    } as typeof Notification;
  });
};
const hideTab = (page: Page, hidden: boolean) =>
  page.evaluate((value) => {
    Object.defineProperty(document, 'visibilityState', { value: value ? 'hidden' : 'visible', configurable: true });
    Object.defineProperty(document, 'hidden', { value, configurable: true });
    document.dispatchEvent(new Event('visibilitychange'));
  }, hidden);

describe('journey: two people use every message feature, live, in Russian at 1440 px and English at 360 px', () => {
  let stack: Stack;
  let browser: Browser;
  let anna: Person;
  let boris: Person;
  let chatId: string;
  let groupName: string;
  let first: Message;

  beforeAll(async () => {
    stack = await startTestStack('e2e-messaging', { webDist: join(repoRoot(), 'web', 'dist', 'web', 'browser') });
    browser = await launchBrowser();
    const base = stack.gatewayUrl();
    anna = await register(browser, base, 'ru', { width: 1440, height: 900 }, 'Анна Каренина');
    boris = await register(browser, base, 'en', { width: 360, height: 740 }, 'Boris Godunov');
    await boris.context.grantPermissions(['notifications'], { origin: base });
    await watchNotifications(boris);
    await boris.page.reload();
    await boris.page.waitForSelector('.me__status[data-state="online"]');
    groupName = `Правки ${randomBytes(2).toString('hex')}`;
    const borisId = await userIdOf(boris);
    chatId = (await apiAs<Chat>(anna, 'POST', '/api/chats', { type: 'group', name: groupName, memberIds: [borisId] })).id;
    // Older history than the first page holds: the reply at the end quotes the very first message.
    const sent = await sendManyAs(anna, chatId, [
      'Первое сообщение: план на неделю',
      ...Array.from({ length: 70 }, (_, i) => `История ${i + 1}`),
    ]);
    first = sent[0]!;
    await openChat(anna, groupName);
    await openChat(boris, groupName);
  }, 180_000);

  afterAll(async () => {
    await browser?.close();
    await stack?.stop();
  });

  it('replies, and a click on a quote jumps into older history', async () => {
    // Anna quotes the first message of the chat through the API (it is far above her first page)...
    const reply = await apiAs<Message>(anna, 'POST', `/api/chats/${chatId}/messages`, {
      text: 'Напоминаю про план',
      replyToId: first.id,
    });
    // ...and Boris answers her reply from his phone, with the reply action.
    await waitForText(boris.page, '[data-test=message-text]', 'Напоминаю про план');
    await openActions(boris.page, reply.id, true);
    await boris.page.click('[data-test=menu-reply]');
    await boris.page.waitForSelector('[data-test=reply-strip]');
    await shot(boris, '01-boris-replying-en-360');
    await boris.page.fill('[data-test=composer]', 'Got it, thanks!');
    await boris.page.press('[data-test=composer]', 'Enter');
    await waitForText(anna.page, '[data-test=reply-quote-text]', 'Напоминаю про план');
    await shot(anna, '02-anna-sees-reply-ru-1440');

    // The quote of the first message leads Boris 70 messages up, loading older pages on the way.
    expect(await boris.page.$(row(first.id))).toBeNull();
    await boris.page.click(`${row(reply.id)} [data-test=reply-quote]`);
    await boris.page.waitForSelector(`${row(first.id)} .message--highlight`, { timeout: 15_000 });
    expect(await boris.page.isVisible(row(first.id))).toBe(true);
    expect(await layoutProblems(boris.page)).toEqual([]);
    await shot(boris, '03-boris-jumped-to-original-en-360');
  });

  it('reacts, and the reaction arrives live', async () => {
    const message = await apiAs<Message>(anna, 'POST', `/api/chats/${chatId}/messages`, { text: 'Кто идёт в четверг?' });
    await waitForText(boris.page, '[data-test=message-text]', 'Кто идёт в четверг?');
    await openActions(boris.page, message.id, true);
    await boris.page.click('[data-test=menu-react]');
    await boris.page.waitForSelector('[data-test=emoji-picker]');
    await boris.page.click('[data-test=emoji-option]:has-text("👍")');
    await anna.page.waitForSelector(`${row(message.id)} [data-test=reaction]:has-text("👍")`);
    await waitForText(anna.page, `${row(message.id)} [data-test=reaction-count]`, '1');
    // Anna adds hers from the chip: the count is 2 for both, and hers is highlighted.
    await anna.page.click(`${row(message.id)} [data-test=reaction]:has-text("👍")`);
    await waitForText(boris.page, `${row(message.id)} [data-test=reaction-count]`, '2');
    await shot(anna, '04-anna-reactions-ru-1440');
    await shot(boris, '05-boris-reactions-en-360');
  });

  it('mentions with autocomplete; the mention is highlighted for the person mentioned', async () => {
    await boris.page.fill('[data-test=composer]', 'Sure, ');
    await boris.page.type('[data-test=composer]', `@${anna.username.slice(0, 4)}`);
    await boris.page.waitForSelector('[data-test=mention-menu]');
    await shot(boris, '06-boris-mention-menu-en-360');
    await boris.page.click(`[data-test=mention-option]:has-text("${anna.name}")`);
    await boris.page.type('[data-test=composer]', 'see you there');
    await boris.page.press('[data-test=composer]', 'Enter');
    await anna.page.waitForSelector('.message--mentioned [data-test=mention]');
    await waitForText(anna.page, '.message--mentioned [data-test=mention]', `@${anna.username}`);
    await shot(anna, '07-anna-mentioned-ru-1440');
  });

  it('edits and deletes, shown to the other person live', async () => {
    const message = await apiAs<Message>(anna, 'POST', `/api/chats/${chatId}/messages`, { text: 'Встречаемся в 10' });
    await waitForText(boris.page, '[data-test=message-text]', 'Встречаемся в 10');
    await anna.page.hover(row(message.id));
    await anna.page.click(`${row(message.id)} [data-test=action-edit]`);
    await anna.page.waitForSelector('[data-test=edit-strip]');
    await anna.page.fill('[data-test=composer]', 'Встречаемся в 11');
    await shot(anna, '08-anna-editing-ru-1440');
    await anna.page.press('[data-test=composer]', 'Enter');
    await waitForText(boris.page, `${row(message.id)} [data-test=message-text]`, 'Встречаемся в 11');
    await boris.page.waitForSelector(`${row(message.id)} [data-test=edited]`);
    await shot(boris, '09-boris-sees-edit-en-360');

    await openActions(anna.page, message.id, false);
    await anna.page.click('[data-test=menu-delete]');
    await anna.page.waitForSelector('[data-test=confirm-delete]');
    await shot(anna, '10-anna-confirm-delete-ru-1440');
    await anna.page.click('[data-test=confirm-delete]');
    await boris.page.waitForSelector(`${row(message.id)} [data-test=message-deleted]`);
    await anna.page.waitForSelector(`${row(message.id)} [data-test=message-deleted]`);
    await shot(boris, '11-boris-sees-deleted-en-360');
  });

  it('sends an image; the other person sees its thumbnail and opens it', async () => {
    const png = await sharp({ create: { width: 1200, height: 800, channels: 3, background: { r: 30, g: 120, b: 200 } } })
      .png()
      .toBuffer();
    await anna.page.setInputFiles('[data-test=attach-input]', { name: 'закат.png', mimeType: 'image/png', buffer: png });
    await anna.page.waitForSelector('[data-test=upload]');
    await anna.page.waitForSelector('[data-test=upload-progress]', { state: 'detached', timeout: 20_000 }).catch(() => undefined);
    await shot(anna, '12-anna-image-ready-ru-1440');
    await anna.page.fill('[data-test=composer]', 'Закат вчера');
    await anna.page.press('[data-test=composer]', 'Enter');
    const thumb = '[data-test=message] [data-test=image-thumb]';
    await boris.page.waitForSelector(thumb, { timeout: 15_000 });
    await boris.page.waitForFunction(
      (selector) =>
        Array.from(document.querySelectorAll<HTMLImageElement>(`${selector} img, img${selector}`)).some((img) => img.naturalWidth > 0),
      thumb,
    );
    await shot(boris, '13-boris-sees-thumbnail-en-360');
    await boris.page.click(thumb);
    await boris.page.waitForSelector('[data-test=image-viewer]');
    await shot(boris, '14-boris-viewer-en-360');
    await boris.page.click('[data-test=viewer-close]');
    await boris.page.waitForSelector('[data-test=image-viewer]', { state: 'detached' });
  });

  it('searches the chat and jumps to a match', async () => {
    // On a phone, search is in the chat's "⋮" menu (the header has no room for its button).
    expect(await boris.page.isVisible('[data-test=open-search]')).toBe(false);
    await boris.page.click('[data-test=chat-menu]');
    await boris.page.click('[data-test=menu-search]');
    await boris.page.fill('[data-test=search-input]', 'план');
    await boris.page.waitForSelector('[data-test=search-result] mark');
    await shot(boris, '15-boris-search-en-360');
    await boris.page.click(`[data-test=search-result][data-seq="${first.seq}"]`);
    await boris.page.waitForSelector(`${row(first.id)}`);
    await boris.page.waitForSelector(`${row(first.id)} .message--highlight`);
    if (await boris.page.isVisible('[data-test=close-search]')) await boris.page.click('[data-test=close-search]');
  });

  it('notifies while the tab is hidden, and mutes the chat on the server', async () => {
    await hideTab(boris.page, true);
    await apiAs<Message>(anna, 'POST', `/api/chats/${chatId}/messages`, { text: 'Вы здесь?' });
    await boris.page.waitForFunction(
      (tag) => (window as unknown as { __notes: { tag?: string }[] }).__notes.some((n) => n.tag === tag),
      `chat:${chatId}`,
    );
    const notes = await boris.page.evaluate(() => (window as unknown as { __notes: { title: string; body?: string }[] }).__notes);
    expect(notes.at(-1)).toMatchObject({ title: groupName, body: expect.stringContaining('Вы здесь?') });
    await hideTab(boris.page, false);

    await boris.page.click('[data-test=chat-menu]');
    await boris.page.waitForSelector('[data-test=chat-menu-panel]');
    await shot(boris, '16-boris-chat-menu-en-360');
    await boris.page.click('[data-test=mute-8h]');
    await boris.page.waitForSelector('[data-test=chat-muted-badge]');
    const borisId = await userIdOf(boris);
    const chat = await apiAs<Chat>(boris, 'GET', `/api/chats/${chatId}`);
    expect(chat.participants.find((p) => p.user.id === borisId)?.mutedUntil).not.toBeNull();
    // Muted: a plain message no longer notifies; a mention still does.
    await hideTab(boris.page, true);
    const before = await boris.page.evaluate(() => (window as unknown as { __notes: unknown[] }).__notes.length);
    await apiAs<Message>(anna, 'POST', `/api/chats/${chatId}/messages`, { text: 'Тишина' });
    await apiAs<Message>(anna, 'POST', `/api/chats/${chatId}/messages`, { text: `@${boris.username} а это важно` });
    await boris.page.waitForFunction(() =>
      (window as unknown as { __notes: { body?: string }[] }).__notes.some((n) => n.body?.includes('а это важно')),
    );
    const after = await boris.page.evaluate(() => (window as unknown as { __notes: { body?: string }[] }).__notes.slice(0));
    expect(after.slice(before).map((n) => n.body)).toEqual([expect.stringContaining('а это важно')]);
    await hideTab(boris.page, false);
    await shot(boris, '17-boris-muted-en-360');
  });

  it('a channel: only its owner posts; a member reads a "can\'t post" line instead of the composer', async () => {
    const channelName = `Новости ${randomBytes(2).toString('hex')}`;
    await anna.page.click('[data-test=create-group]');
    await anna.page.click('label:has([data-test=type-channel])');
    await anna.page.waitForFunction(
      () => (document.querySelector('[data-test=type-channel]') as HTMLInputElement | null)?.checked === true,
    );
    await anna.page.fill('[data-test=group-name]', channelName);
    await shot(anna, '18-anna-create-channel-ru-1440');
    await anna.page.click('[data-test=next]');
    await anna.page.fill('[data-test=picker-search]', boris.username);
    await anna.page.click(`[data-test=picker-user]:has-text("${boris.name}") input[type=checkbox]`);
    await anna.page.click('[data-test=create]');
    await waitForText(anna.page, '[data-test=chat-title]', channelName);
    await anna.page.fill('[data-test=composer]', 'Первый выпуск');
    await anna.page.press('[data-test=composer]', 'Enter');
    await boris.page.click('[data-test=back]');
    await openChat(boris, channelName);
    await boris.page.waitForSelector('[data-test=read-only]');
    expect(await boris.page.$('[data-test=composer]')).toBeNull();
    await waitForText(boris.page, '[data-test=chat-subtitle]', 'subscriber');
    expect(await layoutProblems(boris.page)).toEqual([]);
    await shot(boris, '19-boris-channel-read-only-en-360');
  });

  it('edits a profile: the new name and picture reach the other person', async () => {
    await boris.page.click('[data-test=back]');
    await boris.page.click('[data-test=open-profile]');
    await boris.page.waitForSelector('[data-test=profile-dialog]');
    await boris.page.fill('[data-test=profile-name]', 'Boris G.');
    await boris.page.fill('[data-test=profile-bio]', 'Tsar, occasionally');
    const avatar = await sharp({ create: { width: 300, height: 300, channels: 3, background: { r: 200, g: 80, b: 40 } } })
      .png()
      .toBuffer();
    await boris.page.setInputFiles('[data-test=profile-avatar]', { name: 'me.png', mimeType: 'image/png', buffer: avatar });
    await boris.page.click('[data-test=profile-save]');
    await boris.page.waitForSelector('[data-test=profile-saved]');
    expect(await layoutProblems(boris.page)).toEqual([]);
    await shot(boris, '20-boris-profile-en-360');
    const me = await apiAs<{ name: string; bio: string; avatarUrl: string | null }>(boris, 'GET', '/api/users/me');
    expect(me).toMatchObject({ name: 'Boris G.', bio: 'Tsar, occasionally', avatarUrl: expect.any(String) });
    // Anna's screen names him anew without a reload.
    await openChat(anna, groupName);
    await waitForText(anna.page, '[data-test=message]', 'Boris G.', 15_000);
    await shot(anna, '21-anna-sees-new-name-ru-1440');
    expect(anna.errors).toEqual([]);
    expect(boris.errors).toEqual([]);
  });
});
