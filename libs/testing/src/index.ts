export * from './factories';
export * from './test-api';
export * from './test-database';
export * from './service-process';
export * from './test-elasticsearch';
