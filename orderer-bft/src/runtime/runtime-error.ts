import { StagedError } from '../core/errors.js';

/** Stable codes for errors the runtime raises, by stage. */
export const RUNTIME_ERROR_CODES = [
  'INVALID_RUNTIME_CONFIG',
  'STORAGE_IO',
  'STORAGE_CORRUPT',
  'LINK_AUTH',
  'STATE_TRANSFER',
  'LISTEN_FAILED',
  'INVALID_LOG_SPEC',
] as const;

/** One of {@link RUNTIME_ERROR_CODES}. */
export type RuntimeErrorCode = (typeof RUNTIME_ERROR_CODES)[number];

/** A typed runtime failure with the ids that locate it (replica, file, sequence…). */
export class RuntimeError extends StagedError<RuntimeErrorCode> {
  constructor(code: RuntimeErrorCode, message: string, ids: Record<string, number | string> = {}, cause?: unknown) {
    super('RuntimeError', code, message, ids, cause);
  }
}
