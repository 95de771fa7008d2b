import { z } from 'zod';
import { Id, IsoDate, noDirectionControls } from './common.js';

// Display names may be in any script (Cyrillic is the common case), but never blank, never control
// characters, and never broken UTF-16 (a lone surrogate would be silently rewritten to U+FFFD on save).
// eslint-disable-next-line no-control-regex -- rejecting control characters is the point
const noControlChars = (value: string) => !/[\u0000-\u001f\u007f]/.test(value);
const wellFormed = (value: string) => value.isWellFormed();

export const Username = z
  .string()
  .min(3)
  .max(32)
  .regex(/^[a-z0-9_]+$/, 'only a-z, 0-9 and _');
export const DisplayName = z
  .string()
  .trim()
  .min(1)
  .max(64)
  .refine(noControlChars, 'must not contain control characters')
  .refine(wellFormed, 'must be well-formed Unicode')
  .refine(noDirectionControls, 'must not contain text-direction override characters');
export const Password = z.string().min(8).max(128);
export const Bio = z
  .string()
  .max(200)
  // Line breaks are fine in a bio; other control characters are not.
  .refine((value) => noControlChars(value.replace(/\n/g, '')), 'must not contain control characters')
  .refine(wellFormed, 'must be well-formed Unicode');

export const User = z.object({
  id: Id,
  username: z.string(),
  name: z.string(),
  bio: z.string(),
  avatarUrl: z.string().nullable(),
  createdAt: IsoDate,
});
export type User = z.infer<typeof User>;

export const UserSummary = User.pick({ id: true, username: true, name: true, avatarUrl: true });
export type UserSummary = z.infer<typeof UserSummary>;

export const RegisterBody = z.strictObject({ username: Username, name: DisplayName, password: Password });
export const LoginBody = z.strictObject({ username: z.string().min(1).max(64), password: z.string().min(1).max(128) });
export const AuthResult = z.object({ accessToken: z.string(), user: User });
export type AuthResult = z.infer<typeof AuthResult>;

export const UpdateMeBody = z
  .strictObject({ name: DisplayName.optional(), bio: Bio.optional() })
  .refine((body) => body.name !== undefined || body.bio !== undefined, 'nothing to update');

export const UserIdParams = z.strictObject({ id: Id });

export const AVATAR_MAX_BYTES = 5 * 1024 * 1024;

export const AvatarUpload = z.strictObject({ image: z.base64().max(Math.ceil((AVATAR_MAX_BYTES * 4) / 3) + 4) });
export const AvatarQuery = z.strictObject({ v: z.coerce.number().int().min(1).optional() });

export const USER_SEARCH_MAX_LIMIT = 50;
export const UserSearchQuery = z.strictObject({
  q: z.string().trim().min(1).max(64),
  limit: z.coerce.number().int().min(1).max(USER_SEARCH_MAX_LIMIT).default(20),
  cursor: z.string().max(200).optional(),
});
export const UserSearchPage = z.object({ items: z.array(UserSummary), nextCursor: z.string().nullable() });

/** Other services ask for many users in one round trip (`users.profile.summaries`). */
export const UserSummariesRequest = z.strictObject({ ids: z.array(Id).max(500) });
export const UserSummariesReply = z.object({ items: z.array(UserSummary) });

export const PresenceStatus = z.object({ userId: Id, online: z.boolean(), lastSeenAt: IsoDate.nullable() });
export type PresenceStatus = z.infer<typeof PresenceStatus>;

/** `?ids=a,b,c` at the edge; an array once validated, so the service can check it again. */
export const PresenceQuery = z.strictObject({
  ids: z.preprocess((value) => (typeof value === 'string' ? value.split(',').filter(Boolean) : value), z.array(Id).min(1).max(100)),
});
export const PresencePage = z.object({ items: z.array(PresenceStatus) });
