export * from './test-context';
export * from './kafka-probe';
export * from './synthetic-crm';
export * from './settled';
export * from './crm-records';
export * from './otlp-receiver';
export * from './oracle-check';
export * from './pipeline-backlog';
