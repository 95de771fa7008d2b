import type { Message } from '@messenger/contracts';
import type { I18n } from '../../core/i18n/i18n.service';
import type { PeopleStore } from '../../core/people/people.store';

export type SystemEvent = NonNullable<Message['system']>;

export const formatDuration = (seconds: number): string => {
  const h = Math.floor(seconds / 3600);
  const m = Math.floor((seconds % 3600) / 60);
  const s = seconds % 60;
  const pad = (n: number) => String(n).padStart(2, '0');
  return h > 0 ? `${h}:${pad(m)}:${pad(s)}` : `${m}:${pad(s)}`;
};

/** A system line in the reader's language, naming people as the reader knows them ("Вы" for themselves). */
export const systemText = (i18n: I18n, people: PeopleStore, myId: string, event: SystemEvent, text: string): string => {
  const name = (id: string | null) => (id === null ? i18n.t('system.someone') : id === myId ? i18n.t('system.you') : (people.get(id)?.name ?? i18n.t('system.someone')));
  const actor = name(event.actorId);
  const targets = event.targetIds.map(name).join(', ');
  const details = event.details ?? {};
  switch (event.kind) {
    case 'chat.created':
      return i18n.t('system.created', { actor, name: text });
    case 'member.added':
      return i18n.t('system.added', { actor, targets });
    case 'member.removed':
      return i18n.t('system.removed', { actor, targets });
    case 'member.left':
      return i18n.t('system.left', { actor });
    case 'member.role-changed':
      return i18n.t(details['role'] === 'admin' ? 'system.promoted' : 'system.demoted', { actor, targets });
    case 'member.permissions-changed':
      return i18n.t('system.permissions', { actor, targets });
    case 'owner.transferred':
      return i18n.t('system.owner', { actor, targets });
    case 'chat.info-edited':
      if (typeof details['name'] === 'string') return i18n.t('system.renamed', { actor, name: details['name'] });
      if (details['avatar']) return i18n.t('system.avatar', { actor });
      return i18n.t('system.described', { actor });
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
