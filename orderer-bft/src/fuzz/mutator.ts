import type { Prng } from '../sim/prng.js';

/** Values that stress protobuf length and varint handling (the issue-17 freeze among them). */
const INTERESTING: readonly (readonly number[])[] = [
  [0xff, 0xff, 0xff, 0xff, 0x0f], [0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x01], [0x7f], [0x80, 0x01], [0x00],
  [0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01], [0x0a], [0x12], [0x1a], [0x0b], [0x0c], [0x0d], [0x09],
];
const MAX_INPUT = 4096;

const pick = <T>(rng: Prng, items: readonly T[]): T => items[rng.nextUint32() % items.length]!;
const below = (rng: Prng, n: number): number => (n <= 0 ? 0 : rng.nextUint32() % n);

/**
 * One to four random edits of `input` (bit flips, byte sets, inserted interesting varints,
 * deletions, duplications, a length-delimited wrapper, a splice with `other`), deterministic in
 * `rng`, capped at 4 KiB.
 */
export function mutate(input: Uint8Array, other: Uint8Array, rng: Prng): Uint8Array {
  let bytes = [...input];
  const edits = 1 + below(rng, 4);
  for (let e = 0; e < edits; e++) {
    const at = below(rng, bytes.length + 1);
    switch (below(rng, 8)) {
      case 0:
        if (bytes.length > 0) bytes[at % bytes.length]! ^= 1 << below(rng, 8);
        break;
      case 1:
        if (bytes.length > 0) bytes[at % bytes.length] = below(rng, 256);
        break;
      case 2:
        bytes.splice(at, 0, ...pick(rng, INTERESTING));
        break;
      case 3:
        bytes.splice(at, 1 + below(rng, 8));
        break;
      case 4: {
        const from = below(rng, bytes.length);
        bytes.splice(at, 0, ...bytes.slice(from, from + 1 + below(rng, 16)));
        break;
      }
      case 5: {
        // Wrap a tail in a length-delimited field: builds nesting the seeds do not have.
        const tail = bytes.slice(at);
        bytes = [...bytes.slice(0, at), ((1 + below(rng, 15)) << 3) | 2, Math.min(tail.length, 0x7f), ...tail];
        break;
      }
      case 6: {
        const from = below(rng, other.length);
        bytes = [...bytes.slice(0, at), ...other.slice(from, from + 1 + below(rng, 64))];
        break;
      }
      default:
        bytes.splice(at, 0, below(rng, 256));
    }
  }
  return Uint8Array.from(bytes.slice(0, MAX_INPUT));
}
