export * from './core/index.js';
export * from './contract/index.js';
