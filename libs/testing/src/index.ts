export * from './factories';
export * from './test-api';
export * from './test-database';
export * from './service-process';
export * from './ssh-host';
export * from './borg-testbed';
export * from './test-elasticsearch';
