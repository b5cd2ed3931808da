import type { ServiceHealthStatus } from '../runtime/extra-services.js';

/** `status` lines of the extra services (pid alive and health probe), e.g. the ingest API. */
export function formatServices(services: readonly ServiceHealthStatus[]): string[] {
  return services.map((s) => {
    const health = s.healthy ? 'healthy' : s.probe === 'exited' ? 'DOWN (not running)' : `DOWN (${s.probe})`;
    return `service  ${s.name.padEnd(42)} ${(s.url ?? '').padEnd(24)} ${health.padEnd(8)}${s.pid === undefined ? '' : ` pid ${s.pid}`}  log ${s.logFile}`;
  });
}
