import { describe, expect, it } from 'vitest';
import { parseHopMetrics, quantileMs, sumSnapshots } from '../../src/hop-metrics';

const metrics = (fast: number, slow: number) =>
  [
    `bg_hop_apply_seconds_bucket{topic="t",le="0.01"} ${fast}`,
    `bg_hop_apply_seconds_bucket{topic="t",le="1"} ${fast + slow}`,
    `bg_hop_apply_seconds_bucket{topic="t",le="+Inf"} ${fast + slow}`,
  ].join('\n');

describe("a service's hops over its replicas", () => {
  it('adds up the replicas’ histograms, so a quantile is over every update the service applied', () => {
    const replicas = [parseHopMetrics(metrics(90, 0)), parseHopMetrics(metrics(0, 10))];
    const service = sumSnapshots(replicas);
    expect(service.apply.get(Infinity)).toBe(100);
    expect(quantileMs(service.apply, 0.5)).toBeLessThanOrEqual(10);
    expect(quantileMs(service.apply, 0.99)).toBeGreaterThan(10);
  });

  it('of one replica is that replica’s', () => {
    const one = parseHopMetrics(metrics(5, 5));
    expect(sumSnapshots([one])).toEqual(one);
  });
});
