import { existsSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { apiConfigSchema } from '@bg/api/src/config';
import { projectionConsumer } from '@bg/api/src/handlers/apply-projection';
import { enrichmentConfigSchema } from '@bg/enrichment/src/config';
import { enrichmentConsumer } from '@bg/enrichment/src/handlers/apply-events';
import { listServices, repoRoot } from '@bg/infra';
import { ingestionConfigSchema } from '@bg/ingestion/src/config';
import { ingestionConsumer } from '@bg/ingestion/src/handlers/apply-crm-events';
import { localSettings } from '@bg/local-stack';
import { roleAssignmentConfigSchema } from '@bg/role-assignment/src/config';
import { roleAssignmentConsumer } from '@bg/role-assignment/src/handlers/apply-events';
import { scoringConfigSchema } from '@bg/scoring/src/config';
import { scoringConsumer } from '@bg/scoring/src/handlers/apply-scoring-events';
import { loadManifests, problemsOf, type Expectations, type Manifest, type ManifestSet } from '../../src/manifests';

const manifestDir = fileURLToPath(new URL('../..', import.meta.url));

/** The variables a reader of `env` looks at, found by handing it an env that records every read. */
function variablesRead(reader: (env: NodeJS.ProcessEnv) => unknown): Set<string> {
  const read = new Set<string>();
  reader(new Proxy({}, { get: (_target, name) => (typeof name === 'string' && read.add(name), undefined) }));
  return read;
}

const worker = { portVariable: 'OPS_PORT', hostVariable: 'OPS_HOST' };
const fromCode = {
  ingestion: { configSchema: ingestionConfigSchema, consumerGroup: ingestionConsumer, ...worker },
  'role-assignment': { configSchema: roleAssignmentConfigSchema, consumerGroup: roleAssignmentConsumer, ...worker },
  scoring: { configSchema: scoringConfigSchema, consumerGroup: scoringConsumer, ...worker },
  enrichment: { configSchema: enrichmentConfigSchema, consumerGroup: enrichmentConsumer, ...worker },
  api: {
    configSchema: apiConfigSchema,
    consumerGroup: projectionConsumer,
    portVariable: 'API_PORT',
    hostVariable: 'API_HOST',
  },
};

const setupCommands = ['topics', 'migrate'];
const expectations: Expectations = {
  services: Object.fromEntries(
    listServices().map((service) => {
      const known = fromCode[service.name as keyof typeof fromCode];
      if (!known) throw new Error(`service ${service.name} is new: say here what its manifest must agree with`);
      return [service.name, { ...known, entry: relative(repoRoot, service.compiled) }];
    }),
  ),
  setupVariables: variablesRead(localSettings),
  setupCommands: setupCommands.map((name) => `deploy/local/dist/${name}.js`),
};

const loaded = loadManifests(manifestDir);
const problemsAfter = (change: (set: ManifestSet) => void): string[] => {
  const set = structuredClone({ kustomization: loaded.kustomization, manifests: loaded.manifests });
  change(set);
  return problemsOf(set, expectations);
};
// The tests below break a manifest on purpose, anywhere, with values of any type.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Editable = Manifest & Record<string, any>;
const find = (set: ManifestSet, kind: string, name: string) =>
  set.manifests.find((m) => m.kind === kind && m.metadata.name === name) as Editable;
const containerOf = (set: ManifestSet, name: string) => find(set, 'Deployment', name).spec.template.spec.containers[0];

describe('the Kubernetes manifests (deploy/k8s)', () => {
  it('parse, and kustomization.yaml lists every manifest file', () => {
    expect(loaded.yamlErrors).toEqual([]);
    expect(loaded.unlisted).toEqual([]);
    expect(loaded.manifests.map((m) => m.kind)).toContain('ScaledObject');
  });

  it('validate against their kinds’ schemas and agree with the code: settings, probes, image, consumer groups', () => {
    expect(problemsOf(loaded, expectations)).toEqual([]);
  });

  it('run setup commands that the build makes', () => {
    for (const name of setupCommands) expect(existsSync(join(repoRoot, 'deploy/local', `${name}.ts`))).toBe(true);
  });
});

describe('the manifest checks catch', () => {
  it('a field of the wrong type (schema)', () => {
    const problems = problemsAfter((set) => (find(set, 'Deployment', 'scoring').spec.replicas = 'two'));
    expect(problems.join('\n')).toMatch(/Deployment\/scoring: .*replicas must be integer/);
  });

  it('a kind without a schema', () => {
    const problems = problemsAfter((set) =>
      set.manifests.push({ file: 'x.yaml', apiVersion: 'example.com/v1', kind: 'Widget', metadata: { name: 'w' } }),
    );
    expect(problems).toContain('x.yaml Widget/w: no schema for example.com/v1 Widget');
  });

  it('a variable that is no setting of the service', () => {
    const problems = problemsAfter((set) =>
      containerOf(set, 'ingestion').env.push({ name: 'KAFKA_BROKER', value: 'k:9092' }),
    );
    expect(problems.join('\n')).toMatch(/ingestion: KAFKA_BROKER is not a setting of ingestion/);
  });

  it('a value the service would refuse', () => {
    const problems = problemsAfter((set) => (find(set, 'ConfigMap', 'buying-groups').data.LOG_LEVEL = 'verbose'));
    expect(problems.filter((p) => p.includes('LOG_LEVEL=verbose'))).toHaveLength(5);
  });

  it('a required setting left out', () => {
    const problems = problemsAfter((set) => {
      const container = containerOf(set, 'api');
      container.env = container.env.filter((v: { name: string }) => v.name !== 'API_TOKENS');
    });
    expect(problems.join('\n')).toMatch(/api: API_TOKENS is required \(no default\) and not set/);
  });

  it('a probe on another port than the service listens on', () => {
    const problems = problemsAfter((set) => (containerOf(set, 'role-assignment').readinessProbe.httpGet.port = 9401));
    expect(problems.join('\n')).toMatch(/role-assignment: readinessProbe probes port 9401, but OPS_PORT/);
  });

  it('ops endpoints left on loopback', () => {
    const problems = problemsAfter((set) => {
      const container = containerOf(set, 'enrichment');
      container.env = container.env.filter((v: { name: string }) => v.name !== 'OPS_HOST');
    });
    expect(problems.join('\n')).toMatch(/enrichment: OPS_HOST must be 0.0.0.0/);
  });

  it('another image than the release one', () => {
    const problems = problemsAfter((set) => (containerOf(set, 'scoring').image = 'scoring:latest'));
    expect(problems.join('\n')).toMatch(/scoring: image 'scoring:latest', expected 'buying-groups'/);
  });

  it('a scaling rule on a consumer group the service does not use', () => {
    const problems = problemsAfter(
      (set) => (find(set, 'ScaledObject', 'api').spec.triggers[0].metadata.consumerGroup = 'api'),
    );
    expect(problems.join('\n')).toMatch(
      /ScaledObject\/api: consumerGroup 'api', the service's group is 'api-projections'/,
    );
  });

  it('more replicas than partitions', () => {
    const problems = problemsAfter((set) => (find(set, 'ScaledObject', 'ingestion').spec.maxReplicaCount = 50));
    expect(problems.join('\n')).toMatch(/maxReplicaCount 50 exceeds the 12 partitions/);
  });

  it('a selector that picks other pods than its own', () => {
    const problems = problemsAfter(
      (set) =>
        (find(set, 'PodDisruptionBudget', 'scoring').spec.selector.matchLabels = {
          'app.kubernetes.io/part-of': 'buying-groups',
        }),
    );
    expect(problems.join('\n')).toMatch(/PodDisruptionBudget\/scoring: its selector picks the pods of \[ingestion,/);
  });

  it('a setup variable neither command reads', () => {
    const problems = problemsAfter((set) =>
      find(set, 'Job', 'buying-groups-setup').spec.template.spec.containers[0].env.push({
        name: 'PARTITIONS',
        value: '3',
      }),
    );
    expect(problems.join('\n')).toMatch(/PARTITIONS is read by neither topics nor migrate/);
  });
});
