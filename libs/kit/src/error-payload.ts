import { isErrorCode, type ServiceErrorPayload } from '@messenger/contracts';

/** Reads a service error payload back from a reply, refusing anything that is not one. */
export const asServiceErrorPayload = (value: unknown): ServiceErrorPayload | undefined => {
  if (typeof value !== 'object' || value === null) return undefined;
  const candidate = value as Partial<ServiceErrorPayload>;
  return isErrorCode(candidate.code) && typeof candidate.message === 'string' ? (candidate as ServiceErrorPayload) : undefined;
};
