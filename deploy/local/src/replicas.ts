/** One process of a service: `name` names its log and pid files (`<service>`, or `<service>-<n>` among several). */
export type ServiceReplica<S> = { name: string; service: S; replica: number };

/**
 * Each service `replicas` times, in the services' order. Replicas of a worker share its consumer group, so Kafka
 * splits the partitions between them; each process needs its own OPS_PORT (and each API its own API_PORT).
 */
export function serviceReplicas<S extends { name: string }>(services: S[], replicas: number): ServiceReplica<S>[] {
  return services.flatMap((service) =>
    Array.from({ length: replicas }, (_, i) => ({
      name: replicas > 1 ? `${service.name}-${i + 1}` : service.name,
      service,
      replica: i + 1,
    })),
  );
}
