/** The reactions offered first, in the message menu (as Telegram's row above its menu). */
export const QUICK_REACTIONS = ['👍', '❤️', '😂', '😮', '😢', '🙏', '🔥', '🎉'] as const;

/** The picker's emoji: the quick ones, then more everyday ones. Each is one RGI emoji, as the server checks. */
export const REACTION_EMOJI: readonly string[] = [
  ...QUICK_REACTIONS,
  '👎', '👏', '🙌', '👌', '🤝', '💪', '✌️', '👀',
  '😁', '🤣', '😊', '😍', '🥰', '😘', '😎', '🤩',
  '🤔', '🤨', '😐', '🙄', '😴', '🤯', '😱', '😭',
  '😡', '🤬', '🤮', '🥳', '😇', '🤗', '🫡', '🤷',
  '💯', '✅', '❌', '⭐', '⚡', '💔', '❤️‍🔥', '🏆',
  '🍕', '☕', '🍻', '🎂', '🎁', '🚀', '💡', '👻',
];
