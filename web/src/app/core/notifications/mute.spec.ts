import { MUTED_FOREVER } from '@messenger/contracts';
import { aChat, aMember, aUser } from '../../testing/fakes';
import { isMuted, isMutedForever, myMutedUntil, mutedUntilFor, withMutedUntil } from './mute';

describe('mute', () => {
  const anna = aUser('Anna');
  const boris = aUser('Boris');
  const NOW = Date.parse('2026-12-01T12:00:00.000Z');
  const chatMutedUntil = (until: string | null) => aChat([aMember(anna, 'owner'), { ...aMember(boris), mutedUntil: until }]);

  it.each([
    ['not muted', null, false],
    ['muted for another hour', '2026-12-01T13:00:00.000Z', true],
    ['a mute that ran out a second ago', '2026-12-01T11:59:59.000Z', false],
    ['muted forever', MUTED_FOREVER, true],
  ])('%s', (_, until, muted) => {
    expect(isMuted(chatMutedUntil(until), boris.id, NOW)).toBe(muted);
  });

  it('is my mute, not another member’s', () => {
    const chat = chatMutedUntil(MUTED_FOREVER);
    expect(isMuted(chat, anna.id, NOW)).toBe(false);
    expect(myMutedUntil(chat, boris.id)).toBe(MUTED_FOREVER);
    expect(isMutedForever(chat, boris.id)).toBe(true);
    expect(isMutedForever(chat, anna.id)).toBe(false);
  });

  it.each([
    ['1h', '2026-12-01T13:00:00.000Z'],
    ['8h', '2026-12-01T20:00:00.000Z'],
    ['forever', MUTED_FOREVER],
    ['off', null],
  ] as const)('muting for %s lasts until %s', (muteFor, until) => {
    expect(mutedUntilFor(muteFor, NOW)).toBe(until);
  });

  it('sets my membership’s mute and leaves the others as they were', () => {
    const chat = withMutedUntil(chatMutedUntil(null), boris.id, MUTED_FOREVER);
    expect(chat.participants.map((p) => p.mutedUntil)).toEqual([null, MUTED_FOREVER]);
  });
});
