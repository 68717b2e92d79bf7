export * from './task-manager.module';
