export * from './callback-receiver.module';
