export * from './data-source';
export * from './database.module';
export * from './entities';
export * from './prepare-database';
export * from './pg-listener';
export * from './background-task';
