import { createServer, type Server } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { busyPorts, describeBusyPorts, listeningInodes } from './port-check.js';
import { freeBasePort } from './free-base-port.js';

const PROC_NET_TCP = `  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode
   0: 0100007F:1B7A 00000000:0000 0A 00000000:00000000 00:00000000 00000000  1000        0 4242 1 0000000000000000 100 0 0 10 0
   1: 0100007F:1B7A 0100007F:D2F0 01 00000000:00000000 00:00000000 00000000  1000        0 4343 1 0000000000000000 20 4 30 10 -1
   2: 00000000:1F90 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 77 1 0000000000000000 100 0 0 10 0
`;

describe('listeningInodes', () => {
  it('keeps listening sockets only (state 0A), by local port', () => {
    expect(listeningInodes(PROC_NET_TCP)).toEqual(new Map([[7034, ['4242']], [8080, ['77']]]));
    expect(listeningInodes('')).toEqual(new Map());
  });
});

describe('busyPorts (before `up` starts anything)', () => {
  let server: Server;
  let held: number;

  beforeAll(async () => {
    held = await freeBasePort(2);
    server = createServer();
    await new Promise<void>((resolve) => server.listen(held, '127.0.0.1', resolve));
  });

  afterAll(async () => {
    await new Promise((resolve) => server.close(resolve));
  });

  it('reports a taken port with the pid and command line of the process holding it', async () => {
    const busy = await busyPorts([
      { address: `127.0.0.1:${held}`, member: 'orderer0.inmetro.speedledger.local', role: 'grpc' },
      { address: `127.0.0.1:${held + 1}`, member: 'orderer0.inmetro.speedledger.local', role: 'operations' },
    ]);
    expect(busy).toHaveLength(1);
    expect(busy[0]).toMatchObject({ port: held, role: 'grpc', holder: { pid: process.pid } });
    expect(busy[0]!.holder!.command).toMatch(/node/);
    expect(describeBusyPorts(busy)).toBe(`  127.0.0.1:${held} (grpc of orderer0.inmetro.speedledger.local) is held by pid ${process.pid}: ${busy[0]!.holder!.command}`);
  });

  it('reports nothing when every port is free', async () => {
    expect(await busyPorts([{ address: `127.0.0.1:${held + 1}`, member: 'm', role: 'grpc' }])).toEqual([]);
  });
});
