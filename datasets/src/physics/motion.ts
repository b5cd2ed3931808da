/** One phase of constant acceleration. */
export interface MotionPhase {
  /** Seconds; the last phase may be `Infinity`. */
  readonly durationS: number;
  /** m/s². */
  readonly accel: number;
}

interface PhaseState {
  readonly t0: number;
  readonly x0: number;
  readonly v0: number;
  readonly accel: number;
  readonly t1: number;
}

/**
 * A vehicle front's longitudinal motion: piecewise constant acceleration from (x0, v0) at
 * t = 0, never backwards. Positions are metres along the lane, times seconds.
 */
export class Motion {
  private readonly phases: PhaseState[] = [];

  constructor(x0: number, v0: number, phases: readonly MotionPhase[]) {
    if (!(v0 >= 0)) throw new RangeError(`initial speed ${v0} must be ≥ 0`);
    let t = 0, x = x0, v = v0;
    for (const phase of phases) {
      const end = t + phase.durationS;
      this.phases.push({ t0: t, x0: x, v0: v, accel: phase.accel, t1: end });
      if (!Number.isFinite(end)) break;
      x += v * phase.durationS + 0.5 * phase.accel * phase.durationS * phase.durationS;
      v += phase.accel * phase.durationS;
      if (v < -1e-9) throw new RangeError('motion would reverse');
      v = Math.max(0, v);
      t = end;
    }
    const last = this.phases[this.phases.length - 1];
    if (!last || Number.isFinite(last.t1)) this.phases.push({ t0: t, x0: x, v0: v, accel: 0, t1: Infinity });
  }

  private phaseAt(t: number): PhaseState {
    for (const p of this.phases) if (t < p.t1) return p;
    return this.phases[this.phases.length - 1]!;
  }

  /** Front position at time t (t may be negative: the first phase extends backwards). */
  positionAt(t: number): number {
    const p = this.phaseAt(t);
    const dt = t - p.t0;
    return p.x0 + p.v0 * dt + 0.5 * p.accel * dt * dt;
  }

  /** Front speed at time t, m/s. */
  speedAt(t: number): number {
    const p = this.phaseAt(t);
    return p.v0 + p.accel * (t - p.t0);
  }

  /** The first time ≥ 0 at which the front reaches x, or null if it never does. */
  timeAt(x: number): number | null {
    for (const p of this.phases) {
      if (x < p.x0) return p.t0 === 0 ? null : p.t0;
      const d = x - p.x0;
      const disc = p.v0 * p.v0 + 2 * p.accel * d;
      if (disc < 0) continue; // stops before reaching x within this phase
      const root = p.v0 + Math.sqrt(disc);
      if (root <= 0) continue;
      // Stable form of the quadratic's smaller positive root.
      const dt = (2 * d) / root;
      if (p.t0 + dt <= p.t1) return p.t0 + dt;
    }
    return null;
  }

  /** Fills `out[i]` with the position at t0 + i / rate (a phase cursor instead of a search). */
  sample(t0: number, rate: number, out: Float64Array): void {
    let k = 0;
    while (k < this.phases.length - 1 && t0 >= this.phases[k]!.t1) k++;
    for (let i = 0; i < out.length; i++) {
      const t = t0 + i / rate;
      while (k < this.phases.length - 1 && t >= this.phases[k]!.t1) k++;
      const p = this.phases[k]!;
      const dt = t - p.t0;
      out[i] = p.x0 + p.v0 * dt + 0.5 * p.accel * dt * dt;
    }
  }
}
