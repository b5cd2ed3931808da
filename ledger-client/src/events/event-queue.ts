import type { ChaincodeEventStream, LedgerChaincodeEvent } from './chaincode-events.js';

/**
 * A push-to-pull bridge for callback-style listeners (fabric-network's contract listener): the
 * listener `push`es events or `fail`s the stream; the consumer iterates. Events wait unbounded in
 * memory while the consumer is slow — chaincode events are few (registry changes, one per batch).
 */
export class EventQueue implements ChaincodeEventStream {
  readonly #buffer: LedgerChaincodeEvent[] = [];
  #waiting: ((result: IteratorResult<LedgerChaincodeEvent>) => void) | undefined;
  #failWaiting: ((error: unknown) => void) | undefined;
  #error: unknown;
  #closed = false;
  readonly #onClose: () => void;

  constructor(onClose: () => void) {
    this.#onClose = onClose;
  }

  push(event: LedgerChaincodeEvent): void {
    if (this.#closed || this.#error !== undefined) return;
    if (this.#waiting) {
      const resolve = this.#waiting;
      this.#waiting = this.#failWaiting = undefined;
      resolve({ value: event, done: false });
    } else {
      this.#buffer.push(event);
    }
  }

  /** Ends the stream with `error` once the buffered events are consumed. */
  fail(error: unknown): void {
    if (this.#closed || this.#error !== undefined) return;
    this.#error = error;
    if (this.#failWaiting) {
      const reject = this.#failWaiting;
      this.#waiting = this.#failWaiting = undefined;
      reject(error);
    }
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#buffer.length = 0;
    this.#onClose();
    if (this.#waiting) {
      const resolve = this.#waiting;
      this.#waiting = this.#failWaiting = undefined;
      resolve({ value: undefined, done: true });
    }
  }

  [Symbol.asyncIterator](): AsyncIterator<LedgerChaincodeEvent> {
    return {
      next: () => {
        if (this.#closed) return Promise.resolve({ value: undefined, done: true });
        const event = this.#buffer.shift();
        if (event !== undefined) return Promise.resolve({ value: event, done: false });
        if (this.#error !== undefined) return Promise.reject(this.#error);
        return new Promise((resolve, reject) => {
          this.#waiting = resolve;
          this.#failWaiting = reject;
        });
      },
      return: () => {
        this.close();
        return Promise.resolve({ value: undefined, done: true });
      },
    };
  }
}
