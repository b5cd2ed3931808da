import { createHash } from 'node:crypto';
import type { Hasher } from '../core/dependencies.js';

/** The core's {@link Hasher} for Fabric replicas: SHA-256, Fabric's only block hash. */
export const sha256Hasher: Hasher = {
  hash: (data) => new Uint8Array(createHash('sha256').update(data).digest()),
};
