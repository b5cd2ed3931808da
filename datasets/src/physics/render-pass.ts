import { addGaussianNoise } from '../random/gaussian-noise.js';
import type { Rng } from '../random/rng.js';
import { RESPONSE_STEP_M, computeLoopResponse } from './loop-response.js';
import type { PassScenario } from './pass-scenario.js';
import type { LoopPhysics, SitePhysics } from './site-physics.js';
import type { Vehicle } from './vehicle.js';

/** The two channels of a window, as the ADC delivered them. */
export interface RenderedPass {
  readonly loopA: Uint16Array;
  readonly loopB: Uint16Array;
}

/** Rendering switches; the noiseless signal is for checks against the ground truth. */
export interface RenderOptions {
  /** Leave out white noise (drift and quantisation stay). Default false. */
  readonly noiseless?: boolean;
}

const FULL_SCALE = 65535;

/**
 * Renders a planned pass into ADC counts: per loop, baseline + slow drift + gain × Σ actors
 * (lateral × response at the actor's front position) + white noise, rounded and clipped to
 * uint16. Pure; the drift, per-pass baseline wander and noise come from `rng`.
 */
export function renderPass(site: SitePhysics, scenario: PassScenario, rng: Rng, options: RenderOptions = {}): RenderedPass {
  const { n, sampleRateHz: rate } = scenario;
  const first = scenario.reversed ? site.loopB : site.loopA;
  const second = scenario.reversed ? site.loopA : site.loopB;
  const spacing = scenario.reversed ? site.spacingM + site.loopB.lengthM - site.loopA.lengthM : site.spacingM;
  const sigFirst = new Float64Array(n);
  const sigSecond = new Float64Array(n);
  const position = new Float64Array(n);
  for (const actor of scenario.actors) {
    actor.motion.sample(0, rate, position);
    if (actor.lateralFirst > 0) addActor(sigFirst, position, 0, first, actor.vehicle, actor.lateralFirst);
    if (actor.lateralSecond > 0) addActor(sigSecond, position, spacing, second, actor.vehicle, actor.lateralSecond);
  }
  const noise = options.noiseless ? null : rng;
  // Detector state is drawn before any noise, so the noiseless rendering is the same signal.
  const stateFirst = detectorState(sigFirst, first, site, scenario.clip?.first ? scenario.clip.headroom : null, rate, rng);
  const stateSecond = detectorState(sigSecond, second, site, scenario.clip?.second ? scenario.clip.headroom : null, rate, rng);
  const outFirst = toCounts(sigFirst, stateFirst, first.noiseSigma, noise);
  const outSecond = toCounts(sigSecond, stateSecond, second.noiseSigma, noise);
  return scenario.reversed ? { loopA: outSecond, loopB: outFirst } : { loopA: outFirst, loopB: outSecond };
}

function addActor(
  signal: Float64Array,
  position: Float64Array,
  loopOffsetM: number,
  loop: LoopPhysics,
  vehicle: Vehicle,
  lateral: number,
): void {
  const response = computeLoopResponse(vehicle, loop);
  const scale = loop.gain * vehicle.lateral * lateral;
  const values = response.values;
  const last = values.length - 1;
  const invStep = 1 / RESPONSE_STEP_M;
  const origin = loopOffsetM + response.startM;
  for (let i = 0; i < signal.length; i++) {
    const pos = (position[i]! - origin) * invStep;
    if (pos <= 0) continue;
    const k = pos | 0;
    if (k >= last) continue;
    const v0 = values[k]!;
    signal[i]! += scale * (v0 + (pos - k) * (values[k + 1]! - v0));
  }
}

interface DetectorState {
  readonly baseline: number;
  /** Counts per sample. */
  readonly drift: number;
}

function detectorState(signal: Float64Array, loop: LoopPhysics, site: SitePhysics, clipHeadroom: number | null, rate: number, rng: Rng): DetectorState {
  let baseline = loop.baseline + 40 * rng.normal();
  if (clipHeadroom !== null) {
    // A saturated detector: the pass peak overshoots full scale by a fraction of its height.
    let peak = 0;
    for (let i = 0; i < signal.length; i++) if (signal[i]! > peak) peak = signal[i]!;
    baseline = FULL_SCALE - clipHeadroom * peak;
  }
  return { baseline, drift: rng.uniform(-site.maxDriftPerS, site.maxDriftPerS) / rate };
}

function toCounts(signal: Float64Array, state: DetectorState, sigma: number, noise: Rng | null): Uint16Array {
  if (noise) addGaussianNoise(signal, sigma, noise);
  const out = new Uint16Array(signal.length);
  const { baseline, drift } = state;
  for (let i = 0; i < signal.length; i++) {
    // Counts are positive, so truncating v + ½ rounds (and is cheaper than Math.round).
    const v = baseline + drift * i + signal[i]! + 0.5;
    out[i] = v < 0 ? 0 : v >= FULL_SCALE ? FULL_SCALE : v | 0;
  }
  return out;
}
