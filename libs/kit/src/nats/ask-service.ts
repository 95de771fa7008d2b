import type { NatsConnection } from '@nats-io/transport-node';
import {
  SERVICE_QUESTIONS,
  type QuestionReply,
  type QuestionRequest,
  type ServiceErrorPayload,
  type ServiceQuestion,
} from '@messenger/contracts';
import { requestService, type RequestOptions } from './requester.js';

export type Answer<S extends ServiceQuestion> = { ok: true; reply: QuestionReply<S> } | { ok: false; error: ServiceErrorPayload };

/**
 * The typed way one service asks another: the subject decides the request's and the reply's types
 * (libs/contracts' SERVICE_QUESTIONS), and a reply that does not match its schema is an error, never a cast.
 */
export const askService = async <S extends ServiceQuestion>(
  nats: NatsConnection,
  subject: S,
  request: QuestionRequest<S>,
  options?: RequestOptions,
): Promise<Answer<S>> => {
  const reply = await requestService(nats, subject, request, options);
  if (!reply.ok) return reply;
  const parsed = SERVICE_QUESTIONS[subject].reply.safeParse(reply.response);
  if (!parsed.success) return { ok: false, error: { code: 'INTERNAL', message: `${subject} answered in an unexpected shape` } };
  return { ok: true, reply: parsed.data as QuestionReply<S> };
};
