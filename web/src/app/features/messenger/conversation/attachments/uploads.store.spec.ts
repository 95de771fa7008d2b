import { HttpEventType, provideHttpClient } from '@angular/common/http';
import { HttpTestingController, provideHttpClientTesting } from '@angular/common/http/testing';
import { provideZonelessChangeDetection } from '@angular/core';
import { TestBed } from '@angular/core/testing';
import { I18n } from '../../../../core/i18n/i18n.service';
import { Realtime } from '../../../../core/realtime/realtime.service';
import { FakeRealtime, newId } from '../../../../testing/fakes';
import { uploadErrorText } from './upload-error';
import { UploadsStore } from './uploads.store';

describe('UploadsStore', () => {
  const chatId = newId();
  const url = `/api/chats/${chatId}/attachments`;
  const setup = () => {
    TestBed.configureTestingModule({
      providers: [provideZonelessChangeDetection(), provideHttpClient(), provideHttpClientTesting(), { provide: Realtime, useValue: new FakeRealtime() }],
    });
    return { uploads: TestBed.inject(UploadsStore), http: TestBed.inject(HttpTestingController) };
  };
  const aFile = (name: string, type = 'application/pdf', size = 10) => new File([new Uint8Array(size)], name, { type });
  const attachment = (name: string) => ({ id: newId(), name, size: 10, contentType: 'application/pdf', thumbnailUrl: null, url: `/files/${name}` });

  it('uploads a file as its raw body, shows progress, and hands the attachment to the message sent', () => {
    const { uploads, http } = setup();
    uploads.add(chatId, [aFile('план.pdf')]);
    const request = http.expectOne((r) => r.url === url);
    expect(request.request.method).toBe('POST');
    expect(request.request.params.get('filename')).toBe('план.pdf');
    expect(request.request.headers.get('content-type')).toBe('application/pdf');
    expect(request.request.body).toBeInstanceOf(File);
    expect(uploads.busy(chatId)).toBe(true);

    request.event({ type: HttpEventType.UploadProgress, loaded: 5, total: 10 });
    expect(uploads.list(chatId)[0]).toMatchObject({ state: 'uploading', progress: 0.5 });
    const sent = attachment('план.pdf');
    request.flush(sent, { status: 201, statusText: 'Created' });
    expect(uploads.list(chatId)[0]).toMatchObject({ state: 'done', progress: 1 });
    expect(uploads.busy(chatId)).toBe(false);

    expect(uploads.take(chatId)).toEqual([sent]);
    expect(uploads.list(chatId)).toEqual([]);
  });

  it('cancels an upload when its file is removed', () => {
    const { uploads, http } = setup();
    uploads.add(chatId, [aFile('big.zip')]);
    const request = http.expectOne((r) => r.url === url);
    uploads.remove(chatId, uploads.list(chatId)[0]!.key);
    expect(request.cancelled).toBe(true);
    expect(uploads.list(chatId)).toEqual([]);
  });

  it('says in words why a file was turned away: too large (the limit the gateway named), or its type', () => {
    const { uploads, http } = setup();
    const i18n = TestBed.inject(I18n);
    i18n.set('en');
    uploads.add(chatId, [aFile('a.bin'), aFile('b.exe')]);
    const [first, second] = http.match((r) => r.url === url);
    first!.flush({ error: { code: 'PAYLOAD_TOO_LARGE', message: 'the file is larger than 1048576 bytes' } }, { status: 413, statusText: 'Payload Too Large' });
    second!.flush({ error: { code: 'UNSUPPORTED_MEDIA_TYPE', message: 'not taken' } }, { status: 415, statusText: 'Unsupported Media Type' });
    const [large, wrong] = uploads.list(chatId);
    expect(large!.state).toBe('failed');
    expect(uploadErrorText(i18n, large!.error!)).toBe('Larger than 1 MB: too big to send');
    expect(uploadErrorText(i18n, wrong!.error!)).toBe("This type of file can't be sent");
    i18n.set('ru');
    expect(uploadErrorText(i18n, large!.error!)).toBe('Больше 1 МБ: такой файл не отправить');
  });

  it('takes at most ten files for a message, and says so', () => {
    const { uploads, http } = setup();
    uploads.add(chatId, Array.from({ length: 12 }, (_, i) => aFile(`${i}.txt`, 'text/plain')));
    expect(uploads.list(chatId)).toHaveLength(10);
    expect(uploads.overflow()).toBe(chatId);
    expect(http.match((r) => r.url === url)).toHaveLength(10);
  });
});
