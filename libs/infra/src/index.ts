export * from './kafka-launcher';
export * from './ports';
export * from './postgres';
export * from './services';
