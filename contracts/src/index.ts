export * from './topics';
export * from './envelope';
export * from './crm';
export * from './components';
export * from './buying-group';
export * from './internal';
export * from './ids';
