import type { ChaincodeEventsRequest, ChaincodeEventStream, LedgerChaincodeEvent } from '@speedledger/ledger-client';
import type { RegistryEvent, RegistryEvents } from '../ledger/reading-ledger.js';

/** What the follower needs of a ledger client. */
export interface ChaincodeEventSource {
  chaincodeEvents(request?: ChaincodeEventsRequest): Promise<ChaincodeEventStream>;
}

/** Options of {@link followRegistryEvents}. */
export interface FollowOptions {
  /** First wait before reconnecting after a lost stream (ms, default 500); doubles up to `maxRetryMs`. */
  readonly retryMs?: number;
  /** Longest wait between reconnects (ms, default 10 s). */
  readonly maxRetryMs?: number;
  /** Called with the block of every registry event handled (tests, metrics). */
  readonly onBlock?: (blockNumber: bigint) => void;
}

const REGISTRY_EVENTS: ReadonlySet<string> = new Set(['MeterRegistered', 'MeterRevoked']);

/**
 * The registry event a chaincode event carries, or undefined for other events (readings,
 * governance) and for payloads that are not the chaincode's `{meterId, …}` JSON.
 */
export function registryEventOf(event: Pick<LedgerChaincodeEvent, 'eventName' | 'payload'>): RegistryEvent | undefined {
  if (!REGISTRY_EVENTS.has(event.eventName)) return undefined;
  try {
    const body = JSON.parse(Buffer.from(event.payload).toString('utf8')) as { meterId?: unknown };
    if (typeof body.meterId !== 'string' || body.meterId === '') return undefined;
    return { name: event.eventName as RegistryEvent['name'], meterId: body.meterId };
  } catch {
    return undefined;
  }
}

/**
 * Registry events from the ledger's own chaincode events (`MeterRegistered` / `MeterRevoked`,
 * VALID transactions only), followed from the next commit. A lost stream is reported and
 * reopened with backoff from the block of the last event seen, so nothing after it is missed
 * (that block's events come again; applying them twice is harmless). Reopened before any event
 * was seen, the position is unknown: `onResync` tells the cache to re-read everything.
 */
export function followRegistryEvents(source: ChaincodeEventSource, options: FollowOptions = {}): RegistryEvents {
  const retryMs = options.retryMs ?? 500;
  const maxRetryMs = options.maxRetryMs ?? 10_000;
  return {
    async subscribe(onEvent, onError, onResync) {
      let closed = false;
      let stream: ChaincodeEventStream | undefined;
      let lastBlock: bigint | undefined;
      let timer: NodeJS.Timeout | undefined;
      let wakeUp: (() => void) | undefined;
      const sleep = (ms: number): Promise<void> => new Promise((resolve) => {
        wakeUp = resolve;
        timer = setTimeout(resolve, ms);
      });

      async function drain(current: ChaincodeEventStream): Promise<void> {
        for await (const event of current) {
          lastBlock = event.blockNumber;
          const registry = registryEventOf(event);
          if (registry === undefined) continue;
          onEvent(registry);
          options.onBlock?.(event.blockNumber);
        }
      }

      // The first stream is opened before subscribe resolves, so a failure to start is the caller's.
      stream = await source.chaincodeEvents({});
      void (async () => {
        let wait = retryMs;
        while (!closed) {
          try {
            await drain(stream!);
            if (closed) return;
            throw new Error('chaincode event stream ended');
          } catch (error) {
            if (closed) return;
            onError(error);
          }
          stream = undefined;
          while (!closed && stream === undefined) {
            await sleep(wait);
            wait = Math.min(maxRetryMs, wait * 2);
            if (closed) return;
            try {
              stream = await source.chaincodeEvents(lastBlock === undefined ? {} : { startBlock: lastBlock });
              if (lastBlock === undefined) onResync?.();
            } catch (error) {
              onError(error);
            }
          }
          wait = retryMs;
        }
      })();

      return {
        close() {
          closed = true;
          if (timer) clearTimeout(timer);
          wakeUp?.();
          stream?.close();
        },
      };
    },
  };
}
