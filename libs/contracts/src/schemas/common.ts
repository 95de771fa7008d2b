import { z } from 'zod';

/** Ids are MongoDB ObjectIds as 24 lowercase hex characters. */
export const Id = z.string().regex(/^[a-f0-9]{24}$/, 'must be a 24-character hex id');
export const IsoDate = z.iso.datetime({ offset: true });

export const Cursor = z.string().min(1).max(200);
export const Limit = (max: number, fallback: number) => z.coerce.number().int().min(1).max(max).default(fallback);

export const page = <T extends z.ZodType>(item: T) => z.object({ items: z.array(item), nextCursor: z.string().nullable() });

export const NoContent = z.object({}).strict();
