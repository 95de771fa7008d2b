const TRACEPARENT = /^00-([0-9a-f]{32})-([0-9a-f]{16})-[0-9a-f]{2}$/;

/**
 * The gateway's own sampling decision for a trace a browser started. The browser's trace id is kept (one id finds
 * the request from the click to the store), but its "sampled" flag is not: a client that set it on every request
 * would have every one of them traced and exported. The decision follows OTEL_TRACES_SAMPLER, as for traces the
 * gateway starts itself: always on, always off, or a ratio decided by the trace id (the same id, the same answer).
 */
export class EdgeSampling {
  private readonly ratio: number;

  constructor(env: NodeJS.ProcessEnv = process.env) {
    const sampler = env.OTEL_TRACES_SAMPLER ?? 'parentbased_always_on';
    const arg = Number(env.OTEL_TRACES_SAMPLER_ARG ?? '1');
    this.ratio = sampler.endsWith('always_off') ? 0 : sampler.endsWith('traceidratio') ? (Number.isFinite(arg) ? arg : 1) : 1;
  }

  /** The client's traceparent with our decision in its flags, or undefined when it is not a valid one. */
  decide(traceparent: string | undefined): string | undefined {
    const match = TRACEPARENT.exec(traceparent?.trim().toLowerCase() ?? '');
    if (!match) return undefined;
    const [, traceId, spanId] = match as unknown as [string, string, string];
    const position = parseInt(traceId.slice(-13), 16) / 16 ** 13;
    return `00-${traceId}-${spanId}-${position < this.ratio ? '01' : '00'}`;
  }
}
