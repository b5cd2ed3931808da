import { stat } from 'node:fs/promises';
import { probeService, readServices, servicePid, spawnService } from './extra-services.js';
import { isAlive, signalPid } from './process-control.js';
import type { RestartPolicy } from './restart-policy.js';

/**
 * One supervisor round over the extra services of `DIR/services.json`, with the members' policy:
 * a service whose health stays red or times out is killed -9 and respawned (and an exited one
 * respawned when the policy says so). Policy keys are `service:<name>`; `graceUntil` holds
 * `performance.now()` deadlines. A service is left alone
 * for its start timeout after its pid file was written.
 */
export async function superviseServices(
  dataDir: string, policy: RestartPolicy, graceUntil: Map<string, number>, graceMs: number, timeoutMs: number,
  say: (event: string, fields?: Record<string, unknown>) => void,
): Promise<void> {
  const services = await readServices(dataDir).catch(() => []);
  await Promise.all(services.map(async (service) => {
    const key = `service:${service.name}`;
    if ((graceUntil.get(key) ?? 0) > performance.now()) return;
    // A process `up` has just started is still coming up (up waits for its health itself): its
    // pid file's age tells, whoever started it.
    const started = await stat(service.pidFile).then((s) => s.mtimeMs, () => 0);
    if (Date.now() - started < Math.max(graceMs, service.startTimeoutMs ?? 60_000)) return;
    const pid = await servicePid(service);
    const probe = await probeService(service, pid, timeoutMs);
    if (probe !== 'healthy' && probe !== 'exited') say('service-unhealthy', { name: service.name, probe, consecutive: policy.failuresOf(key) + 1 });
    const decision = policy.observe(key, probe);
    if (decision === 'none') return;
    if (pid !== undefined) {
      signalPid(pid, 'SIGKILL');
      while (isAlive(pid)) await new Promise((resolve) => setTimeout(resolve, 50));
    }
    const fresh = await spawnService(dataDir, service);
    graceUntil.set(key, performance.now() + graceMs);
    say('service-restarted', { name: service.name, reason: decision === 'respawn' ? 'exited' : probe, oldPid: pid ?? null, pid: fresh });
  }));
}
