import type { FieldIssue } from '@messenger/contracts';
import type { z } from 'zod';

/** A validation failure as the fields at fault, the shape every 422 carries in `details.fields`. */
export const fieldIssues = (error: z.ZodError, location: FieldIssue['location']): FieldIssue[] =>
  error.issues.map((issue) => ({
    path: issue.path.map(String).join('.') || '(root)',
    location,
    message: issue.message,
  }));
