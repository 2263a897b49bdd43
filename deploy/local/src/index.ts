export * from './kafka-launcher';
export * from './ports';
export * from './postgres';
export * from './tokens';
export * from './settings';
export * from './services';
export * from './stack';
export * from './supervisor';
