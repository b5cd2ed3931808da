/**
 * Stable error codes of the LR chaincode. They travel to Fabric clients only as text (the
 * transaction's error message), so the message always starts with `[CODE]` and clients map it
 * back with {@link parseContractError}.
 */
export const CONTRACT_ERROR_CODES = [
  // Inauthentic input: the transaction fails and writes nothing.
  'MALFORMED',
  'BAD_SIGNATURE',
  'UNKNOWN_METER',
  'REVOKED_METER',
  'REPLAYED_SEQ',
  // Access control, governance and arguments.
  'FORBIDDEN',
  'NOT_FOUND',
  'INVALID_ARGUMENT',
  'ALREADY_EXISTS',
  'NOT_INITIALISED',
] as const;

/** One of {@link CONTRACT_ERROR_CODES}. */
export type ContractErrorCode = (typeof CONTRACT_ERROR_CODES)[number];

/** A failed transaction with a stable code, the ids involved and the underlying cause. */
export class ContractError extends Error {
  readonly code: ContractErrorCode;
  readonly ids: Readonly<Record<string, string>>;

  constructor(code: ContractErrorCode, detail: string, ids: Record<string, string> = {}, cause?: unknown) {
    super(`[${code}] ${detail}`, cause === undefined ? undefined : { cause });
    this.name = 'ContractError';
    this.code = code;
    this.ids = ids;
  }
}

const MESSAGE_PATTERN = /^\[([A-Z_]+)\] ([\s\S]*)$/;

/** Parsed form of a chaincode error message. */
export interface ParsedContractError {
  readonly code: ContractErrorCode;
  readonly detail: string;
}

/**
 * Recovers code and detail from an error message as a Fabric client sees it (the message may be
 * wrapped by the peer or gateway, e.g. "chaincode response 500, [UNKNOWN_METER] …"). Returns
 * null when no known code is present.
 */
export function parseContractError(message: string): ParsedContractError | null {
  const start = message.search(/\[[A-Z_]+\] /);
  if (start < 0) return null;
  const match = MESSAGE_PATTERN.exec(message.slice(start));
  if (!match) return null;
  const code = match[1]!;
  if (!(CONTRACT_ERROR_CODES as readonly string[]).includes(code)) return null;
  return { code: code as ContractErrorCode, detail: match[2]! };
}
