import { describe, expect, it } from 'vitest';
import { replicationFor } from '../../src/kafka-launcher';

describe('replication by the size of the cluster', () => {
  it('keeps one copy on a single broker, where nothing else is possible', () => {
    expect(replicationFor(1)).toEqual({ replicationFactor: 1, minInsyncReplicas: 1 });
  });

  it('on three brokers keeps three copies and acknowledges a write once two hold it', () => {
    expect(replicationFor(3)).toEqual({ replicationFactor: 3, minInsyncReplicas: 2 });
  });

  it('stops at three copies on a larger cluster', () => {
    expect(replicationFor(6)).toEqual({ replicationFactor: 3, minInsyncReplicas: 2 });
  });
});
