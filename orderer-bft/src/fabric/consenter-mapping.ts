import { decodeWire, encodeWire, wireBytes, wireRepeated, wireVarint } from './proto-wire.js';

/** A consenter of the Fabric 3 `Orderers` config value (`common.Consenter`). */
export interface ConsenterEndpoint {
  readonly id: number;
  readonly host: string;
  readonly port: number;
  readonly mspId: string;
  /** Enrolment certificate (PEM): the identity whose signatures count for block validation. */
  readonly certPem: string;
  readonly clientTlsCertPem?: string;
  readonly serverTlsCertPem?: string;
}

/** Serialises `common.Orderers { repeated Consenter consenter_mapping = 1 }`. */
export function encodeOrderers(consenters: readonly ConsenterEndpoint[]): Uint8Array {
  const parts = consenters.map((c) => {
    const consenter = encodeWire([
      { field: 1, varint: c.id },
      { field: 2, bytes: c.host },
      { field: 3, varint: c.port },
      { field: 4, bytes: c.mspId },
      { field: 5, bytes: c.certPem },
      { field: 6, bytes: c.clientTlsCertPem ?? '' },
      { field: 7, bytes: c.serverTlsCertPem ?? '' },
    ]);
    return consenter.byteLength > 0 ? encodeWire([{ field: 1, bytes: consenter }]) : Uint8Array.of(0x0a, 0x00);
  });
  return new Uint8Array(Buffer.concat(parts));
}

/** Parses `common.Orderers`; undefined when malformed or an id/port is out of range. */
export function decodeOrderers(bytes: Uint8Array): ConsenterEndpoint[] | undefined {
  const fields = decodeWire(bytes);
  if (fields === undefined) return undefined;
  const out: ConsenterEndpoint[] = [];
  const text = new TextDecoder('utf-8', { fatal: true });
  for (const raw of wireRepeated(fields, 1)) {
    const c = decodeWire(raw);
    if (c === undefined) return undefined;
    const id = wireVarint(c, 1);
    const port = wireVarint(c, 3);
    if (id > 0xffff_ffffn || port > 65_535n) return undefined;
    try {
      const clientTls = text.decode(wireBytes(c, 6));
      const serverTls = text.decode(wireBytes(c, 7));
      out.push({
        id: Number(id),
        host: text.decode(wireBytes(c, 2)),
        port: Number(port),
        mspId: text.decode(wireBytes(c, 4)),
        certPem: text.decode(wireBytes(c, 5)),
        ...(clientTls ? { clientTlsCertPem: clientTls } : {}),
        ...(serverTls ? { serverTlsCertPem: serverTls } : {}),
      });
    } catch {
      return undefined;
    }
  }
  return out;
}
