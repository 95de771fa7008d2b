/**
 * `@username` in a message's text, as usernames are spelled (3–32 of a-z, 0-9, _). An address such as
 * me@example.com is not a mention: the `@` must start the text or follow a character that is not part of a word.
 */
const MENTION = /(?<![\p{L}\p{N}_@])@([a-z0-9_]{3,32})(?![a-z0-9_])/giu;

export const mentionedUsernames = (text: string): string[] => [
  ...new Set([...text.matchAll(MENTION)].map((match) => match[1]!.toLowerCase())),
];
