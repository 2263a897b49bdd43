import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import type { z } from 'zod';
import { ScaledObject } from '@kubernetes-models/keda/keda.sh/v1alpha1';
import { Deployment } from 'kubernetes-models/apps/v1';
import { Job } from 'kubernetes-models/batch/v1';
import { PodDisruptionBudget } from 'kubernetes-models/policy/v1';
import { ConfigMap, Namespace, Service } from 'kubernetes-models/v1';
import type { IContainer } from 'kubernetes-models/v1/Container';

/** One document of one manifest file, as parsed. */
export type Manifest = {
  file: string;
  apiVersion: string;
  kind: string;
  metadata: { name: string; labels?: Record<string, string> };
  [field: string]: unknown;
};

export type ManifestSet = {
  kustomization: { namespace?: string; resources: string[]; images?: { name: string }[] };
  manifests: Manifest[];
};

/** The JSON schema (bundled with the model) of every kind the manifests may use; any other kind is a problem. */
const models: Record<string, new (data: never) => { validate(): void }> = {
  'v1/Namespace': Namespace,
  'v1/ConfigMap': ConfigMap,
  'v1/Service': Service,
  'apps/v1/Deployment': Deployment,
  'batch/v1/Job': Job,
  'policy/v1/PodDisruptionBudget': PodDisruptionBudget,
  'keda.sh/v1alpha1/ScaledObject': ScaledObject,
};

/** The kustomization and every document of the files it lists; a file it leaves out is reported by `problemsOf`. */
export function loadManifests(dir: string): ManifestSet & { unlisted: string[]; yamlErrors: string[] } {
  const kustomization = parseAllDocuments(readFileSync(join(dir, 'kustomization.yaml'), 'utf8'))[0]!.toJS();
  const yamlFiles = readdirSync(dir).filter((f) => f.endsWith('.yaml') && f !== 'kustomization.yaml');
  const yamlErrors: string[] = [];
  const manifests: Manifest[] = [];
  for (const file of kustomization.resources as string[]) {
    if (!existsSync(join(dir, file))) {
      yamlErrors.push(`${file}: listed in kustomization.yaml but missing`);
      continue;
    }
    for (const document of parseAllDocuments(readFileSync(join(dir, file), 'utf8'))) {
      for (const error of document.errors) yamlErrors.push(`${file}: ${error.message}`);
      if (document.errors.length === 0 && document.contents !== null) manifests.push({ ...document.toJS(), file });
    }
  }
  const unlisted = yamlFiles.filter((f) => !(kustomization.resources as string[]).includes(f));
  return { kustomization, manifests, unlisted, yamlErrors };
}

/** What one service's container must agree with: its zod config schema and its consumer group. */
export type ServiceExpectations = {
  configSchema: z.ZodObject;
  consumerGroup: string;
  /** The variable holding the port its /healthz and /readyz answer on, and the one holding their address. */
  portVariable: string;
  hostVariable: string;
  /** The compiled entry the image runs, relative to the repository (`services/<name>/dist/main.js`). */
  entry: string;
};

export type Expectations = {
  services: Record<string, ServiceExpectations>;
  /** The variables the setup Job's commands read (`npm run topics`, `npm run migrate`). */
  setupVariables: ReadonlySet<string>;
  setupCommands: string[];
};

type EnvValue = { literal: string } | { secret: string; key: string; optional: boolean };

