import type { Attachment } from '@messenger/contracts';
import { isInlineImage, thumbnailBox } from './attachment-kinds';

describe('attachment kinds', () => {
  const file = (contentType: string, thumbnailUrl: string | null, width?: number, height?: number): Attachment => ({
    id: 'a'.repeat(24),
    name: 'x',
    size: 1,
    contentType,
    thumbnailUrl,
    url: '/x',
    ...(width ? { width, height } : {}),
  });

  it('shows images with a thumbnail inline, and everything else as a file', () => {
    expect(isInlineImage(file('image/png', '/t'))).toBe(true);
    expect(isInlineImage(file('image/svg+xml', null))).toBe(false);
    expect(isInlineImage(file('application/pdf', null))).toBe(false);
  });

  it('reserves a box in the image\'s proportions, never larger than the image or the limit', () => {
    expect(thumbnailBox(file('image/png', '/t', 1600, 1200), 320)).toEqual({ width: 320, height: 240 });
    expect(thumbnailBox(file('image/png', '/t', 600, 1800), 320)).toEqual({ width: 107, height: 320 });
    expect(thumbnailBox(file('image/png', '/t', 100, 50), 320)).toEqual({ width: 100, height: 50 });
  });
});
