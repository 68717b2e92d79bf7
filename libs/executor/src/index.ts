export * from './executor.module';
export * from './executor.service';
export * from './job-runner';
export * from './borg/client-probe';
export * from './borg/vm-providers';
export * from './borg/borg-host';
export * from './output.publisher';
export { fingerprint, keyType } from './ssh/host-keys';