/** Every problem of the manifest set: schema violations and what disagrees with the code. Empty when all is well. */
export function problemsOf(set: ManifestSet, expect: Expectations): string[] {
  const problems: string[] = [];
  const where = (m: Manifest) => `${m.file} ${m.kind}/${m.metadata?.name}`;
  for (const manifest of set.manifests) {
    const model = models[`${manifest.apiVersion}/${manifest.kind}`];
    if (!model) {
      problems.push(`${where(manifest)}: no schema for ${manifest.apiVersion} ${manifest.kind}`);
      continue;
    }
    try {
      new model(manifest as never).validate();
    } catch (error) {
      problems.push(`${where(manifest)}: ${(error as Error).message}`);
    }
  }

  const ofKind = <T>(kind: string) => set.manifests.filter((m) => m.kind === kind) as (Manifest & T)[];
  const configMaps = new Map(ofKind<{ data?: Record<string, string> }>('ConfigMap').map((c) => [c.metadata.name, c]));
  const image = set.kustomization.images?.[0]?.name;
  if (!image) problems.push('kustomization.yaml: no images entry to set the release image');

  /** A container's environment as the kubelet builds it: ConfigMaps first, then its own `env` over them. */
  const environmentOf = (owner: string, container: IContainer): Map<string, EnvValue> => {
    const env = new Map<string, EnvValue>();
    for (const source of container.envFrom ?? []) {
      const name = source.configMapRef?.name;
      const configMap = name === undefined ? undefined : configMaps.get(name);
      if (!configMap) problems.push(`${owner}: envFrom names ConfigMap '${name}', which the manifests do not define`);
      for (const [key, value] of Object.entries(configMap?.data ?? {})) env.set(key, { literal: value });
    }
    for (const variable of container.env ?? []) {
      const secret = variable.valueFrom?.secretKeyRef;
      if (secret) env.set(variable.name, { secret: secret.name ?? '', key: secret.key, optional: !!secret.optional });
      else if (variable.value !== undefined) env.set(variable.name, { literal: variable.value });
      else problems.push(`${owner}: ${variable.name} has neither a value nor a secretKeyRef`);
    }
    return env;
  };

  const checkImage = (owner: string, container: IContainer) => {
    if (container.image !== image) problems.push(`${owner}: image '${container.image}', expected '${image}'`);
  };

  const setup = ofKind<{ spec: Job['spec'] }>('Job');
  const partitions = Number(
    setup
      .flatMap((job) => job.spec?.template.spec?.containers ?? [])
      .flatMap((c) => c.env ?? [])
      .find((v) => v.name === 'KAFKA_PARTITIONS')?.value,
  );
  if (setup.length !== 1) problems.push(`expected one setup Job, found ${setup.length}`);
  for (const job of setup) {
    for (const container of job.spec?.template.spec?.containers ?? []) {
      const owner = `${where(job)} container ${container.name}`;
      checkImage(owner, container);
      const env = environmentOf(owner, container);
      for (const name of env.keys())
        if (!expect.setupVariables.has(name)) problems.push(`${owner}: ${name} is read by neither topics nor migrate`);
      for (const name of ['KAFKA_BROKERS', 'DATABASE_URL'])
        if (!env.has(name)) problems.push(`${owner}: ${name} is not set (the commands would use a local default)`);
      const command = (container.command ?? []).join(' ');
      for (const expected of expect.setupCommands)
        if (!command.includes(expected)) problems.push(`${owner}: does not run ${expected}`);
    }
  }
  if (!(partitions > 0)) problems.push('the setup Job does not set KAFKA_PARTITIONS');

  const namespaces = ofKind('Namespace').map((n) => n.metadata.name);
  if (namespaces.join() !== set.kustomization.namespace)
    problems.push(`kustomization.yaml: namespace ${set.kustomization.namespace}, the manifests create ${namespaces}`);

  const deployments = ofKind<{ spec: Deployment['spec'] }>('Deployment');
  /** The Deployments whose pods a label selector picks (the schemas cannot see a selector that picks nothing). */
  const selected = (selector: Record<string, string> | undefined) =>
    deployments.filter((d) =>
      Object.entries(selector ?? {}).every(([k, v]) => d.spec?.template.metadata?.labels?.[k] === v),
    );
  for (const selecting of [...deployments, ...ofKind<{ spec: PodDisruptionBudget['spec'] }>('PodDisruptionBudget')]) {
    const selector = selecting.spec?.selector?.matchLabels;
    const picks = selected(selector).map((d) => d.metadata.name);
    if (!selector || picks.length !== 1 || picks[0] !== selecting.metadata.name)
      problems.push(`${where(selecting)}: its selector picks the pods of [${picks}], not only its own`);
  }
  const scaledObjects = ofKind<{ spec: ScaledObject['spec'] }>('ScaledObject');
  for (const name of Object.keys(expect.services))
    if (!deployments.some((d) => d.metadata.name === name)) problems.push(`no Deployment for service ${name}`);
  for (const deployment of deployments) {
    const service = expect.services[deployment.metadata.name];
    if (!service) {
      problems.push(`${where(deployment)}: not a service of this repository`);
      continue;
    }
    const replicas = deployment.spec?.replicas;
    if (replicas !== 2) problems.push(`${where(deployment)}: replicas ${replicas}, expected 2`);
    const containers = deployment.spec?.template.spec?.containers ?? [];
    if (containers.length !== 1)
      problems.push(`${where(deployment)}: expected one container, found ${containers.length}`);
    const container = containers[0];
    if (!container) continue;
    const owner = `${where(deployment)} container ${container.name}`;
    checkImage(owner, container);
    if ((container.command ?? []).at(-1) !== service.entry)
      problems.push(`${owner}: command ${JSON.stringify(container.command)} does not run ${service.entry}`);
    for (const bound of ['requests', 'limits'] as const)
      for (const resource of ['cpu', 'memory'])
        if (container.resources?.[bound]?.[resource] === undefined)
          problems.push(`${owner}: no ${resource} in resources.${bound}`);

    const env = environmentOf(owner, container);
    const shape = service.configSchema.shape as Record<string, z.ZodType>;
    for (const [name, value] of env) {
      const setting = shape[name];
      if (!setting) {
        problems.push(`${owner}: ${name} is not a setting of ${deployment.metadata.name} (its config.ts)`);
        continue;
      }
      if ('literal' in value) {
        const parsed = setting.safeParse(value.literal);
        if (!parsed.success) problems.push(`${owner}: ${name}=${value.literal}: ${parsed.error.issues[0]?.message}`);
      }
    }
    for (const [name, setting] of Object.entries(shape))
      if (!setting.safeParse(undefined).success && !env.has(name))
        problems.push(`${owner}: ${name} is required (no default) and not set`);
    const port = env.get(service.portVariable);
    const host = env.get(service.hostVariable);
    if (!host || !('literal' in host) || host.literal !== '0.0.0.0')
      problems.push(`${owner}: ${service.hostVariable} must be 0.0.0.0, or the kubelet's probes cannot reach it`);
    const probes = { readinessProbe: '/readyz', livenessProbe: '/healthz' } as const;
    for (const [probe, path] of Object.entries(probes) as [keyof typeof probes, string][]) {
      const httpGet = container[probe]?.httpGet;
      if (httpGet?.path !== path) {
        problems.push(`${owner}: ${probe} must GET ${path}`);
        continue;
      }
      const probePort =
        typeof httpGet.port === 'number'
          ? httpGet.port
          : container.ports?.find((p) => p.name === httpGet.port)?.containerPort;
      const listening = port && 'literal' in port ? port.literal : 'not a literal';
      if (Number(listening) !== probePort)
        problems.push(`${owner}: ${probe} probes port ${probePort}, but ${service.portVariable} is ${listening}`);
    }

    const scalers = scaledObjects.filter((s) => s.spec?.scaleTargetRef.name === deployment.metadata.name);
    if (scalers.length !== 1) problems.push(`${where(deployment)}: expected one ScaledObject, found ${scalers.length}`);
    for (const scaler of scalers) {
      const spec = scaler.spec!;
      if (spec.minReplicaCount !== replicas)
        problems.push(`${where(scaler)}: minReplicaCount ${spec.minReplicaCount} differs from replicas ${replicas}`);
      if ((spec.maxReplicaCount ?? 100) > partitions)
        problems.push(`${where(scaler)}: maxReplicaCount ${spec.maxReplicaCount} exceeds the ${partitions} partitions`);
      const prefix = env.get('KAFKA_TOPIC_PREFIX');
      const group = `${prefix && 'literal' in prefix ? prefix.literal : ''}${service.consumerGroup}`;
      for (const trigger of spec.triggers) {
        const metadata = trigger.metadata as Record<string, string>;
        if (trigger.type !== 'kafka') problems.push(`${where(scaler)}: trigger ${trigger.type}, expected kafka`);
        if (metadata.consumerGroup !== group)
          problems.push(
            `${where(scaler)}: consumerGroup '${metadata.consumerGroup}', the service's group is '${group}'`,
          );
        const brokers = metadata.bootstrapServersFromEnv;
        if (!brokers || !env.has(brokers))
          problems.push(`${where(scaler)}: bootstrapServersFromEnv '${brokers}' is not an env var of its target`);
      }
    }
  }

  for (const service of ofKind<{ spec: Service['spec'] }>('Service')) {
    const [target, ...others] = selected(service.spec?.selector);
    if (others.length > 0) problems.push(`${where(service)}: its selector matches the pods of several Deployments`);
    const ports = target?.spec?.template.spec?.containers.flatMap((c) => c.ports ?? []) ?? [];
    if (!target) problems.push(`${where(service)}: its selector matches no Deployment's pods`);
    for (const port of service.spec?.ports ?? [])
      if (!ports.some((p) => p.name === port.targetPort || p.containerPort === port.targetPort))
        problems.push(`${where(service)}: targetPort ${port.targetPort} is no port of its pods`);
  }
  return problems;
}
