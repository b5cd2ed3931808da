import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import grpc from '@grpc/grpc-js';
import protos from '@hyperledger/fabric-protos';
import { InMemoryLedger } from './in-memory-ledger.js';
import { PeerSimulation } from './peer-simulation.js';
import { buildSignedProposal } from './signed-proposal.js';
import type { InvocationResult } from './chaincode-harness.js';
import type { TestIdentity } from './test-identities.js';

const { peer } = protos;
type ChaincodeMessage = InstanceType<typeof peer.ChaincodeMessage>;

/** A free loopback port (the OS picks; closed again before it is returned). */
export function freePort(): Promise<number> {
  return new Promise((done, fail) => {
    const probe = createServer().once('error', fail).listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as { port: number };
      probe.close(() => done(port));
    });
  });
}

interface Stream {
  write(msg: ChaincodeMessage): void;
  on(event: 'data', listener: (msg: ChaincodeMessage) => void): void;
  end(): void;
}

/**
 * A chaincode running as its own Node process (`node index.js start|server`), driven over real
 * gRPC by {@link PeerSimulation}: in `start` mode this is the peer's ChaincodeSupport server the
 * chaincode dials, in `server` mode (chaincode as a service) the peer dials the chaincode.
 */
export class ChaincodeProcess {
  readonly ledger: InMemoryLedger;
  readonly child: ChildProcess;
  readonly stderr: string[];
  readonly #peer: PeerSimulation;
  readonly #close: () => void;
  #nonce = 0;
  #tick = Date.parse('2026-03-01T12:00:00.000Z');

  private constructor(child: ChildProcess, stderr: string[], ledger: InMemoryLedger, peerSim: PeerSimulation, close: () => void) {
    this.child = child;
    this.stderr = stderr;
    this.ledger = ledger;
    this.#peer = peerSim;
    this.#close = close;
  }

  /**
   * Spawns `node <main> <mode> …` in `cwd` with `env` and completes the REGISTER handshake
   * (rejects after `timeoutMs`, or when the child exits first, with the child's stderr).
   */
  static async start(mode: 'start' | 'server', main: string, cwd: string, env: NodeJS.ProcessEnv, timeoutMs = 30_000): Promise<ChaincodeProcess> {
    const address = `127.0.0.1:${await freePort()}`;
    const ledger = new InMemoryLedger();
    let stream: Stream | undefined;
    const sim = new PeerSimulation(ledger, (msg) => stream?.write(msg), 100);
    const take = (s: Stream): void => {
      stream = s;
      s.on('data', (msg) => sim.receive(msg));
    };
    const handshake = sim.awaitRegistration();
    let server: grpc.Server | undefined;
    let client: InstanceType<typeof peer.ChaincodeClient> | undefined;
    if (mode === 'start') {
      server = new grpc.Server();
      server.addService(peer.ChaincodeSupportService as never, { register: take } as never);
      await new Promise<void>((done, fail) => server!.bindAsync(address, grpc.ServerCredentials.createInsecure(), (e) => (e ? fail(e) : done())));
    }
    const args = mode === 'start' ? ['start', '--peer.address', address, '--chaincode-id-name', 'lr-chaincode_0.1.0:test'] : ['server', '--chaincode-address', address, '--chaincode-id', 'lr-chaincode_0.1.0:test'];
    const child = spawn(process.execPath, [main, ...args], { cwd, env, stdio: ['ignore', 'ignore', 'pipe'] });
    const stderr: string[] = [];
    child.stderr!.on('data', (d: Buffer) => stderr.push(d.toString()));
    const close = (): void => {
      stream?.end();
      server?.forceShutdown();
      client?.close();
      child.kill();
    };
    const steps: Promise<unknown>[] = [handshake];
    if (mode === 'server') {
      client = new peer.ChaincodeClient(address, grpc.credentials.createInsecure());
      // The chaincode may not listen yet: wait for the channel, then open the stream.
      steps.push(
        new Promise<void>((done, fail) => client!.waitForReady(Date.now() + timeoutMs, (e) => (e ? fail(e) : done()))).then(() => {
          take((client as unknown as { connect(): Stream }).connect());
          return handshake;
        }),
      );
    }
    let timer: ReturnType<typeof setTimeout> | undefined;
    const failed = new Promise<never>((_, fail) => {
      child.once('exit', (code) => fail(new Error(`chaincode exited (${code}) before registering: ${stderr.join('')}`)));
      timer = setTimeout(() => fail(new Error(`no REGISTER within ${timeoutMs} ms: ${stderr.join('')}`)), timeoutMs);
    });
    try {
      await Promise.race([Promise.all(steps), failed]);
    } catch (error) {
      close();
      throw error;
    } finally {
      clearTimeout(timer);
    }
    failed.catch(() => undefined);
    return new ChaincodeProcess(child, stderr, ledger, sim, close);
  }

  /** Evaluates `fn(args)` as `identity`: simulation only. */
  evaluate(identity: TestIdentity, fn: string, args: readonly (string | Uint8Array)[] = []): Promise<InvocationResult> {
    return this.#peer.execute(this.#proposal(identity, fn, args));
  }

  /** Submits `fn(args)`: simulates, then commits the read/write set when the status is 200. */
  async submit(identity: TestIdentity, fn: string, args: readonly (string | Uint8Array)[] = []): Promise<InvocationResult> {
    const envelope = this.#proposal(identity, fn, args);
    const result = await this.#peer.execute(envelope);
    return { ...result, commitError: result.status === 200 ? this.ledger.commit(result.txId, envelope.timestamp, result.rwset) : 'not endorsed' };
  }

  #proposal(identity: TestIdentity, fn: string, args: readonly (string | Uint8Array)[]) {
    return buildSignedProposal({ identity, channelId: 'speedledger', chaincodeName: 'lr-chaincode', args: [fn, ...args], timestamp: new Date((this.#tick += 1000)), nonce: Buffer.from(`nonce-process-${++this.#nonce}`) });
  }

  /** Closes the stream and the gRPC endpoint and kills the chaincode process. */
  close(): void {
    this.#close();
  }
}
