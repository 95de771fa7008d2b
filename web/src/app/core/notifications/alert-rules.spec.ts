import { MUTED_FOREVER, type Chat } from '@messenger/contracts';
import { aChat, aMember, aMessage, aUser } from '../../testing/fakes';
import { callAlert, messageAlert, tabTitle, unreadBadge } from './alert-rules';

describe('alert rules', () => {
  const me = aUser('Anna');
  const boris = aUser('Boris');
  const NOW = Date.parse('2026-12-01T12:00:00.000Z');
  const chatWith = (mutedUntil: string | null = null, overrides: Partial<Chat> = {}) =>
    aChat([{ ...aMember(me), mutedUntil }, aMember(boris, 'owner')], overrides);

  describe('a new message', () => {
    const chat = chatWith();
    const muted = chatWith(MUTED_FOREVER);
    const from = (sender: string | null, inChat: Chat, mentions: string[] = []) => ({ ...aMessage(inChat.id, 5, sender), mentions });

    it.each([
      // what, chat, message, hidden, open chat → notify, sound
      ['from someone, tab hidden', chat, from(boris.id, chat), true, null, true, true],
      ['from someone, tab hidden, that chat open', chat, from(boris.id, chat), true, chat.id, true, true],
      ['from someone, tab on screen, another chat open', chat, from(boris.id, chat), false, 'other', false, true],
      ['from someone, tab on screen, no chat open', chat, from(boris.id, chat), false, null, false, true],
      ['from someone, tab on screen, that chat open', chat, from(boris.id, chat), false, chat.id, false, false],
      ['my own, tab hidden', chat, from(me.id, chat), true, null, false, false],
      ['a system line, tab hidden', chat, { ...from(null, chat), kind: 'system' as const }, true, null, false, false],
      ['in a chat I muted, tab hidden', muted, from(boris.id, muted), true, null, false, false],
      ['in a chat I muted, mentioning me, tab hidden', muted, from(boris.id, muted, [me.id]), true, null, true, true],
      ['in a chat I muted, mentioning someone else', muted, from(boris.id, muted, [boris.id]), true, null, false, false],
    ])('%s', (_, inChat, message, hidden, activeChatId, notify, sound) => {
      expect(messageAlert({ message, chat: inChat, myId: me.id, hidden, activeChatId, now: NOW })).toEqual({ notify, sound });
    });

    it('an expired mute alerts again', () => {
      const expired = chatWith('2026-12-01T11:00:00.000Z');
      expect(messageAlert({ message: from(boris.id, expired), chat: expired, myId: me.id, hidden: true, activeChatId: null, now: NOW }).notify).toBe(true);
    });

    it('a chat the list does not know stays quiet', () => {
      expect(messageAlert({ message: from(boris.id, chat), chat: null, myId: me.id, hidden: true, activeChatId: null, now: NOW })).toEqual({ notify: false, sound: false });
    });
  });

  it.each([
    [true, false, true, true],
    [true, false, false, false],
    [false, false, true, false],
    [true, true, true, false],
  ])('a call: ring %s, ended %s, hidden %s → notify %s', (ring, ended, hidden, notify) => {
    expect(callAlert({ ring, ended, hidden })).toBe(notify);
  });

  it('the title counts unread in chats I hear from, and only mentions in muted ones', () => {
    const chats = [
      chatWith(null, { unreadCount: 3, mentionCount: 1 }),
      chatWith(MUTED_FOREVER, { unreadCount: 40, mentionCount: 2 }),
      chatWith('2026-12-01T11:00:00.000Z', { unreadCount: 1 }),
    ];
    expect(unreadBadge(chats, me.id, NOW)).toBe(3 + 2 + 1);
    expect(tabTitle('Messenger', 6)).toBe('(6) Messenger');
    expect(tabTitle('Messenger', 0)).toBe('Messenger');
    expect(tabTitle('Messenger', 1500)).toBe('(999+) Messenger');
  });
});
