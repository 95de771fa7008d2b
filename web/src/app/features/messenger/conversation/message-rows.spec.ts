import { aMessage, newId } from '../../../testing/fakes';
import { buildRows } from './message-rows';

describe('buildRows', () => {
  const chatId = newId();
  const anna = newId();

  it('groups a sender\'s messages under one header, but a reply always starts its own (its quote sits above the name)', () => {
    const first = aMessage(chatId, 1, anna, 'раз');
    const second = aMessage(chatId, 2, anna, 'два');
    const reply = { ...aMessage(chatId, 3, anna, 'три'), replyTo: { id: first.id, seq: 1, senderId: anna, text: 'раз', deleted: false } };
    const heads = buildRows([first, second, reply], [], anna, null).flatMap((row) => (row.kind === 'message' ? [row.head] : []));
    expect(heads).toEqual([true, false, true]);
  });
});
