import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { SERVER_FRAMES } from './frames.js';

describe('docs/websocket.md', () => {
  const doc = readFileSync(join(import.meta.dirname, '..', '..', '..', 'docs', 'websocket.md'), 'utf8');
  const documented = [...doc.matchAll(/^\|\s*`([a-z.-]+)`\s*\|/gm)].map((m) => m[1]);

  it('documents every server frame type', () => {
    for (const type of Object.keys(SERVER_FRAMES)) expect(documented).toContain(type);
  });
});
