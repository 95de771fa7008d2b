import { z } from 'zod';

/** Ids are MongoDB ObjectIds as 24 lowercase hex characters. */
export const Id = z.string().regex(/^[a-f0-9]{24}$/, 'must be a 24-character hex id');
export const IsoDate = z.iso.datetime({ offset: true });

export const Cursor = z.string().min(1).max(200);
export const Limit = (max: number, fallback: number) => z.coerce.number().int().min(1).max(max).default(fallback);

export const page = <T extends z.ZodType>(item: T) => z.object({ items: z.array(item), nextCursor: z.string().nullable() });

export const NoContent = z.object({}).strict();

/**
 * Names may be right-to-left (Hebrew, Arabic: the characters carry their own direction), but may not hold the
 * explicit embedding, override and isolate controls (U+202A–U+202E, U+2066–U+2069): "\u202Egpj.exe" shows as
 * "exe.jpg" in every list that prints it.
 */
export const noDirectionControls = (value: string): boolean => !/[\u202A-\u202E\u2066-\u2069]/.test(value);
