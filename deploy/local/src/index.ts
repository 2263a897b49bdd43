export * from './tokens';
export * from './settings';
export * from './stack';
export * from './supervisor';
export * from './replicas';
