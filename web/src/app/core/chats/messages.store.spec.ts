import { provideHttpClient } from '@angular/common/http';
import { HttpTestingController, provideHttpClientTesting } from '@angular/common/http/testing';
import { provideZonelessChangeDetection } from '@angular/core';
import { TestBed } from '@angular/core/testing';
import { aChat, aMember, aMessage, aUser, FakeRealtime } from '../../testing/fakes';
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
});
