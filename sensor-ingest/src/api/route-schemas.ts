/*
 * JSON schemas of every route: Fastify validates params and bodies with them and
 * @fastify/swagger turns the same objects into /v1/openapi.json, so the document cannot drift
 * from what the server enforces.
 */
import { READING_STATUSES } from '../store/reading-status.js';

const errorBody = {
  type: 'object',
  required: ['error', 'detail'],
  properties: {
    error: { type: 'string', description: 'Stable code: a DLR1 reason (MALFORMED, BAD_SIGNATURE, UNKNOWN_METER, REVOKED_METER) or TOO_LARGE, UNSUPPORTED_MEDIA_TYPE, QUEUE_FULL, SEQ_CONFLICT, UNAUTHORIZED, NOT_FOUND, FRAMING, …' },
    detail: { type: 'string' },
    meterId: { type: 'string' },
    seq: { type: 'string' },
    recordedSha256: { type: 'string' },
    offeredSha256: { type: 'string' },
  },
} as const;

const receipt = {
  type: 'object',
  required: ['meterId', 'seq', 'rawSha256', 'status'],
  properties: {
    meterId: { type: 'string' },
    seq: { type: 'string', description: 'uint64 as decimal text' },
    rawSha256: { type: 'string', description: 'SHA-256 of the reading bytes (the ledger record binds the same digest)' },
    status: { type: 'string', enum: [...READING_STATUSES] },
  },
} as const;

const batchItem = {
  type: 'object',
  required: ['index', 'httpStatus'],
  properties: {
    index: { type: 'integer' },
    httpStatus: { type: 'integer', description: 'What this reading alone would have been answered: 202, 400, 409, 413, 429 or 503' },
    receipt,
    error: { type: 'string' },
    detail: { type: 'string' },
    meterId: { type: 'string' },
    seq: { type: 'string' },
  },
} as const;

/** `POST /v1/readings`. The body is binary; its OpenAPI requestBody is added in the swagger transform. */
export const postReadingsSchema = {
  summary: 'Hand off one signed DLR1 reading (application/octet-stream) or a batch (application/vnd.speedledger.dlr1-batch: each reading prefixed by its length, uint32 big-endian)',
  tags: ['meters'],
  response: {
    202: { description: 'Durably enqueued (or the same bytes again: the same receipt). A batch answers 202 only when every item was.', anyOf: [receipt, { type: 'object', required: ['items'], properties: { items: { type: 'array', items: batchItem } } }] },
    207: { description: 'Batch with mixed outcomes: one entry per item', type: 'object', required: ['items'], properties: { items: { type: 'array', items: batchItem } } },
    400: { description: 'Malformed reading, bad signature, unknown or revoked meter (DLR1 reason code), or bad batch framing; nothing stored', ...errorBody },
    409: { description: '(meterId, seq) already accepted with other bytes; the offer is kept as evidence', ...errorBody },
    413: { description: 'Reading or batch too large (or too many items)', ...errorBody },
    415: { description: 'Content type is neither application/octet-stream nor the batch type', ...errorBody },
    429: { description: 'Backlog above the high-water mark: keep the reading and retry after Retry-After seconds', ...errorBody },
    503: { description: 'The meter registry cannot be read from the ledger right now; retry', ...errorBody },
  },
} as const;

/** `GET /v1/readings/:meterId/:seq`. */
export const getReadingSchema = {
  summary: 'Where a reading is: queued, submitted, committed (block, transaction, speed, verdict), refused (chaincode code) or parked (cause, attempts)',
  tags: ['operators'],
  security: [{ apiKey: [] }],
  params: {
    type: 'object',
    required: ['meterId', 'seq'],
    properties: {
      meterId: { type: 'string', pattern: '^[A-Za-z0-9._-]{1,16}$' },
      seq: { type: 'string', pattern: '^[1-9][0-9]{0,19}$' },
    },
  },
  response: {
    200: {
      type: 'object',
      required: ['meterId', 'seq', 'rawSha256', 'status', 'receivedAt', 'attempts'],
      properties: {
        meterId: { type: 'string' }, seq: { type: 'string' }, rawSha256: { type: 'string' },
        status: { type: 'string', enum: [...READING_STATUSES] },
        receivedAt: { type: 'integer' }, attempts: { type: 'integer' },
        transactionId: { type: 'string' }, blockNumber: { type: 'string' },
        verdict: { type: 'string', enum: ['ACCEPTED', 'INVALIDATED'] },
        speedCentiKmh: { type: ['integer', 'null'] }, reason: { type: ['string', 'null'] },
        code: { type: 'string' }, detail: { type: 'string' }, cause: { type: 'string' },
        committedAt: { type: 'integer' }, alreadyCommitted: { type: 'boolean' },
      },
    },
    401: errorBody,
    404: errorBody,
  },
} as const;

/** `POST /v1/parked/replay`. */
export const replaySchema = {
  summary: 'Put parked readings back in the queue (all of them, or the keys given as meterId@seq)',
  tags: ['operators'],
  security: [{ apiKey: [] }],
  body: {
    type: ['object', 'null'],
    properties: { keys: { type: 'array', items: { type: 'string', pattern: '^[A-Za-z0-9._-]{1,16}@[1-9][0-9]{0,19}$' }, maxItems: 10000 } },
    additionalProperties: false,
  },
  response: {
    200: { type: 'object', required: ['replayed'], properties: { replayed: { type: 'array', items: { type: 'string' } } } },
    401: errorBody,
  },
} as const;

/** `GET /v1/stats`. */
export const statsSchema = {
  summary: 'Counters, backlog and parked readings',
  tags: ['operators'],
  security: [{ apiKey: [] }],
  response: {
    200: {
      type: 'object',
      required: ['backlog', 'parked', 'counters'],
      properties: { backlog: { type: 'integer' }, parked: { type: 'integer' }, conflicts: { type: 'integer' }, counters: { type: 'object', additionalProperties: { type: 'number' } } },
    },
    401: errorBody,
  },
} as const;

/** `GET /v1/conflicts`. */
export const conflictsSchema = {
  summary: '409 evidence: other bytes offered under an accepted (meterId, seq), with the offered bytes (base64)',
  tags: ['operators'],
  security: [{ apiKey: [] }],
  response: {
    200: {
      type: 'object',
      required: ['conflicts'],
      properties: {
        conflicts: {
          type: 'array',
          items: {
            type: 'object',
            properties: {
              meterId: { type: 'string' }, seq: { type: 'string' }, recordedSha256: { type: 'string' }, offeredSha256: { type: 'string' },
              count: { type: 'integer' }, firstAt: { type: 'integer' }, lastAt: { type: 'integer' }, rawBase64: { type: 'string' },
            },
          },
        },
      },
    },
    401: errorBody,
  },
} as const;

/** `/healthz` and `/readyz`. */
export const healthSchema = {
  tags: ['probes'],
  response: {
    200: { type: 'object', properties: { status: { type: 'string' }, redis: { type: 'string' }, ledger: { type: 'string' } } },
    503: { type: 'object', properties: { status: { type: 'string' }, redis: { type: 'string' }, ledger: { type: 'string' } } },
  },
} as const;
