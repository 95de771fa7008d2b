export * from './dev-keys.js';
export * from './node-process.js';
export * from './stack.js';
