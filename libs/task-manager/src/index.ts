export * from './task-manager.module';
export * from './task-manager.service';
