export * from './derive-key.util';
export * from './secret-box';
export * from './ssh-keys.util';
