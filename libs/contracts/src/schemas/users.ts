import { z } from 'zod';
import { Id, IsoDate } from './common.js';

// Display names may be in any script (Cyrillic is the common case), but never blank or control characters.
// eslint-disable-next-line no-control-regex -- rejecting control characters is the point
const noControlChars = (value: string) => !/[\u0000-\u001f\u007f]/.test(value);

export const Username = z
  .string()
  .min(3)
  .max(32)
  .regex(/^[a-z0-9_]+$/, 'only a-z, 0-9 and _');
export const DisplayName = z.string().trim().min(1).max(64).refine(noControlChars, 'must not contain control characters');
export const Password = z.string().min(8).max(128);
export const Bio = z.string().max(200).refine(noControlChars, 'must not contain control characters');

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
