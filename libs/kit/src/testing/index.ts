export * from './otlp-receiver.js';
export * from './ws-client.js';
export * from './api-client.js';
export * from './test-stack.js';
export * from './store-commands.js';
export * from './chat-history.js';
export * from './prometheus-text.js';
