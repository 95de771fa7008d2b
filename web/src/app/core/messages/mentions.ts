import type { Participant } from '@messenger/contracts';

/**
 * `@username` as the groups service finds mentions (services/groups/src/messages/mentions.ts): 3–32 of a-z, 0-9
 * and _, where the `@` starts the text or follows a character that is not part of a word (so me@example.com is not one).
 */
const MENTION = /(?<![\p{L}\p{N}_@])@([a-z0-9_]{3,32})(?![a-z0-9_])/giu;
/** An `@` being typed just before the caret: what follows it so far may still be empty. */
const TYPING = /(?<![\p{L}\p{N}_@])@([a-z0-9_]{0,32})$/iu;

export interface TextSegment {
  text: string;
  /** The member this `@username` names, or null for plain text. */
  userId: string | null;
}

/** A message's text cut into plain runs and mentions of members; an `@name` that is no member's stays plain. */
export const mentionSegments = (text: string, members: readonly Participant[]): TextSegment[] => {
  const byUsername = new Map(members.map((p) => [p.user.username.toLowerCase(), p.user.id]));
  const segments: TextSegment[] = [];
  let from = 0;
  for (const match of text.matchAll(MENTION)) {
    const userId = byUsername.get(match[1]!.toLowerCase());
    if (!userId) continue;
    if (match.index > from) segments.push({ text: text.slice(from, match.index), userId: null });
    segments.push({ text: match[0], userId });
    from = match.index + match[0].length;
  }
  if (from < text.length || segments.length === 0) segments.push({ text: text.slice(from), userId: null });
  return segments;
};

/** The `@…` the caret is in while typing, with where its `@` stands; null when the caret is not in one. */
export const mentionAt = (text: string, caret: number): { start: number; query: string } | null => {
  const match = TYPING.exec(text.slice(0, caret));
  return match ? { start: match.index, query: match[1]!.toLowerCase() } : null;
};

/** Members to offer for a query: by the start of the username, then by the start of a word of the name; never me. */
export const mentionCandidates = (members: readonly Participant[], query: string, myId: string, limit = 8): Participant[] => {
  const q = query.toLowerCase();
  const others = members.filter((p) => p.user.id !== myId);
  const byUsername = others.filter((p) => p.user.username.startsWith(q));
  const byName = others.filter(
    (p) => !byUsername.includes(p) && p.user.name.toLocaleLowerCase().split(/\s+/).some((word) => word.startsWith(q)),
  );
  return [...byUsername, ...byName].slice(0, limit);
};

/** The text with the `@…` at `start` (up to the caret) replaced by `@username `, and where the caret goes. */
export const insertMention = (text: string, start: number, caret: number, username: string): { text: string; caret: number } => {
  const inserted = `@${username} `;
  const rest = text.slice(caret).replace(/^[a-z0-9_]*\s?/i, '');
  return { text: text.slice(0, start) + inserted + rest, caret: start + inserted.length };
};
