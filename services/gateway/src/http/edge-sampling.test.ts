import { describe, expect, it } from 'vitest';
import { EdgeSampling } from './edge-sampling.js';

const trace = (id: string, flags: string) => `00-${id}-00f067aa0ba902b7-${flags}`;
const ID = '4bf92f3577b34da6a3ce929d0e0e4736';

describe('EdgeSampling', () => {
  it('keeps the browser’s trace id but not its sampled flag: under always_off nothing is forced on', () => {
    const off = new EdgeSampling({ OTEL_TRACES_SAMPLER: 'parentbased_always_off' });
    expect(off.decide(trace(ID, '01'))).toBe(trace(ID, '00'));
  });

  it('samples by default whatever the client asked, so a client cannot hide its requests either', () => {
    expect(new EdgeSampling({}).decide(trace(ID, '00'))).toBe(trace(ID, '01'));
  });

  it('decides a ratio by the trace id alone: the same id gets the same answer, whatever its flag', () => {
    const half = new EdgeSampling({ OTEL_TRACES_SAMPLER: 'parentbased_traceidratio', OTEL_TRACES_SAMPLER_ARG: '0.5' });
    const ids = Array.from({ length: 2000 }, (_, i) => (BigInt(i) * 0x9e3779b97f4a7c15n).toString(16).padStart(32, '0').slice(-32));
    const sampled = ids.filter((id) => half.decide(trace(id, '00'))!.endsWith('-01'));
    for (const id of ids) expect(half.decide(trace(id, '01'))).toBe(half.decide(trace(id, '00')));
    expect(sampled.length / ids.length).toBeGreaterThan(0.4);
    expect(sampled.length / ids.length).toBeLessThan(0.6);
  });

  it('drops what is not a traceparent', () => {
    const edge = new EdgeSampling({});
    for (const bad of [undefined, '', 'garbage', `01-${ID}-00f067aa0ba902b7-01`, `00-${ID}-short-01`])
      expect(edge.decide(bad)).toBeUndefined();
  });
});
