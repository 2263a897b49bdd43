import { describe, expect, it } from 'vitest';
import { serviceReplicas } from '../../src/replicas';

const services = [{ name: 'ingestion' }, { name: 'scoring' }, { name: 'api' }];

describe('replicas of the services', () => {
  it('keeps one process per service named as the service when there is one replica', () => {
    expect(serviceReplicas(services, 1).map((r) => r.name)).toEqual(['ingestion', 'scoring', 'api']);
  });

  it('runs each service as many times as asked, each process with a name of its own', () => {
    const replicas = serviceReplicas(services, 2);
    expect(replicas.map((r) => r.name)).toEqual([
      'ingestion-1',
      'ingestion-2',
      'scoring-1',
      'scoring-2',
      'api-1',
      'api-2',
    ]);
    expect(replicas.map((r) => `${r.service.name}#${r.replica}`)).toEqual([
      'ingestion#1',
      'ingestion#2',
      'scoring#1',
      'scoring#2',
      'api#1',
      'api#2',
    ]);
  });
});
