import type { PipeTransform } from '@nestjs/common';
import type { z } from 'zod';
import { validationFailed } from '../errors.js';

/** Validates a NATS payload with a contracts schema; a failure is a 422 naming the field. */
export class ZodPipe<S extends z.ZodType> implements PipeTransform<unknown, z.infer<S>> {
  constructor(private readonly schema: S) {}
  transform(value: unknown): z.infer<S> {
    const result = this.schema.safeParse(value ?? {});
    if (!result.success) throw validationFailed(result.error, 'body');
    return result.data;
  }
}
