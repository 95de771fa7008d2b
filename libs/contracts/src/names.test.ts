import { describe, expect, it } from 'vitest';
import { ChatName } from './schemas/chats.js';
import { DisplayName } from './schemas/users.js';

describe('names people see in lists', () => {
  it('refuse text-direction overrides and isolates, which disguise a name ("\u202Egpj.exe" shows as "exe.jpg")', () => {
    for (const schema of [DisplayName, ChatName]) {
      for (const forged of ['\u202Egpj.exe', 'Анна\u202D', 'a\u2066b\u2069', '\u202Ax']) {
        const parsed = schema.safeParse(forged);
        expect(parsed.success, JSON.stringify(forged)).toBe(false);
        expect(parsed.error?.issues[0]?.message).toMatch(/direction/);
      }
    }
  });

  it('take right-to-left scripts and mixed names as they are', () => {
    for (const schema of [DisplayName, ChatName]) {
      for (const name of ['שלום', 'مرحبا بالعالم', 'Анна and دينا', 'Team 🚀']) expect(schema.parse(name)).toBe(name);
    }
  });
});
