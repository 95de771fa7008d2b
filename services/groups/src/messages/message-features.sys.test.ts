import { randomBytes } from 'node:crypto';
import mongoose from 'mongoose';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Attachment, Chat, Message, MessageReactions } from '@messenger/contracts';
import type { Stack } from '@messenger/kit/stack';
import {
  ApiClient,
  readStoreCommands,
  startTestStack,
  storeCommandsBetween,
  TestSocket,
  withoutReadMarkFlush,
} from '@messenger/kit/testing';
import { messageModel } from './message.model.js';

const WINDOW = 50;
type ErrorBody = { error: { code: string; details?: { fields?: { path: string }[]; permission?: string } } };
type Page = { items: Message[]; nextCursor: string | null };

/**
 * Edits, deletions, replies, reactions, mentions, mute and search, through the gateway on the real stack: each
 * route with the author, an admin, a member and a non-member, and the bad inputs of issue 18's item 10.
 */
describe('message features', () => {
  let stack: Stack;
  let db: mongoose.Connection;
  const people: Record<'anna' | 'boris' | 'vera' | 'gleb', { api: ApiClient; id: string; username: string; socket?: TestSocket }> =
    {} as never;
  let chatId: string;
  let personalId: string;
  const wsUrl = (token: string) => `${stack.gatewayUrl().replace('http', 'ws')}/ws?access_token=${token}`;
  const send = async (who: keyof typeof people, text: string, extra: Record<string, unknown> = {}, chat = chatId) => {
    const sent = await people[who].api.call<Message>('POST', `/api/chats/${chat}/messages`, { text, ...extra });
    expect(sent.status, JSON.stringify(sent.body)).toBe(201);
    return sent.body;
  };
  const path = (messageId: string, chat = chatId) => `/api/chats/${chat}/messages/${messageId}`;
  const history = async (who: keyof typeof people, query = '') =>
    (await people[who].api.call<Page>('GET', `/api/chats/${chatId}/messages?limit=100${query}`)).body.items;
  const chatOf = async (who: keyof typeof people, chat = chatId) => (await people[who].api.call<Chat>('GET', `/api/chats/${chat}`)).body;
  const stored = (id: string) => messageModel(db).findById(id).lean().exec();
  const eventually = async <T>(read: () => Promise<T>, ok: (value: T) => boolean, ms = 10_000): Promise<T> => {
    const until = Date.now() + ms;
    for (;;) {
      const value = await read();
      if (ok(value) || Date.now() > until) return value;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  };

  beforeAll(async () => {
    stack = await startTestStack('message-features', { replicas: { calls: 0 }, env: { RECENT_WINDOW: String(WINDOW) } });
    db = await mongoose.createConnection(stack.env.MONGO_URL!, { dbName: 'messenger_groups' }).asPromise();
    for (const [key, name] of [
      ['anna', 'Анна'],
      ['boris', 'Борис'],
      ['vera', 'Вера'],
      ['gleb', 'Глеб'],
    ] as const) {
      const api = new ApiClient(stack.gatewayUrl());
      const username = `mf_${key}_${randomBytes(3).toString('hex')}`;
      const user = await api.register(username, name);
      people[key] = { api, id: user.id, username };
    }
    const { anna, boris, vera } = people;
    chatId = (await anna.api.call<{ id: string }>('POST', '/api/chats', { type: 'group', name: 'Правки', memberIds: [boris.id, vera.id] }))
      .body.id;
    // Vera is an admin; Boris a member; Gleb is in no chat with them.
    expect((await anna.api.call('PATCH', `/api/chats/${chatId}/members/${vera.id}`, { role: 'admin' })).status).toBe(200);
    personalId = (await anna.api.call<{ id: string }>('POST', '/api/chats/personal', { userId: boris.id })).body.id;
    for (const who of ['anna', 'boris'] as const) {
      people[who].socket = await TestSocket.open(wsUrl(people[who].api.accessToken!));
      await people[who].socket.next((f) => f.type === 'ready');
    }
  }, 180_000);

  afterAll(async () => {
    for (const person of Object.values(people)) await person.socket?.close();
    await db?.close();
    await stack?.stop();
  });

  describe('edit', () => {
    it('lets the author edit, shows it to everyone live, and keeps only the latest text', async () => {
      const message = await send('anna', 'Встреча в 10');
      const edited = await people.anna.api.call<Message>('PATCH', path(message.id), { text: 'Встреча в 11' });
      expect(edited.status).toBe(200);
      expect(edited.body).toMatchObject({ id: message.id, seq: message.seq, text: 'Встреча в 11' });
      expect(edited.body.editedAt).not.toBeNull();
      const pushed = await people.boris.socket!.next((f) => f.type === 'message.updated' && (f.data as Message).id === message.id);
      expect((pushed.data as Message).text).toBe('Встреча в 11');
      expect((await history('boris')).find((m) => m.id === message.id)?.text).toBe('Встреча в 11');
      // The store catches up behind the request.
      const inStore = await eventually(
        () => stored(message.id),
        (doc) => doc?.text === 'Встреча в 11',
      );
      expect(inStore?.text).toBe('Встреча в 11');
      expect(inStore?.editedAt).toBeInstanceOf(Date);
    });

    it('answers a retried edit with the same message and pushes nothing again', async () => {
      const message = await send('anna', 'раз');
      const first = await people.anna.api.call<Message>('PATCH', path(message.id), { text: 'два' });
      const again = await people.anna.api.call<Message>('PATCH', path(message.id), { text: 'два' });
      expect(again.status).toBe(200);
      expect(again.body).toEqual(first.body);
      await people.boris.socket!.next((f) => f.type === 'message.updated' && (f.data as Message).id === message.id);
      const pushes = people.boris.socket!.frames.filter((f) => f.type === 'message.updated' && (f.data as Message).id === message.id);
      expect(pushes).toHaveLength(1);
    });

    it("refuses someone else's message with 403 to members and admins, and 404 to non-members", async () => {
      const message = await send('boris', 'моё');
      for (const who of ['anna', 'vera'] as const) {
        const refused = await people[who].api.call<ErrorBody>('PATCH', path(message.id), { text: 'чужое' });
        expect(refused.status).toBe(403);
        expect(refused.body.error.code).toBe('PERMISSION_DENIED');
      }
      const outsider = await people.gleb.api.call<ErrorBody>('PATCH', path(message.id), { text: 'чужое' });
      expect(outsider.status).toBe(404);
    });

    it('refuses blank text, a bad id and a message of another chat with the field at fault', async () => {
      const message = await send('anna', 'текст');
      const blank = await people.anna.api.call<ErrorBody>('PATCH', path(message.id), { text: '   ' });
      expect(blank.status).toBe(422);
      expect(blank.body.error.details?.fields?.[0]?.path).toBe('text');
      const badId = await people.anna.api.call<ErrorBody>('PATCH', path('nope'), { text: 'x' });
      expect(badId.status).toBe(422);
      expect(badId.body.error.details?.fields?.[0]?.path).toBe('messageId');
      const elsewhere = await people.anna.api.call<ErrorBody>('PATCH', path(message.id, personalId), { text: 'x' });
      expect(elsewhere.status).toBe(404);
    });

    it('edits a message older than the recent window (the store answers) and serves the new text at once', async () => {
      const old = await send('anna', 'старое сообщение');
      for (let i = 0; i < WINDOW + 5; i++) await send('boris', `заполняю ${i}`, { clientId: `fill-${i}` });
      const edited = await people.anna.api.call<Message>('PATCH', path(old.id), { text: 'старое, но исправленное' });
      expect(edited.status).toBe(200);
      const page = await history('boris', `&before=${old.seq + 1}`);
      expect(page.find((m) => m.id === old.id)?.text).toBe('старое, но исправленное');
    });
  });

  describe('delete', () => {
    it('turns a message into a placeholder for everyone and removes its text from the store', async () => {
      const message = await send('boris', 'секрет');
      const deleted = await people.boris.api.call('DELETE', path(message.id));
      expect(deleted.status).toBe(204);
      const pushed = await people.anna.socket!.next(
        (f) => f.type === 'message.deleted' && (f.data as { messageId: string }).messageId === message.id,
      );
      expect(pushed.data).toEqual({ chatId, messageId: message.id, seq: message.seq });
      const shown = (await history('anna')).find((m) => m.id === message.id);
      expect(shown).toMatchObject({ text: '', reactions: [], attachments: [] });
      expect(shown?.deletedAt).not.toBeNull();
      const inStore = await eventually(
        () => stored(message.id),
        (doc) => !!doc?.deletedAt,
      );
      expect(inStore).toMatchObject({ text: '', words: [] });
      // Retried: still 204, nothing pushed again.
      expect((await people.boris.api.call('DELETE', path(message.id))).status).toBe(204);
    });

    it("lets owner and admins delete anyone's message in a group, and refuses members and the other person of a personal chat", async () => {
      const ofAnna = await send('anna', 'от владельца');
      expect((await people.boris.api.call<ErrorBody>('DELETE', path(ofAnna.id))).status).toBe(403);
      expect((await people.gleb.api.call('DELETE', path(ofAnna.id))).status).toBe(404);
      const ofBoris = await send('boris', 'от участника');
      expect((await people.vera.api.call('DELETE', path(ofBoris.id))).status).toBe(204);
      const ofBoris2 = await send('boris', 'ещё');
      expect((await people.anna.api.call('DELETE', path(ofBoris2.id))).status).toBe(204);
      const personal = await send('boris', 'лично', {}, personalId);
      expect((await people.anna.api.call('DELETE', path(personal.id, personalId))).status).toBe(403);
    });

    it('keeps the preview and the unread count right', async () => {
      await people.boris.api.call('POST', `/api/chats/${chatId}/read`, { messageId: (await send('boris', 'прочитал')).id });
      const before = (await chatOf('boris')).unreadCount;
      const last = await send('anna', 'последнее');
      expect((await chatOf('boris')).unreadCount).toBe(before + 1);
      expect((await people.anna.api.call('DELETE', path(last.id))).status).toBe(204);
      const after = await chatOf('boris');
      expect(after.unreadCount).toBe(before);
      expect(after.lastMessage).toMatchObject({ id: last.id, text: '', deleted: true });
    });
  });

  describe('replies', () => {
    it("quotes the original's author and first line, and says when it was deleted", async () => {
      const original = await send('anna', 'Первая строка\nвторая строка');
      const reply = await send('boris', 'Отвечаю', { replyToId: original.id });
      expect(reply.replyTo).toEqual({
        id: original.id,
        seq: original.seq,
        senderId: people.anna.id,
        text: 'Первая строка',
        deleted: false,
      });
      expect((await people.anna.api.call('DELETE', path(original.id))).status).toBe(204);
      const shown = (await history('boris')).find((m) => m.id === reply.id);
      expect(shown?.replyTo).toMatchObject({ id: original.id, deleted: true, text: '' });
    });

    it('refuses a reply to a message of another chat, or a deleted one, on replyToId', async () => {
      const elsewhere = await send('anna', 'в личке', {}, personalId);
      const refused = await people.anna.api.call<ErrorBody>('POST', `/api/chats/${chatId}/messages`, {
        text: 'x',
        replyToId: elsewhere.id,
      });
      expect(refused.status).toBe(404);
      expect(refused.body.error.details?.fields?.[0]?.path).toBe('replyToId');
    });
  });

  describe('reactions', () => {
    it('counts each emoji with who reacted, live, and toggles mine idempotently', async () => {
      const message = await send('anna', 'Реакции?');
      const thumbs = encodeURIComponent('👍');
      const first = await people.boris.api.call<MessageReactions>('PUT', `${path(message.id)}/reactions/${thumbs}`);
      expect(first.status).toBe(200);
      expect(first.body.reactions).toEqual([{ emoji: '👍', userIds: [people.boris.id] }]);
      const again = await people.boris.api.call<MessageReactions>('PUT', `${path(message.id)}/reactions/${thumbs}`);
      expect(again.body).toEqual(first.body);
      await people.anna.api.call('PUT', `${path(message.id)}/reactions/${thumbs}`);
      const family = encodeURIComponent('👨‍👩‍👧');
      await people.anna.api.call('PUT', `${path(message.id)}/reactions/${family}`);
      const pushed = await people.boris.socket!.next(
        (f) => f.type === 'message.reactions' && (f.data as MessageReactions).reactions.some((r) => r.emoji === '👨‍👩‍👧'),
      );
      expect((pushed.data as MessageReactions).reactions).toEqual([
        { emoji: '👍', userIds: [people.boris.id, people.anna.id] },
        { emoji: '👨‍👩‍👧', userIds: [people.anna.id] },
      ]);
      const off = await people.boris.api.call<MessageReactions>('DELETE', `${path(message.id)}/reactions/${thumbs}`);
      expect(off.body.reactions[0]).toEqual({ emoji: '👍', userIds: [people.anna.id] });
      expect((await people.boris.api.call('DELETE', `${path(message.id)}/reactions/${thumbs}`)).status).toBe(200);
    });

    it('loses no reaction when many arrive at once (the compare-and-set in Redis retries)', async () => {
      const message = await send('anna', 'Наперегонки');
      const emoji = ['😀', '😂', '🔥', '🎉', '🙏', '😮'];
      const results = await Promise.all(
        emoji.flatMap((e) =>
          (['anna', 'boris', 'vera'] as const).map((who) =>
            people[who].api.call('PUT', `${path(message.id)}/reactions/${encodeURIComponent(e)}`),
          ),
        ),
      );
      expect(results.map((r) => r.status)).toEqual(results.map(() => 200));
      const shown = (await history('anna')).find((m) => m.id === message.id)!;
      expect(shown.reactions.map((r) => [r.emoji, r.userIds.length])).toEqual(expect.arrayContaining(emoji.map((e) => [e, 3])));
      expect(shown.reactions).toHaveLength(emoji.length);
    });

    it('refuses what is not one emoji, on the emoji field, and non-members with 404', async () => {
      const message = await send('anna', 'эмодзи');
      for (const bad of ['a', 'smile', '👍👍', '%F0%9F']) {
        const refused = await people.boris.api.call<ErrorBody>(
          'PUT',
          `${path(message.id)}/reactions/${bad === '%F0%9F' ? bad : encodeURIComponent(bad)}`,
        );
        expect(refused.status, bad).toBe(422);
        expect(refused.body.error.details?.fields?.[0]?.path, bad).toBe('emoji');
      }
      expect((await people.gleb.api.call('PUT', `${path(message.id)}/reactions/${encodeURIComponent('👍')}`)).status).toBe(404);
    });
  });

  describe('attachments on messages', () => {
    const upload = async (who: keyof typeof people, name: string, bytes: Uint8Array, type: string) => {
      const uploaded = await people[who].api.call<Attachment>(
        'POST',
        `/api/chats/${chatId}/attachments?filename=${encodeURIComponent(name)}`,
        bytes,
        {
          'content-type': type,
        },
      );
      expect(uploaded.status, JSON.stringify(uploaded.body)).toBe(201);
      return uploaded.body;
    };
    const get = (url: string) => fetch(new URL(url, stack.gatewayUrl()));

    it('sends files alone or with text, serves them to members, and removes them with the message', async () => {
      const png = await sharp({ create: { width: 640, height: 480, channels: 3, background: '#3366cc' } })
        .png()
        .toBuffer();
      const image = await upload('anna', 'закат.png', png, 'image/png');
      const notes = await upload('anna', 'notes.txt', new TextEncoder().encode('hello'), 'text/plain');
      const message = await send('anna', '', { attachmentIds: [image.id, notes.id], clientId: 'with-files' });
      expect(message.attachments.map((a) => a.name)).toEqual(['закат.png', 'notes.txt']);
      expect(message.attachments[0]).toMatchObject({ width: 640, height: 480, contentType: 'image/png' });
      // A retried send claims the same files again and answers with the same message.
      const again = await send('anna', '', { attachmentIds: [image.id, notes.id], clientId: 'with-files' });
      expect(again.id).toBe(message.id);
      // Another message cannot take files already sent.
      const stolen = await people.anna.api.call<ErrorBody>('POST', `/api/chats/${chatId}/messages`, {
        text: 'x',
        attachmentIds: [image.id],
      });
      expect(stolen.status).toBe(422);
      expect(stolen.body.error.details?.fields?.[0]?.path).toBe('attachmentIds');
      // Boris sees the thumbnail and the file through the URLs he was handed.
      const shown = (await history('boris')).find((m) => m.id === message.id)!;
      expect((await get(shown.attachments[0]!.thumbnailUrl!)).status).toBe(200);
      const file = await get(shown.attachments[1]!.url);
      expect(file.status).toBe(200);
      expect(file.headers.get('content-disposition')).toMatch(/^attachment/);
      expect((await chatOf('boris')).lastMessage?.text).toContain('закат.png');
      // Deleted: the files go too.
      expect((await people.anna.api.call('DELETE', path(message.id))).status).toBe(204);
      const gone = await eventually(
        () => get(shown.attachments[1]!.url).then((r) => r.status),
        (status) => status === 404,
      );
      expect(gone).toBe(404);
    });

    it("refuses someone else's upload, and a message with neither text nor files", async () => {
      const hers = await upload('anna', 'hers.txt', new TextEncoder().encode('mine'), 'text/plain');
      const taken = await people.boris.api.call<ErrorBody>('POST', `/api/chats/${chatId}/messages`, {
        text: 'x',
        attachmentIds: [hers.id],
      });
      expect(taken.status).toBe(422);
      expect(taken.body.error.details?.fields?.[0]?.path).toBe('attachmentIds');
      const empty = await people.boris.api.call<ErrorBody>('POST', `/api/chats/${chatId}/messages`, { text: '' });
      expect(empty.status).toBe(422);
      expect(empty.body.error.details?.fields?.[0]?.path).toBe('text');
    });
  });

  describe('mentions', () => {
    it('records whom a message mentions and counts it apart from unread until read', async () => {
      await people.boris.api.call('POST', `/api/chats/${chatId}/read`, { messageId: (await send('boris', 'я тут')).id });
      const message = await send('anna', `@${people.boris.username} глянь, и @nobody_here тоже`);
      expect(message.mentions).toEqual([people.boris.id]);
      expect((await chatOf('boris')).mentionCount).toBe(1);
      expect((await chatOf('vera')).mentionCount).toBe(0);
      await people.boris.api.call('POST', `/api/chats/${chatId}/read`, { messageId: message.id });
      expect((await chatOf('boris')).mentionCount).toBe(0);
    });
  });

  describe('mute', () => {
    it('mutes a chat for myself for 8 hours, forever, or not at all, and nobody else can', async () => {
      const me = `/api/chats/${chatId}/members/${people.boris.id}`;
      const muted = await people.boris.api.call<Chat>('PATCH', me, { muteFor: '8h' });
      expect(muted.status).toBe(200);
      const until = Date.parse(muted.body.participants.find((p) => p.user.id === people.boris.id)!.mutedUntil!);
      expect(Math.abs(until - (Date.now() + 8 * 3600_000))).toBeLessThan(60_000);
      const forever = await people.boris.api.call<Chat>('PATCH', me, { muteFor: 'forever' });
      expect(forever.body.participants.find((p) => p.user.id === people.boris.id)!.mutedUntil).toBe('9999-12-31T23:59:59.000Z');
      const off = await people.boris.api.call<Chat>('PATCH', me, { muteFor: 'off' });
      expect(off.body.participants.find((p) => p.user.id === people.boris.id)!.mutedUntil).toBeNull();
      const forSomeoneElse = await people.anna.api.call<ErrorBody>('PATCH', me, { muteFor: '1h' });
      expect(forSomeoneElse.status).toBe(403);
      const bad = await people.boris.api.call<ErrorBody>('PATCH', me, { muteFor: '2h' });
      expect(bad.status).toBe(422);
      expect(bad.body.error.details?.fields?.[0]?.path).toBe('muteFor');
    });
  });

  describe('search', () => {
    it('finds by words and their starts, newest first, and follows edits and deletions at once', async () => {
      const tag = `поиск${randomBytes(2).toString('hex')}`;
      const one = await send('anna', `${tag} Квартальный отчёт готов`);
      const two = await send('boris', `${tag} отчёт ещё не смотрел`);
      const found = await people.vera.api.call<Page>('GET', `/api/chats/${chatId}/messages/search?q=${encodeURIComponent(`${tag} отч`)}`);
      expect(found.status).toBe(200);
      expect(found.body.items.map((m) => m.id)).toEqual([two.id, one.id]);
      await people.anna.api.call('PATCH', path(one.id), { text: `${tag} всё переделали` });
      await people.boris.api.call('DELETE', path(two.id));
      const after = await people.vera.api.call<Page>('GET', `/api/chats/${chatId}/messages/search?q=${encodeURIComponent(`${tag} отч`)}`);
      expect(after.body.items).toEqual([]);
      const edited = await people.vera.api.call<Page>(
        'GET',
        `/api/chats/${chatId}/messages/search?q=${encodeURIComponent(`${tag} передел`)}`,
      );
      expect(edited.body.items.map((m) => m.id)).toEqual([one.id]);
    });

    it('pages with a cursor, and refuses non-members and an empty query', async () => {
      const tag = `стр${randomBytes(2).toString('hex')}`;
      const sent = [];
      for (let i = 0; i < 5; i++) sent.push(await send('anna', `${tag} номер ${i}`));
      const first = await people.boris.api.call<Page>('GET', `/api/chats/${chatId}/messages/search?q=${tag}&limit=3`);
      expect(first.body.items.map((m) => m.seq)).toEqual(
        sent
          .slice(2)
          .reverse()
          .map((m) => m.seq),
      );
      const second = await people.boris.api.call<Page>(
        'GET',
        `/api/chats/${chatId}/messages/search?q=${tag}&limit=3&cursor=${first.body.nextCursor}`,
      );
      expect(second.body.items.map((m) => m.seq)).toEqual(
        sent
          .slice(0, 2)
          .reverse()
          .map((m) => m.seq),
      );
      expect((await people.gleb.api.call('GET', `/api/chats/${chatId}/messages/search?q=${tag}`)).status).toBe(404);
      const empty = await people.boris.api.call<ErrorBody>('GET', `/api/chats/${chatId}/messages/search?q=`);
      expect(empty.status).toBe(422);
      expect(empty.body.error.details?.fields?.[0]?.path).toBe('q');
    });
  });

  it('edits, deletes and reacts without a store command on the request (the store catches up behind it)', async () => {
    const message = await send('anna', 'считаем');
    const before = await readStoreCommands(stack, ['groups']);
    await people.anna.api.call('PATCH', path(message.id), { text: 'посчитали' });
    await people.boris.api.call('PUT', `${path(message.id)}/reactions/${encodeURIComponent('👍')}`);
    await people.anna.api.call('DELETE', path(message.id));
    const commands = withoutReadMarkFlush(storeCommandsBetween(before, await readStoreCommands(stack, ['groups'])));
    // Only the change writer's bulk updates (off the request path) may appear; no read at all.
    const reads = Object.entries(commands).filter(([key]) => !key.startsWith('update messages'));
    expect(Object.fromEntries(reads)).toEqual({});
  });
});
