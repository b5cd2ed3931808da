import { gzipSync } from 'node:zlib';

/** One entry for {@link buildTarGz}; `type` is the ustar type flag ('0' file, '2' symlink…). */
export interface TarEntrySpec {
  readonly name: string;
  readonly data?: Uint8Array;
  readonly type?: string;
  readonly linkName?: string;
}

function header(entry: TarEntrySpec, size: number): Buffer {
  const h = Buffer.alloc(512, 0);
  const put = (offset: number, length: number, text: string) => h.write(text, offset, length, 'utf8');
  const octal = (offset: number, length: number, value: number) => put(offset, length, value.toString(8).padStart(length - 1, '0') + '\0');
  put(0, 100, entry.name);
  octal(100, 8, 0o644);
  octal(108, 8, 0);
  octal(116, 8, 0);
  octal(124, 12, size);
  octal(136, 12, 0);
  h.fill(0x20, 148, 156);
  put(156, 1, entry.type ?? '0');
  if (entry.linkName !== undefined) put(157, 100, entry.linkName);
  put(257, 6, 'ustar\0');
  put(263, 2, '00');
  let sum = 0;
  for (const b of h) sum += b;
  put(148, 8, sum.toString(8).padStart(6, '0') + '\0 ');
  return h;
}

/** A gzipped ustar archive of `entries`, in the given order (test fixtures, including hostile ones). */
export function buildTarGz(entries: readonly TarEntrySpec[]): Buffer {
  const parts: Buffer[] = [];
  for (const entry of entries) {
    const data = Buffer.from(entry.data ?? new Uint8Array());
    parts.push(header(entry, data.length), data, Buffer.alloc((512 - (data.length % 512)) % 512, 0));
  }
  parts.push(Buffer.alloc(1024, 0));
  return gzipSync(Buffer.concat(parts));
}

/** A chaincode package with the given metadata and code files. */
export function buildPackage(metadata: unknown, code: readonly TarEntrySpec[]): Buffer {
  return buildTarGz([
    { name: 'metadata.json', data: Buffer.from(JSON.stringify(metadata)) },
    { name: 'code.tar.gz', data: buildTarGz(code) },
  ]);
}
