import type { LoopPhysics } from './site-physics.js';
import type { Vehicle } from './vehicle.js';

/** Grid step of a precomputed response, metres of front travel. */
export const RESPONSE_STEP_M = 0.025;

/**
 * A loop's response to one vehicle as a function of the vehicle's front position p relative
 * to the loop's leading edge, tabulated on a {@link RESPONSE_STEP_M} grid from p = −fringe:
 * Σ_segments mass × sensitivity(segment position). Gain and lateral factor are applied later.
 */
export interface LoopResponse {
  readonly startM: number;
  readonly values: Float64Array;
}

/**
 * Loop sensitivity at position y from the loop's leading edge: a plateau over the loop with
 * smooth (quintic smoothstep) edges that reach `fringe` beyond each edge; 0.5 at the edges.
 */
export function loopSensitivity(y: number, lengthM: number, fringeM: number): number {
  return edge(y / fringeM) - edge((y - lengthM) / fringeM);
}

function edge(u: number): number {
  if (u <= -1) return 0;
  if (u >= 1) return 1;
  const x = (u + 1) / 2;
  return x * x * x * (x * (6 * x - 15) + 10);
}

const EDGE_STEPS = 2048;
/** The edge ramp tabulated over u ∈ [−1, 1]. */
const EDGE_TABLE = (() => {
  const t = new Float64Array(EDGE_STEPS + 2);
  for (let i = 0; i <= EDGE_STEPS + 1; i++) t[i] = edge(-1 + (2 * i) / EDGE_STEPS);
  return t;
})();

/**
 * Tabulates the response of `loop` to `vehicle`. Because the sensitivity is the difference of
 * two shifted edge ramps, the response is G(p) − G(p − L) with G(q) = Σ mass × ramp((q − d)/f):
 * G needs a prefix sum plus the few segments inside one ramp, which keeps the cost at
 * (grid points × segments per 2·fringe) instead of (grid points × segments under the loop).
 */
export function computeLoopResponse(vehicle: Vehicle, loop: LoopPhysics): LoopResponse {
  const f = loop.fringeM;
  const h = RESPONSE_STEP_M;
  const mass = vehicle.mass;
  const segments = mass.length;
  const seg = vehicle.lengthM / segments;
  const prefix = new Float64Array(segments + 1);
  for (let j = 0; j < segments; j++) prefix[j + 1] = prefix[j]! + mass[j]!;
  const total = prefix[segments]!;
  // G on the grid q_k = −f + k·h, up to where every segment has passed the ramp.
  const gCount = Math.ceil((vehicle.lengthM + 2 * f) / h) + 2;
  const g = new Float64Array(gCount);
  const half = EDGE_STEPS / 2;
  const toIndex = half / f;
  for (let k = 0; k < gCount; k++) {
    const q = -f + k * h;
    const jLo = Math.max(0, Math.ceil((q - f) / seg - 0.5));
    const jHi = Math.min(segments - 1, Math.floor((q + f) / seg - 0.5));
    let sum = prefix[Math.min(jLo, segments)]!;
    // Nearest entry of a 2048-step table: under 1 mm of travel, far below the response's scale.
    let pos = (q - (jLo + 0.5) * seg) * toIndex + half + 0.5;
    const dPos = seg * toIndex;
    for (let j = jLo; j <= jHi; j++, pos -= dPos) {
      const i = pos | 0;
      if (i >= EDGE_STEPS) sum += mass[j]!;
      else if (i > 0) sum += mass[j]! * EDGE_TABLE[i]!;
    }
    g[k] = sum;
  }
  const gAt = (q: number): number => {
    const pos = (q + f) / h;
    if (pos <= 0) return 0;
    const i = pos | 0;
    if (i >= gCount - 1) return total;
    return g[i]! + (pos - i) * (g[i + 1]! - g[i]!);
  };
  const startM = -f;
  const count = Math.ceil((loop.lengthM + 2 * f + vehicle.lengthM) / h) + 1;
  const values = new Float64Array(count);
  for (let k = 0; k < count; k++) {
    const p = startM + k * h;
    values[k] = Math.max(0, (k < gCount ? g[k]! : total) - gAt(p - loop.lengthM));
  }
  return { startM, values };
}

/** The tabulated response at front position p (linear interpolation; 0 outside). */
export function responseAt(response: LoopResponse, p: number): number {
  const pos = (p - response.startM) / RESPONSE_STEP_M;
  if (pos <= 0) return 0;
  const i = pos | 0;
  const v = response.values;
  if (i >= v.length - 1) return 0;
  const w = pos - i;
  return v[i]! + w * (v[i + 1]! - v[i]!);
}
