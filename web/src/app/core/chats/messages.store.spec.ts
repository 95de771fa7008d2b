import { provideHttpClient } from '@angular/common/http';
import { HttpTestingController, provideHttpClientTesting } from '@angular/common/http/testing';
import { provideZonelessChangeDetection } from '@angular/core';
import { TestBed } from '@angular/core/testing';
import { aChat, aMember, aMessage, aUser, FakeRealtime, newId } from '../../testing/fakes';
import { AuthStore } from '../auth/auth.store';
import { Realtime } from '../realtime/realtime.service';
import { ChatsStore } from './chats.store';
import { mergeMessages, MessagesStore } from './messages.store';

describe('MessagesStore', () => {
  const anna = aUser('Anna');
  const boris = aUser('Boris');
  const chat = aChat([aMember(anna, 'owner'), aMember(boris)]);
  const url = `/api/chats/${chat.id}/messages`;

  const setup = async (history = [aMessage(chat.id, 2, boris.id), aMessage(chat.id, 1, anna.id)], nextCursor: string | null = null) => {
    const realtime = new FakeRealtime();
    TestBed.configureTestingModule({
      providers: [provideZonelessChangeDetection(), provideHttpClient(), provideHttpClientTesting(), { provide: Realtime, useValue: realtime }],
    });
    const auth = TestBed.inject(AuthStore);
    auth.user.set(anna);
    auth.status.set('signed-in');
    TestBed.inject(ChatsStore).upsert(chat);
    const store = TestBed.inject(MessagesStore);
    const http = TestBed.inject(HttpTestingController);
    const opening = store.open(chat.id);
    http.expectOne((r) => r.url === url && r.params.get('limit') === '50' && !r.params.has('before')).flush({ items: history, nextCursor });
    await opening;
    return { store, realtime, http, seqs: () => store.timeline(chat.id).items.map((m) => m.seq) };
  };

  it('keeps history oldest first and never shows a message twice', () => {
    const one = aMessage(chat.id, 1, anna.id);
    const two = aMessage(chat.id, 2, boris.id);
    expect(mergeMessages([one], [two, one]).map((m) => m.seq)).toEqual([1, 2]);
  });

  it('adds a pushed message, and fetches what came in between when a push reveals a gap', async () => {
    const { store, realtime, http, seqs } = await setup();
    realtime.push('message.created', aMessage(chat.id, 3, boris.id));
    expect(seqs()).toEqual([1, 2, 3]);
    realtime.push('message.created', aMessage(chat.id, 3, boris.id));
    expect(seqs()).toEqual([1, 2, 3]);

    realtime.push('message.created', aMessage(chat.id, 6, boris.id));
    // 4 and 5 were missed: the catch-up asks for what came after 3, the last one before the gap.
    http.expectOne((r) => r.url === url && r.params.get('after') === '3').flush({ items: [aMessage(chat.id, 4, boris.id), aMessage(chat.id, 5, boris.id), aMessage(chat.id, 6, boris.id)], nextCursor: null });
    await vi.waitFor(() => expect(seqs()).toEqual([1, 2, 3, 4, 5, 6]));
    expect(store.timeline(chat.id).state).toBe('ready');
  });

  it('after a reconnect fetches everything after the newest known message, page by page', async () => {
    const { realtime, http, seqs } = await setup();
    realtime.resynced$.next();
    http
      .expectOne((r) => r.url === url && r.params.get('after') === '2')
      .flush({ items: [aMessage(chat.id, 3, boris.id), aMessage(chat.id, 4, boris.id)], nextCursor: '4' });
    await vi.waitFor(() => http.expectOne((r) => r.url === url && r.params.get('after') === '4').flush({ items: [aMessage(chat.id, 5, boris.id)], nextCursor: null }));
    await vi.waitFor(() => expect(seqs()).toEqual([1, 2, 3, 4, 5]));
  });

  it('shows a failed send with a retry that reuses its clientId, so it cannot post twice', async () => {
    const { store, http, seqs } = await setup();
    const sending = store.send(chat.id, 'Привет');
    expect(store.timeline(chat.id).outgoing).toMatchObject([{ text: 'Привет', state: 'sending' }]);
    const first = http.expectOne((r) => r.method === 'POST' && r.url === url);
    const clientId = (first.request.body as { clientId: string }).clientId;
    first.flush({ error: { code: 'SERVICE_UNAVAILABLE', message: 'down' } }, { status: 503, statusText: 'Service Unavailable' });
    await sending;
    expect(store.timeline(chat.id).outgoing).toMatchObject([{ state: 'failed', error: 'SERVICE_UNAVAILABLE' }]);

    const retrying = store.retry(chat.id, clientId);
    const second = http.expectOne((r) => r.method === 'POST' && r.url === url);
    expect(second.request.body).toEqual({ text: 'Привет', clientId });
    second.flush(aMessage(chat.id, 3, anna.id, 'Привет', clientId));
    await retrying;
    expect(store.timeline(chat.id).outgoing).toEqual([]);
    expect(seqs()).toEqual([1, 2, 3]);
  });

  it('loads the page before the oldest message it has, until there is none', async () => {
    const newest = Array.from({ length: 50 }, (_, i) => aMessage(chat.id, 100 - i, boris.id));
    const { store, http, seqs } = await setup(newest, '51');
    expect(store.timeline(chat.id).hasOlder).toBe(true);
    const loading = store.loadOlder(chat.id);
    http
      .expectOne((r) => r.url === url && r.params.get('before') === '51')
      .flush({ items: Array.from({ length: 50 }, (_, i) => aMessage(chat.id, 50 - i, boris.id)), nextCursor: null });
    await loading;
    expect(seqs()).toEqual(Array.from({ length: 100 }, (_, i) => i + 1));
    expect(store.timeline(chat.id).hasOlder).toBe(false);
  });

  it('sends a reply with its files, and shows what it quotes while it is on the way', async () => {
    const original = aMessage(chat.id, 2, boris.id, 'Встречаемся в пятницу?\nВ семь');
    const { store, http } = await setup([original, aMessage(chat.id, 1, anna.id)]);
    const file = { id: newId(), name: 'plan.pdf', size: 1000, contentType: 'application/pdf', thumbnailUrl: null, url: '/files/plan.pdf' };
    const sending = store.send(chat.id, 'Да', { replyTo: original, attachments: [file] });
    expect(store.timeline(chat.id).outgoing[0]).toMatchObject({ replyTo: { id: original.id, seq: 2, text: 'Встречаемся в пятницу?', deleted: false }, attachments: [file] });
    const request = http.expectOne((r) => r.method === 'POST' && r.url === url);
    expect(request.request.body).toMatchObject({ text: 'Да', replyToId: original.id, attachmentIds: [file.id] });
    request.flush({ ...aMessage(chat.id, 3, anna.id, 'Да', (request.request.body as { clientId: string }).clientId), attachments: [file] });
    await sending;
    expect(store.timeline(chat.id).outgoing).toEqual([]);
  });

  it('shows an edit, pushed or answered, and replies quote the new first line', async () => {
    const original = aMessage(chat.id, 1, anna.id, 'Превет');
    const reply = { ...aMessage(chat.id, 2, boris.id, 'Что?'), replyTo: { id: original.id, seq: 1, senderId: anna.id, text: 'Превет', deleted: false } };
    const { store, realtime, http } = await setup([reply, original]);
    const editing = store.edit(chat.id, original.id, 'Привет');
    const request = http.expectOne((r) => r.method === 'PATCH' && r.url === `${url}/${original.id}`);
    expect(request.request.body).toEqual({ text: 'Привет' });
    request.flush({ ...original, text: 'Привет', editedAt: '2026-11-25T10:05:00.000Z' });
    await editing;
    expect(store.timeline(chat.id).items.map((m) => [m.text, m.editedAt !== null, m.replyTo?.text ?? null])).toEqual([
      ['Привет', true, null],
      ['Что?', false, 'Привет'],
    ]);

    realtime.push('message.updated', { ...original, text: 'Всем привет', editedAt: '2026-11-25T10:06:00.000Z' });
    expect(store.timeline(chat.id).items[1]!.replyTo?.text).toBe('Всем привет');
  });

  it('turns a deleted message into its placeholder, and replies to it into "deleted message"', async () => {
    const original = { ...aMessage(chat.id, 1, boris.id, 'секрет'), reactions: [{ emoji: '👍', userIds: [anna.id] }] };
    const reply = { ...aMessage(chat.id, 2, anna.id, 'ой'), replyTo: { id: original.id, seq: 1, senderId: boris.id, text: 'секрет', deleted: false } };
    const { store, realtime } = await setup([reply, original]);
    realtime.push('message.deleted', { chatId: chat.id, messageId: original.id, seq: 1 });
    const [deleted, quoting] = store.timeline(chat.id).items;
    expect(deleted).toMatchObject({ text: '', reactions: [], attachments: [] });
    expect(deleted!.deletedAt).not.toBeNull();
    expect(quoting!.replyTo).toMatchObject({ deleted: true, text: '' });
  });

  it('deletes my message once the server agrees', async () => {
    const mine = aMessage(chat.id, 2, anna.id, 'опечатка');
    const { store, http } = await setup([mine, aMessage(chat.id, 1, boris.id)]);
    const removing = store.remove(chat.id, mine.id);
    expect(store.timeline(chat.id).items[1]!.deletedAt).toBeNull();
    http.expectOne((r) => r.method === 'DELETE' && r.url === `${url}/${mine.id}`).flush(null, { status: 204, statusText: 'No Content' });
    await removing;
    expect(store.timeline(chat.id).items[1]!.deletedAt).not.toBeNull();
  });

  it('shows my reaction at once, takes the server\'s answer, and undoes it when the server refuses', async () => {
    const message = { ...aMessage(chat.id, 1, boris.id), reactions: [{ emoji: '❤️', userIds: [boris.id] }] };
    const { store, realtime, http } = await setup([message]);
    const reactions = () => store.timeline(chat.id).items[0]!.reactions;

    const adding = store.toggleReaction(chat.id, message.id, '❤️');
    expect(reactions()).toEqual([{ emoji: '❤️', userIds: [boris.id, anna.id] }]);
    const put = http.expectOne((r) => r.method === 'PUT');
    expect(put.request.url).toBe(`${url}/${message.id}/reactions/${encodeURIComponent('❤️')}`);
    put.flush({ chatId: chat.id, messageId: message.id, reactions: [{ emoji: '❤️', userIds: [boris.id, anna.id] }, { emoji: '🔥', userIds: [boris.id] }] });
    await adding;
    expect(reactions().map((r) => r.emoji)).toEqual(['❤️', '🔥']);

    const removing = store.toggleReaction(chat.id, message.id, '❤️');
    expect(reactions()[0]!.userIds).toEqual([boris.id]);
    http.expectOne((r) => r.method === 'DELETE').flush({ error: { code: 'RATE_LIMITED', message: 'slow down' } }, { status: 429, statusText: 'Too Many Requests' });
    await removing;
    expect(reactions()[0]!.userIds).toEqual([boris.id, anna.id]);

    realtime.push('message.reactions', { chatId: chat.id, messageId: message.id, reactions: [] });
    expect(reactions()).toEqual([]);
  });

  it('loads older pages until a message to jump to is there, and says when history ends before it', async () => {
    const newest = Array.from({ length: 50 }, (_, i) => aMessage(chat.id, 300 - i, boris.id));
    const { store, http } = await setup(newest, '251');
    const page = (before: number) => Array.from({ length: 100 }, (_, i) => aMessage(chat.id, before - 1 - i, boris.id));

    const revealing = store.reveal(chat.id, 120);
    await vi.waitFor(() => http.expectOne((r) => r.params.get('before') === '251' && r.params.get('limit') === '100').flush({ items: page(251), nextCursor: '151' }));
    await vi.waitFor(() => http.expectOne((r) => r.params.get('before') === '151').flush({ items: page(151), nextCursor: '51' }));
    expect(await revealing).toBe(true);
    expect(store.timeline(chat.id).items[0]!.seq).toBe(51);

    const missing = store.reveal(chat.id, 0);
    await vi.waitFor(() => http.expectOne((r) => r.params.get('before') === '51').flush({ items: page(51).filter((m) => m.seq > 0), nextCursor: null }));
    expect(await missing).toBe(false);
  });
});
