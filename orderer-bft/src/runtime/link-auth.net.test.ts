import { Server, ServerCredentials } from '@grpc/grpc-js';
import { afterEach, describe, expect, it } from 'vitest';
import type { Envelope } from '../core/messages.js';
import { boundedRequestInterceptor } from './bounded-grpc.js';
import { createEcdsaSigner, createEcdsaVerifier, generateEcdsaKeyPair } from './ecdsa-identity.js';
import { REPLICA_LINK_SERVICE } from './link-protocol.js';
import { createLinkServer } from './link-server.js';
import { PeerLink } from './peer-link.js';
import { ordererRequestLimits } from './request-limits.js';

const keys = [generateEcdsaKeyPair(), generateEcdsaKeyPair(), generateEcdsaKeyPair(), generateEcdsaKeyPair()];
const verifier = createEcdsaVerifier(keys.map((k) => k.publicKeyPem));
const envelope = (n: number): Envelope => ({ from: 1, body: { type: 'status', view: 0, seq: n }, signature: new Uint8Array([n]) });

async function until(check: () => boolean, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('condition not reached in time');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe('replica links on loopback', () => {
  const cleanup: (() => void)[] = [];
  afterEach(() => {
    for (const fn of cleanup.splice(0)) fn();
  });

  async function serve(): Promise<{ port: number; received: { from: number; envelope: Envelope }[]; events: string[] }> {
    const received: { from: number; envelope: Envelope }[] = [];
    const events: string[] = [];
    const server = new Server();
    server.addService(REPLICA_LINK_SERVICE, createLinkServer({
      id: 0, n: 4, verifier, onMessage: (from, e) => received.push({ from, envelope: e }), decisions: async () => [],
      onLinkEvent: (event) => events.push(event),
    }));
    const port = await new Promise<number>((resolve, reject) => server.bindAsync('127.0.0.1:0', ServerCredentials.createInsecure(), (e, p) => (e ? reject(e) : resolve(p))));
    cleanup.push(() => server.forceShutdown());
    return { port, received, events };
  }

  it('delivers the messages of a replica that signs the challenge with its own key, tagged with its id', async () => {
    const { port, received } = await serve();
    const link = new PeerLink(1, 0, `127.0.0.1:${port}`, createEcdsaSigner(keys[1]!.privateKeyPem), () => undefined);
    cleanup.push(() => link.close());
    link.send(envelope(1));
    link.send(envelope(2));
    await until(() => received.length === 2);
    expect(received.map((r) => r.from)).toEqual([1, 1]);
    expect(received.map((r) => r.envelope)).toEqual([envelope(1), envelope(2)]);
  });

  it('drops a link whose hello is signed with another replica\'s key', async () => {
    const { port, received, events } = await serve();
    const impostor = new PeerLink(1, 0, `127.0.0.1:${port}`, createEcdsaSigner(keys[2]!.privateKeyPem), () => undefined);
    cleanup.push(() => impostor.close());
    impostor.send(envelope(1));
    await until(() => events.includes('link-auth-failed'));
    // A well-signed link afterwards still works, so the refusal was about the key.
    const honest = new PeerLink(3, 0, `127.0.0.1:${port}`, createEcdsaSigner(keys[3]!.privateKeyPem), () => undefined);
    cleanup.push(() => honest.close());
    honest.send(envelope(9));
    await until(() => received.length > 0);
    expect(received.every((r) => r.from === 3)).toBe(true);
  });

  it('closes an authenticated link that sends a frame above the frame limit, and keeps serving', async () => {
    const received: { from: number; envelope: Envelope }[] = [];
    const events: string[] = [];
    // As orderer-node builds it: per-method limits set per call, raised to frameLimit after the hello.
    const server = new Server({ interceptors: [boundedRequestInterceptor(ordererRequestLimits(1024 * 1024))] });
    server.addService(REPLICA_LINK_SERVICE, createLinkServer({
      id: 0, n: 4, verifier, onMessage: (from, e) => received.push({ from, envelope: e }), decisions: async () => [],
      onLinkEvent: (event) => events.push(event), frameLimit: 64 * 1024,
    }));
    const port = await new Promise<number>((resolve, reject) => server.bindAsync('127.0.0.1:0', ServerCredentials.createInsecure(), (e, p) => (e ? reject(e) : resolve(p))));
    cleanup.push(() => server.forceShutdown());
    const linkEvents: string[] = [];
    const link = new PeerLink(1, 0, `127.0.0.1:${port}`, createEcdsaSigner(keys[1]!.privateKeyPem), (e) => linkEvents.push(e));
    cleanup.push(() => link.close());
    link.send(envelope(1));
    await until(() => received.length === 1);
    // Within the limit, a frame far above the hello's 16 KiB is accepted once authenticated.
    link.send({ ...envelope(2), signature: new Uint8Array(48 * 1024).fill(2) });
    await until(() => received.length === 2);
    link.send({ ...envelope(3), signature: new Uint8Array(80 * 1024).fill(3) });
    await until(() => linkEvents.includes('link-lost'));
    await until(() => link.connected);
    link.send(envelope(4));
    await until(() => received.length === 3);
    expect(received.map((r) => r.envelope.body)).toEqual([envelope(1).body, envelope(2).body, envelope(4).body]);
    expect(received.every((r) => r.from === 1)).toBe(true);
    expect(events.filter((e) => e === 'link-accepted')).toHaveLength(2);
  });

  it('drops what was queued longer than the maximum age when the peer comes back, and sends the rest', async () => {
    const first = await serve();
    const events: string[] = [];
    let now = 0;
    const link = new PeerLink(1, 0, `127.0.0.1:${first.port}`, createEcdsaSigner(keys[1]!.privateKeyPem), (e) => events.push(e), 300, () => now);
    cleanup.push(() => link.close());
    link.send(envelope(1));
    await until(() => first.received.length === 1);
    cleanup.shift()!();
    await until(() => events.includes('link-lost'));
    link.send(envelope(2));
    now = 500;
    link.send(envelope(3));
    const received: Envelope[] = [];
    const server = new Server();
    server.addService(REPLICA_LINK_SERVICE, createLinkServer({
      id: 0, n: 4, verifier, onMessage: (_from, e) => received.push(e), decisions: async () => [], onLinkEvent: () => undefined,
    }));
    await new Promise<number>((resolve, reject) => server.bindAsync(`127.0.0.1:${first.port}`, ServerCredentials.createInsecure(), (e, p) => (e ? reject(e) : resolve(p))));
    cleanup.push(() => server.forceShutdown());
    await until(() => received.length >= 1);
    link.send(envelope(4));
    await until(() => received.length === 2);
    expect(received).toEqual([envelope(3), envelope(4)]);
    expect(events).toContain('link-queue-expired');
  }, 20_000);

  it('reconnects to a peer that comes back on the same port and delivers what is sent afterwards', async () => {
    const first = await serve();
    const events: string[] = [];
    const link = new PeerLink(1, 0, `127.0.0.1:${first.port}`, createEcdsaSigner(keys[1]!.privateKeyPem), (e) => events.push(e));
    cleanup.push(() => link.close());
    link.send(envelope(1));
    await until(() => first.received.length === 1);
    cleanup.shift()!();
    await until(() => events.includes('link-lost'));
    const received: Envelope[] = [];
    const server = new Server();
    server.addService(REPLICA_LINK_SERVICE, createLinkServer({
      id: 0, n: 4, verifier, onMessage: (_from, e) => received.push(e), decisions: async () => [], onLinkEvent: () => undefined,
    }));
    await new Promise<number>((resolve, reject) => server.bindAsync(`127.0.0.1:${first.port}`, ServerCredentials.createInsecure(), (e, p) => (e ? reject(e) : resolve(p))));
    cleanup.push(() => server.forceShutdown());
    await until(() => link.connected);
    link.send(envelope(2));
    await until(() => received.length === 1);
    expect(received[0]).toEqual(envelope(2));
  });
});
