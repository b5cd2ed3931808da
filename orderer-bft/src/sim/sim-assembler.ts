import { toHex } from '../core/bytes.js';
import type { Assembler, AssemblyContext, Hasher, Proposal, RequestInfo, RequestInspector } from '../core/dependencies.js';

/** The simulator's block header: what the Fabric header will hold (number, previous hash, data hash). */
export interface SimHeader {
  readonly number: number;
  readonly previousHash: string;
  readonly dataHash: string;
}

const HEADER_MAGIC = 'SIMH1';

/** Length-prefixed batch encoding with a chained header, mirroring Fabric's block layout. */
export class SimAssembler implements Assembler {
  constructor(private readonly hasher: Hasher) {}

  assemble(requests: readonly Uint8Array[], context: AssemblyContext): Proposal {
    const total = requests.reduce((sum, r) => sum + 4 + r.byteLength, 0);
    const payload = new Uint8Array(total);
    const view = new DataView(payload.buffer);
    let offset = 0;
    for (const request of requests) {
      view.setUint32(offset, request.byteLength);
      payload.set(request, offset + 4);
      offset += 4 + request.byteLength;
    }
    const header: SimHeader = {
      number: context.sequence,
      previousHash: toHex(this.hasher.hash(context.previousHeader)),
      dataHash: toHex(this.hasher.hash(payload)),
    };
    return { header: new TextEncoder().encode(`${HEADER_MAGIC}${JSON.stringify(header)}`), payload };
  }

  disassemble(proposal: Proposal): readonly Uint8Array[] | undefined {
    const { payload } = proposal;
    const view = new DataView(payload.buffer, payload.byteOffset, payload.byteLength);
    const out: Uint8Array[] = [];
    let offset = 0;
    while (offset < payload.byteLength) {
      if (offset + 4 > payload.byteLength) return undefined;
      const length = view.getUint32(offset);
      if (offset + 4 + length > payload.byteLength) return undefined;
      out.push(payload.subarray(offset + 4, offset + 4 + length));
      offset += 4 + length;
    }
    return out;
  }
}

/** Parses a simulator header; undefined when it is not one. */
export function parseSimHeader(header: Uint8Array): SimHeader | undefined {
  const text = new TextDecoder().decode(header);
  if (!text.startsWith(HEADER_MAGIC)) return undefined;
  try {
    const value = JSON.parse(text.slice(HEADER_MAGIC.length)) as SimHeader;
    return typeof value.number === 'number' ? value : undefined;
  } catch {
    return undefined;
  }
}

/** Simulated client request: `client|id|padding`. */
export function encodeSimRequest(clientId: string, requestId: string, padding = ''): Uint8Array {
  return new TextEncoder().encode(`${clientId}|${requestId}|${padding}`);
}

/** Reads the client and request ids of a simulated request. */
export const simInspector: RequestInspector = {
  inspect(request: Uint8Array): RequestInfo | undefined {
    const parts = new TextDecoder().decode(request).split('|');
    if (parts.length !== 3 || parts[0] === '' || parts[1] === '') return undefined;
    return { clientId: parts[0]!, requestId: parts[1]! };
  },
};
