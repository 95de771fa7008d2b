import { describe, expect, it } from 'vitest';
import { contentDisposition } from './binary-reply.js';

describe('Content-Disposition of a file', () => {
  it('offers a plain name as it is, in both forms', () => {
    expect(contentDisposition('attachment', 'report.pdf')).toBe(`attachment; filename="report.pdf"; filename*=UTF-8''report.pdf`);
  });

  it('gives a UTF-8 name percent-encoded, with an ASCII stand-in for old clients', () => {
    expect(contentDisposition('attachment', 'Отчёт №1 (final).pdf')).toBe(
      `attachment; filename="_____ _1 (final).pdf"; filename*=UTF-8''%D0%9E%D1%82%D1%87%D1%91%D1%82%20%E2%84%961%20%28final%29.pdf`,
    );
  });

  it('cannot be broken out of by quotes, backslashes or a header split', () => {
    const header = contentDisposition('inline', 'a"; filename="evil.html\\\r\nX-Injected: 1');
    expect(header).not.toMatch(/[\r\n]/);
    expect(header.match(/"/g)).toHaveLength(2);
    expect(header).toBe(
      `inline; filename="a_; filename=_evil.html___X-Injected: 1"; filename*=UTF-8''a%22%3B%20filename%3D%22evil.html%5C%0D%0AX-Injected%3A%201`,
    );
  });

  it('says only the disposition when there is no name', () => {
    expect(contentDisposition('inline')).toBe('inline');
  });
});
