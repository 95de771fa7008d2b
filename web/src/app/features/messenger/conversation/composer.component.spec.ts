import { provideHttpClient } from '@angular/common/http';
import { HttpTestingController, provideHttpClientTesting } from '@angular/common/http/testing';
import { provideZonelessChangeDetection } from '@angular/core';
import { TestBed } from '@angular/core/testing';
import { AuthStore } from '../../../core/auth/auth.store';
import { ChatsStore } from '../../../core/chats/chats.store';
import { MessagesStore } from '../../../core/chats/messages.store';
import { I18n } from '../../../core/i18n/i18n.service';
import { Realtime } from '../../../core/realtime/realtime.service';
import { aChat, aMember, aMessage, aUser, FakeRealtime, newId } from '../../../testing/fakes';
import { UploadsStore } from './attachments/uploads.store';
import { ComposeState } from './compose-state';
import { ComposerComponent } from './composer.component';

describe('ComposerComponent', () => {
  const anna = aUser('Anna');
  const boris = { ...aUser('Boris'), username: 'boris_k' };
  const bella = aUser('Bella');
  const chat = aChat([aMember(anna, 'owner'), aMember(boris), aMember(bella)]);
  const url = `/api/chats/${chat.id}/messages`;

  const setup = async (history = [aMessage(chat.id, 2, boris.id, 'Как дела?'), aMessage(chat.id, 1, anna.id, 'Привет всем')]) => {
    TestBed.configureTestingModule({
      providers: [provideZonelessChangeDetection(), provideHttpClient(), provideHttpClientTesting(), { provide: Realtime, useValue: new FakeRealtime() }],
    });
    TestBed.inject(I18n).set('en');
    const auth = TestBed.inject(AuthStore);
    auth.user.set(anna);
    auth.status.set('signed-in');
    TestBed.inject(ChatsStore).upsert(chat);
    const http = TestBed.inject(HttpTestingController);
    const opening = TestBed.inject(MessagesStore).open(chat.id);
    http.expectOne((r) => r.url === url).flush({ items: history, nextCursor: null });
    await opening;
    const fixture = TestBed.createComponent(ComposerComponent);
    fixture.componentRef.setInput('chat', chat);
    await fixture.whenStable();
    const root = fixture.nativeElement as HTMLElement;
    const field = root.querySelector<HTMLTextAreaElement>('[data-test=composer]')!;
    const type = async (value: string) => {
      field.value = value;
      field.setSelectionRange(value.length, value.length);
      field.dispatchEvent(new Event('input'));
      await fixture.whenStable();
    };
    const press = async (key: string) => {
      field.dispatchEvent(new KeyboardEvent('keydown', { key, bubbles: true, cancelable: true }));
      await fixture.whenStable();
    };
    const find = (test: string) => root.querySelector<HTMLElement>(`[data-test=${test}]`);
    return { fixture, root, field, type, press, find, http, compose: TestBed.inject(ComposeState), uploads: TestBed.inject(UploadsStore) };
  };

  it('offers the members an @ names, moves with the arrows and puts @username in with Enter', async () => {
    const { root, type, press, field } = await setup();
    await type('hi @b');
    const options = () => [...root.querySelectorAll<HTMLElement>('[data-test=mention-option]')].map((o) => [o.dataset['username'], o.getAttribute('aria-selected')]);
    expect(options()).toEqual([
      ['boris_k', 'true'],
      ['bella', 'false'],
    ]);
    await press('ArrowDown');
    expect(options()[1]).toEqual(['bella', 'true']);
    expect(field.getAttribute('aria-activedescendant')).toMatch(/-1$/);
    await press('Enter');
    expect(field.value).toBe('hi @bella ');
    expect(root.querySelector('[data-test=mention-menu]')).toBeNull();

    await type('hi @bella and @zz');
    expect(root.querySelector('[data-test=mention-menu]')).toBeNull();
  });

  it('edits my last message on ArrowUp in an empty field, saves it with Enter, and Escape gives the draft back', async () => {
    const { type, press, field, find, http, compose } = await setup();
    await press('ArrowUp');
    expect(find('edit-strip')?.textContent).toContain('Привет всем');
    expect(field.value).toBe('Привет всем');
    await type('Привет всем!');
    await press('Enter');
    const request = http.expectOne((r) => r.method === 'PATCH');
    expect(request.request.body).toEqual({ text: 'Привет всем!' });
    request.flush({ ...aMessage(chat.id, 1, anna.id, 'Привет всем!'), editedAt: new Date().toISOString() });
    await vi.waitFor(() => expect(find('edit-strip')).toBeNull());

    await type('черновик');
    compose.edit(aMessage(chat.id, 1, anna.id, 'Привет всем!'));
    await vi.waitFor(() => expect(field.value).toBe('Привет всем!'));
    await press('Escape');
    expect(find('edit-strip')).toBeNull();
    expect(field.value).toBe('черновик');
  });

  it('answers a message: the strip names its author, and the message goes with replyToId', async () => {
    const question = aMessage(chat.id, 2, boris.id, 'Как дела?\nподробности');
    const { type, press, find, http, compose } = await setup([question]);
    compose.reply(question);
    await vi.waitFor(() => expect(find('reply-strip')?.textContent).toContain('Replying to Boris'));
    expect(find('reply-strip')?.textContent).toContain('Как дела?');
    await type('Хорошо');
    await press('Enter');
    expect(http.expectOne((r) => r.method === 'POST' && r.url === url).request.body).toMatchObject({ text: 'Хорошо', replyToId: question.id });
    expect(find('reply-strip')).toBeNull();
  });

  it('waits for files to upload, then sends them, with no text if none was typed', async () => {
    const { fixture, find, http, uploads } = await setup();
    uploads.add(chat.id, [new File(['x'], 'plan.pdf', { type: 'application/pdf' })]);
    await fixture.whenStable();
    const send = () => find('send') as HTMLButtonElement;
    expect(send().disabled).toBe(true);
    const attachment = { id: newId(), name: 'plan.pdf', size: 1, contentType: 'application/pdf', thumbnailUrl: null, url: '/f' };
    http.expectOne((r) => r.url.endsWith('/attachments')).flush(attachment, { status: 201, statusText: 'Created' });
    await fixture.whenStable();
    expect(send().disabled).toBe(false);
    send().click();
    expect(http.expectOne((r) => r.method === 'POST' && r.url === url).request.body).toMatchObject({ text: '', attachmentIds: [attachment.id] });
    await fixture.whenStable();
    expect(find('upload')).toBeNull();
  });
});
