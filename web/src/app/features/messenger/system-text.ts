import type { Message } from '@messenger/contracts';
import type { I18n } from '../../core/i18n/i18n.service';
import type { MessageKey } from '../../core/i18n/ru';
import type { PeopleStore } from '../../core/people/people.store';

export type SystemEvent = NonNullable<Message['system']>;

export const formatDuration = (seconds: number): string => {
  const h = Math.floor(seconds / 3600);
  const m = Math.floor((seconds % 3600) / 60);
  const s = seconds % 60;
  const pad = (n: number) => String(n).padStart(2, '0');
  return h > 0 ? `${h}:${pad(m)}:${pad(s)}` : `${m}:${pad(s)}`;
};

type ActorKey = 'created' | 'createdChannel' | 'added' | 'removed' | 'left' | 'promoted' | 'demoted' | 'permissions' | 'owner' | 'renamed' | 'avatar' | 'described';

/**
 * A system line in the reader's language, naming people as the reader knows them. The reader's own
 * actions have their own wording ("Вы создали группу"), since Russian verbs agree with the subject.
 */
export const systemText = (i18n: I18n, people: PeopleStore, myId: string, event: SystemEvent, text: string): string => {
  const name = (id: string | null) => (id === null ? i18n.t('system.someone') : (people.get(id)?.name ?? i18n.t('system.someone')));
  const byMe = event.actorId !== null && event.actorId === myId;
  const actor = name(event.actorId);
  const targets = event.targetIds.map((id) => (id === myId ? i18n.t('system.youObject') : name(id))).join(', ');
  const say = (key: ActorKey, params: Record<string, string> = {}) =>
    i18n.t((byMe ? `system.${key}.byYou` : `system.${key}`) as MessageKey, { actor, targets, ...params });
  const details = event.details ?? {};
  switch (event.kind) {
    case 'chat.created':
      return say(details['type'] === 'channel' ? 'createdChannel' : 'created', { name: text });
    case 'member.added':
      return say('added');
    case 'member.removed':
      return say('removed');
    case 'member.left':
      return say('left');
    case 'member.role-changed':
      return say(details['role'] === 'admin' ? 'promoted' : 'demoted');
    case 'member.permissions-changed':
      return event.targetIds.includes(myId) ? i18n.t('system.permissions.yours', { actor }) : say('permissions');
    case 'owner.transferred':
      return say('owner');
    case 'chat.info-edited':
      if (typeof details['name'] === 'string') return say('renamed', { name: details['name'] });
      return say(details['avatar'] ? 'avatar' : 'described');
    case 'call.ended': {
      const reason = details['endReason'];
      const video = details['type'] === 'video';
      if (reason === 'missed') return i18n.t(video ? 'system.call.missedVideo' : 'system.call.missed');
      if (reason === 'declined' || reason === 'busy') return i18n.t(video ? 'system.call.declinedVideo' : 'system.call.declined');
      const duration = formatDuration(Number(details['durationSeconds'] ?? 0));
      return i18n.t(video ? 'system.call.endedVideo' : 'system.call.ended', { duration });
    }
  }
};
