import type { ManifestProcess } from '../manifest/network-manifest.js';
import { httpGet } from './http-probe.js';
import { probeIdentity, type ExpectedIdentity } from './member-identity-check.js';

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
  readonly certSha256?: string;
  readonly channel: string;
  readonly height: number;
  readonly currentBlockHash: string;
  readonly orderer?: string;
  readonly chaincodes: readonly PeerChaincodeStatus[];
}

/** A member's state in `status`. */
export type MemberState = 'healthy' | 'degraded' | 'unhealthy' | 'down' | 'not ours';

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
  /**
   * `down`: no live process of ours (whatever answers on its ports); `not ours`: its operations
   * port is answered by another process (another network, issue 16); `unhealthy`: ours but red.
   * Orderers: `degraded` while behind the quorum's height or view, or alone in a higher view
   * (issue 17: a wedged replica was reported healthy).
   */
  readonly state?: MemberState;
  /** Orderers: why degraded. */
  readonly degraded?: string;
  /** Orderers: the height (with genesis) and view the replica sees f+1 peers at. */
  readonly quorumHeight?: number;
  readonly quorumView?: number;
  /** Orderers: 1 while the replica flags itself behind. */
  readonly behind?: boolean;
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
export async function memberHealth(member: ManifestProcess, pid: number | undefined, expected?: ExpectedIdentity): Promise<MemberHealth> {
  const base = { name: member.name, kind: member.kind, org: member.org, address: member.address, operations: member.operations, ...(pid === undefined ? {} : { pid }) };
  if (expected !== undefined) {
    // Issue 16: another network on these ports was reported as this one, healthy. Only a live
    // pid of ours whose port answers with our identity counts.
    const who = await probeIdentity(member, expected);
    if (who.kind === 'not-ours') return { ...base, healthy: false, state: 'not ours', error: `${member.operations} is answered by another process: ${who.why}` };
    if (pid === undefined) {
      const error = who.kind === 'silent' ? 'not running' : 'answers as this member, but no process of ours is alive (pid file missing or stale)';
      return { ...base, healthy: false, state: 'down', error };
    }
  }
  try {
    if (member.kind === 'orderer') {
      const metrics = await httpGet(member.operations, '/metrics');
      if (metrics.status !== 200) return { ...base, healthy: false, state: 'unhealthy', error: `/metrics answered ${metrics.status}` };
      const delivered = prometheusValue(metrics.body, 'orderer_ledger_height');
      const view = prometheusValue(metrics.body, 'orderer_view');
      const quorumHeight = prometheusValue(metrics.body, 'orderer_quorum_height');
      const quorumView = prometheusValue(metrics.body, 'orderer_quorum_view');
      const behind = prometheusValue(metrics.body, 'orderer_behind');
      return {
        ...base, healthy: true, ...(delivered === undefined ? {} : { height: delivered + 1 }), ...(view === undefined ? {} : { view }),
        ...(quorumHeight === undefined ? {} : { quorumHeight: quorumHeight + 1 }), ...(quorumView === undefined ? {} : { quorumView }),
        ...(behind === undefined ? {} : { behind: behind === 1 }),
      };
    }
    const health = await httpGet(member.operations, '/healthz');
    const status = await httpGet(member.operations, '/status');
    if (status.status !== 200) return { ...base, healthy: false, state: 'unhealthy', error: `/status answered ${status.status}` };
    const doc = JSON.parse(status.body) as PeerStatus;
    const healthy = health.status === 200;
    return {
      ...base, healthy, state: healthy ? 'healthy' : 'unhealthy', height: doc.height, currentBlockHash: doc.currentBlockHash, chaincodes: doc.chaincodes ?? [],
      ...(healthy ? {} : { error: `/healthz answered ${health.status}${health.body === '' ? '' : `: ${health.body.slice(0, 200)}`}` }),
    };
  } catch (error) {
    return { ...base, healthy: false, state: 'down', error: (error as Error).message };
  }
}

/** Blocks a replica may trail the quorum by under load (in flight) before it counts as behind. */
const HEIGHT_SLACK = 2;

/**
 * Marks each orderer healthy, degraded or down against the cluster's quorum: the view at least
 * 2f+1 answering replicas share and the (f+1)-th highest height (so at least one honest replica
 * is there). A replica behind that height, in another view (behind, or alone in a higher one) or
 * flagging itself behind is degraded, with its height and view against the quorum's.
 */
export function withOrdererStates(members: readonly MemberHealth[]): MemberHealth[] {
  const orderers = members.filter((m) => m.kind === 'orderer');
  const f = Math.floor((orderers.length - 1) / 3);
  const up = orderers.filter((m) => m.healthy);
  const heights = up.map((m) => m.height ?? 0).sort((a, b) => b - a);
  const quorumHeight = heights[f];
  const views = new Map<number, number>();
  for (const m of up) if (m.view !== undefined) views.set(m.view, (views.get(m.view) ?? 0) + 1);
  const quorumView = [...views].find(([, count]) => count >= 2 * f + 1)?.[0];
  return members.map((m) => {
    if (m.kind !== 'orderer') return m;
    if (!m.healthy) return { ...m, state: m.state ?? 'down' };
    const reasons: string[] = [];
    if (quorumHeight !== undefined && (m.height ?? 0) < quorumHeight - HEIGHT_SLACK) reasons.push(`height ${m.height ?? '-'} against the quorum's ${quorumHeight}`);
    if (quorumView !== undefined && m.view !== quorumView) {
      reasons.push(`${(m.view ?? 0) > quorumView ? 'alone in view' : 'view'} ${m.view ?? '-'} against the quorum's ${quorumView}`);
    }
    if (m.behind === true && reasons.length === 0) reasons.push(`catching up (sees the quorum at height ${m.quorumHeight ?? '-'}, view ${m.quorumView ?? '-'})`);
    return reasons.length === 0 ? { ...m, state: 'healthy' } : { ...m, state: 'degraded', degraded: reasons.join(', ') };
  });
}
