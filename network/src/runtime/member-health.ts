import type { ManifestProcess } from '../manifest/network-manifest.js';
import { httpGet } from './http-probe.js';

/** A chaincode as a peer's `/status` reports it. */
export interface PeerChaincodeStatus {
  readonly name: string;
  readonly version: string;
  readonly sequence: number;
  readonly packageSha256: string;
  readonly running: boolean;
  readonly refusal?: string;
}

/** A peer's `GET /status` document. */
export interface PeerStatus {
  readonly name: string;
  readonly mspId: string;
  readonly channel: string;
  readonly height: number;
  readonly currentBlockHash: string;
  readonly orderer?: string;
  readonly chaincodes: readonly PeerChaincodeStatus[];
}

/** One member's health as `status` shows it. */
export interface MemberHealth {
  readonly name: string;
  readonly kind: 'orderer' | 'peer';
  readonly org: string;
  readonly address: string;
  readonly operations: string;
  readonly pid?: number;
  readonly healthy: boolean;
  /** Blocks in the member's ledger including the genesis block (Fabric's height). */
  readonly height?: number;
  readonly currentBlockHash?: string;
  readonly view?: number;
  readonly error?: string;
  /** Peers only: the chaincodes the peer runs or refuses. */
  readonly chaincodes?: readonly PeerChaincodeStatus[];
}

/** Reads one sample of a Prometheus gauge (first line for the metric name), if present. */
export function prometheusValue(text: string, metric: string): number | undefined {
  for (const line of text.split('\n')) {
    if (line.startsWith(`${metric}{`) || line.startsWith(`${metric} `)) {
      const value = Number(line.slice(line.lastIndexOf(' ') + 1));
      if (Number.isFinite(value)) return value;
    }
  }
  return undefined;
}

/** True when the member answers on its operations endpoint (peer `/healthz`, orderer `/metrics`). */
export async function probeHealthy(member: ManifestProcess): Promise<boolean> {
  try {
    const path = member.kind === 'peer' ? '/healthz' : '/metrics';
    return (await httpGet(member.operations, path)).status === 200;
  } catch {
    return false;
  }
}

/**
 * A member's health and height: a peer's `/healthz` and `/status`, an orderer's `/metrics`
 * (`orderer_ledger_height` counts delivered blocks without the genesis block, hence + 1).
 */
export async function memberHealth(member: ManifestProcess, pid: number | undefined): Promise<MemberHealth> {
  const base = { name: member.name, kind: member.kind, org: member.org, address: member.address, operations: member.operations, ...(pid === undefined ? {} : { pid }) };
  try {
    if (member.kind === 'orderer') {
      const metrics = await httpGet(member.operations, '/metrics');
      if (metrics.status !== 200) return { ...base, healthy: false, error: `/metrics answered ${metrics.status}` };
      const delivered = prometheusValue(metrics.body, 'orderer_ledger_height');
      const view = prometheusValue(metrics.body, 'orderer_view');
      return { ...base, healthy: true, ...(delivered === undefined ? {} : { height: delivered + 1 }), ...(view === undefined ? {} : { view }) };
    }
    const health = await httpGet(member.operations, '/healthz');
    const status = await httpGet(member.operations, '/status');
    if (status.status !== 200) return { ...base, healthy: health.status === 200, error: `/status answered ${status.status}` };
    const doc = JSON.parse(status.body) as PeerStatus;
    const healthy = health.status === 200;
    return {
      ...base, healthy, height: doc.height, currentBlockHash: doc.currentBlockHash, chaincodes: doc.chaincodes ?? [],
      ...(healthy ? {} : { error: `/healthz answered ${health.status}${health.body === '' ? '' : `: ${health.body.slice(0, 200)}`}` }),
    };
  } catch (error) {
    return { ...base, healthy: false, error: (error as Error).message };
  }
}
