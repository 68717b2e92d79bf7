export * from './amqp-connection';
export * from './amqp.transport';
export * from './messages';
export * from './messaging.module';
export * from './outbox';
export * from './topology';
export * from './batch.consumer';
