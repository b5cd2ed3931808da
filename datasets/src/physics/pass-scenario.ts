import { DLR1 } from '@speedledger/lr-chaincode/core';
import type { Rng } from '../random/rng.js';
import { Motion, type MotionPhase } from './motion.js';
import { EXPECTED_REASONS, MAX_SPEED_KMH, MIN_SPEED_KMH, type PassKind } from './pass-kind.js';
import type { LoopPhysics, SitePhysics } from './site-physics.js';
import { sampleVehicle, type Vehicle, type VehicleClass } from './vehicle.js';

/** One vehicle in a window. Lateral factors multiply the vehicle's own coupling per loop. */
export interface Actor {
  readonly vehicle: Vehicle;
  readonly motion: Motion;
  readonly lateralFirst: number;
  readonly lateralSecond: number;
}

/** Ground truth of a pass, times in seconds from sample 0. */
export interface PassTruth {
  readonly kind: PassKind;
  readonly vehicleClass: VehicleClass | null;
  readonly vehicleLengthM: number | null;
  readonly referenceSpeedKmh: number | null;
  readonly expected: 'accepted' | 'rejected';
  readonly expectedReasons: string[];
  readonly tAFrontS: number | null;
  readonly tBFrontS: number | null;
}

/**
 * A fully determined pass, before rendering. Geometry is in the direction of travel: the
 * "first" loop is the one the vehicles reach first (A, or B when `reversed`).
 */
export interface PassScenario {
  readonly truth: PassTruth;
  readonly n: number;
  readonly sampleRateHz: number;
  readonly reversed: boolean;
  readonly actors: readonly Actor[];
  /** Loops hit by a saturated detector: their baseline is lifted so the pass clips. */
  readonly clip: { readonly first: boolean; readonly second: boolean; readonly headroom: number } | null;
}

/** What the caller asks for. `speedKmh` and `vehicleClass` drive clean and most hard kinds. */
export interface PassRequest {
  readonly kind: PassKind;
  readonly vehicleClass: VehicleClass;
  readonly speedKmh: number;
  readonly sampleRateHz: number;
  /** Class of a following vehicle (tailgating). */
  readonly secondClass: VehicleClass;
}

interface Geometry {
  readonly first: LoopPhysics;
  readonly second: LoopPhysics;
  /** Leading edge of the first loop (at 0) to the leading edge of the second, metres. */
  readonly spacingM: number;
}

function geometry(site: SitePhysics, reversed: boolean): Geometry {
  if (!reversed) return { first: site.loopA, second: site.loopB, spacingM: site.spacingM };
  // Mirror x' = S + L_B − x: B becomes [0, L_B], A becomes [S + L_B − L_A, S + L_B].
  return { first: site.loopB, second: site.loopA, spacingM: site.spacingM + site.loopB.lengthM - site.loopA.lengthM };
}

/** Where the front is when the last actor's rear has left the second loop's fringe. */
function exitPosition(g: Geometry, vehicle: Vehicle): number {
  return g.spacingM + g.second.lengthM + g.second.fringeM + vehicle.lengthM;
}

const MAX_WINDOW_SAMPLES = DLR1.MAX_SAMPLES;

/** Samples needed to reach `endS` plus margin, or null when the window would be too long. */
function windowSamples(endS: number, marginS: number, rate: number): number | null {
  const n = Math.ceil((endS + marginS) * rate);
  if (n > MAX_WINDOW_SAMPLES) return null;
  return Math.max(DLR1.MIN_SAMPLES, n);
}

/** A vehicle at steady speed with mild acceleration, front `leadS` seconds before the first fringe. */
function cruising(g: Geometry, vehicle: Vehicle, speedMs: number, leadS: number, accel: number, offsetM = 0): Motion {
  const x0 = -g.first.fringeM - speedMs * leadS - offsetM;
  return new Motion(x0, speedMs, [{ durationS: Infinity, accel }]);
}

/** Mild acceleration that changes the speed by at most ~25 % over the window. */
function mildAccel(rng: Rng, speedMs: number, travelM: number): number {
  const t = travelM / speedMs + 0.8;
  const bound = Math.min(1.5, (0.25 * speedMs) / t);
  return Math.max(-bound, Math.min(bound, 0.5 * rng.normal()));
}

function truthOf(
  kind: PassKind,
  actor: Actor,
  g: Geometry,
  reversed: boolean,
  seesFirst = true,
  seesSecond = true,
  measurable = true,
): PassTruth {
  const reasons = [...EXPECTED_REASONS[kind]];
  const tFirst = actor.motion.timeAt(0);
  const tSecond = actor.motion.timeAt(g.spacingM);
  const speed = measurable && tFirst !== null && tSecond !== null && tSecond > tFirst ? (3.6 * g.spacingM) / (tSecond - tFirst) : null;
  const first = seesFirst ? tFirst : null;
  const second = seesSecond ? tSecond : null;
  return {
    kind,
    vehicleClass: actor.vehicle.vehicleClass,
    vehicleLengthM: actor.vehicle.lengthM,
    referenceSpeedKmh: speed,
    expected: reasons.length === 0 ? 'accepted' : 'rejected',
    expectedReasons: reasons,
    tAFrontS: reversed ? second : first,
    tBFrontS: reversed ? first : second,
  };
}

type Built = Omit<PassScenario, 'sampleRateHz'> | null;

function buildSingle(kind: PassKind, req: PassRequest, site: SitePhysics, rng: Rng, opts: { reversed?: boolean; accel?: boolean } = {}): Built {
  const reversed = opts.reversed ?? false;
  const g = geometry(site, reversed);
  const vehicle = sampleVehicle(req.vehicleClass, rng);
  const v = req.speedKmh / 3.6;
  const exit = exitPosition(g, vehicle);
  const accel = opts.accel === false ? 0 : mildAccel(rng, v, exit);
  const lead = rng.uniform(0.15, 0.4);
  const tail = rng.uniform(0.15, 0.4);
  const motion = cruising(g, vehicle, v, lead, accel);
  const tExit = motion.timeAt(exit);
  if (tExit === null) return null;
  const n = windowSamples(tExit, tail, req.sampleRateHz);
  if (n === null) return null;
  const actor: Actor = { vehicle, motion, lateralFirst: 1, lateralSecond: 1 };
  let truth = truthOf(kind, actor, g, reversed);
  const speed = truth.referenceSpeedKmh;
  if (kind === 'clean' && speed !== null && (speed < MIN_SPEED_KMH || speed > MAX_SPEED_KMH)) {
    truth = truthOf('out-of-range', actor, g, reversed);
  }
  const clip = kind === 'clipped' ? clipChoice(rng) : null;
  return { truth, n, reversed, actors: [actor], clip };
}

function clipChoice(rng: Rng): PassScenario['clip'] {
  const which = rng.int(0, 2);
  return { first: which !== 1, second: which !== 0, headroom: rng.uniform(0.3, 0.7) };
}

function buildLaneChange(req: PassRequest, site: SitePhysics, rng: Rng): Built {
  const g = geometry(site, false);
  const vehicle = sampleVehicle(req.vehicleClass, rng);
  const v = req.speedKmh / 3.6;
  const exit = exitPosition(g, vehicle);
  const motion = cruising(g, vehicle, v, rng.uniform(0.15, 0.4), mildAccel(rng, v, exit));
  const tExit = motion.timeAt(exit);
  if (tExit === null) return null;
  const n = windowSamples(tExit, rng.uniform(0.15, 0.4), req.sampleRateHz);
  if (n === null) return null;
  // Leaving the lane after A, or entering it before B: one loop sees part of the vehicle.
  const onlyFirst = rng.chance(0.5);
  // Partial coupling, but always well above the noise: the truth is SINGLE_LOOP, not NO_VEHICLE.
  const partial = req.vehicleClass === 'motorcycle' ? rng.uniform(0.8, 1.0) : rng.uniform(0.4, 0.8);
  const actor: Actor = { vehicle, motion, lateralFirst: onlyFirst ? partial : 0, lateralSecond: onlyFirst ? 0 : partial };
  return { truth: truthOf('lane-change', actor, g, false, onlyFirst, !onlyFirst, false), n, reversed: false, actors: [actor], clip: null };
}

function buildStop(req: PassRequest, site: SitePhysics, rng: Rng): Built {
  const g = geometry(site, false);
  const vehicle = sampleVehicle(req.vehicleClass, rng);
  const maxWindowS = MAX_WINDOW_SAMPLES / req.sampleRateHz;
  const xStop = g.spacingM + rng.uniform(-1.2, 0.6);
  const brake = rng.uniform(1.2, 2.5);
  const x0 = -g.first.fringeM - rng.uniform(0.6, 1.5);
  const v0 = Math.sqrt(2 * brake * (xStop - x0));
  const restart = rng.uniform(1.0, 1.5);
  const exit = exitPosition(g, vehicle);
  // Time to leave from standstill, to bound the standing time by what a window can hold.
  const leaveS = Math.sqrt((2 * (exit - xStop)) / restart) + 0.5;
  const budget = maxWindowS - v0 / brake - leaveS - 0.3;
  const standS = Math.min(rng.uniform(1, 10), budget);
  if (standS < 0.5) return null;
  const phases: MotionPhase[] = [
    { durationS: v0 / brake, accel: -brake },
    { durationS: standS, accel: 0 },
    { durationS: 6, accel: restart },
    { durationS: Infinity, accel: 0 },
  ];
  const motion = new Motion(x0, v0, phases);
  const tExit = motion.timeAt(exit);
  if (tExit === null) return null;
  const n = windowSamples(tExit, rng.uniform(0.15, 0.4), req.sampleRateHz);
  if (n === null) return null;
  const actor: Actor = { vehicle, motion, lateralFirst: 1, lateralSecond: 1 };
  return { truth: truthOf('stop-between-loops', actor, g, false), n, reversed: false, actors: [actor], clip: null };
}

/**
 * Stop-and-go (a queue at a light): the vehicle brakes to a crawl of 1–5 km/h while its body
 * is over the loops, crawls for a while and drives off. The reference speed (the front's mean
 * speed across the gap) exists but is no constant speed of the pass.
 */
function buildStopAndGo(req: PassRequest, site: SitePhysics, rng: Rng): Built {
  const g = geometry(site, false);
  const vehicle = sampleVehicle(req.vehicleClass, rng);
  const v0 = Math.min(40, Math.max(12, req.speedKmh)) / 3.6;
  const vMin = rng.uniform(1, 5) / 3.6;
  const brake = rng.uniform(1.5, 3.0);
  // Where the crawl starts: from just inside loop A until the front is past loop B with the body
  // still over the loops, so the slow part is seen by at least one loop.
  const xSlow = rng.uniform(0.1, g.spacingM + 0.6 * vehicle.lengthM);
  const brakingM = (v0 * v0 - vMin * vMin) / (2 * brake);
  const x0 = Math.min(xSlow - brakingM, -g.first.fringeM) - v0 * rng.uniform(0.15, 0.4);
  const phases: MotionPhase[] = [
    { durationS: (xSlow - brakingM - x0) / v0, accel: 0 },
    { durationS: (v0 - vMin) / brake, accel: -brake },
    { durationS: rng.uniform(0.3, 2.5), accel: 0 },
    { durationS: 8, accel: rng.uniform(1.0, 2.0) },
    { durationS: Infinity, accel: 0 },
  ];
  const motion = new Motion(x0, v0, phases);
  const tExit = motion.timeAt(exitPosition(g, vehicle));
  if (tExit === null) return null;
  const n = windowSamples(tExit, rng.uniform(0.15, 0.4), req.sampleRateHz);
  if (n === null) return null;
  const actor: Actor = { vehicle, motion, lateralFirst: 1, lateralSecond: 1 };
  return { truth: truthOf('stop-and-go', actor, g, false), n, reversed: false, actors: [actor], clip: null };
}

/**
 * Two vehicles bumper to bumper (0.3–1.5 m of air between them, the follower at 99–100 % of the
 * leader's speed): shorter than a loop, so the two occupancies merge into one with a dip.
 */
function buildMergedPair(req: PassRequest, site: SitePhysics, rng: Rng): Built {
  const g = geometry(site, false);
  const lead = sampleVehicle(req.vehicleClass, rng);
  const follower = sampleVehicle(req.secondClass, rng);
  const v1 = req.speedKmh / 3.6;
  const v2 = v1 * rng.uniform(0.99, 1.0);
  const first = cruising(g, lead, v1, rng.uniform(0.15, 0.4), 0);
  const gap = rng.uniform(0.3, 1.5);
  const second = new Motion(first.positionAt(0) - lead.lengthM - gap, v2, [{ durationS: Infinity, accel: 0 }]);
  const tExit = second.timeAt(exitPosition(g, follower));
  if (tExit === null) return null;
  const n = windowSamples(tExit, rng.uniform(0.15, 0.4), req.sampleRateHz);
  if (n === null) return null;
  const leader: Actor = { vehicle: lead, motion: first, lateralFirst: 1, lateralSecond: 1 };
  const actors: Actor[] = [leader, { vehicle: follower, motion: second, lateralFirst: 1, lateralSecond: 1 }];
  return { truth: truthOf('merged-pair', leader, g, false, true, true, false), n, reversed: false, actors, clip: null };
}

function buildTailgating(req: PassRequest, site: SitePhysics, rng: Rng): Built {
  const g = geometry(site, false);
  const lead = sampleVehicle(req.vehicleClass, rng);
  const follower = sampleVehicle(req.secondClass, rng);
  const v1 = req.speedKmh / 3.6;
  // The follower is no faster, so the (short) gap never closes inside the window.
  const v2 = v1 * rng.uniform(0.93, 1.0);
  const leadIn = rng.uniform(0.15, 0.4);
  const first = cruising(g, lead, v1, leadIn, 0);
  // Overlap: the follower reaches A's fringe before the leader's rear leaves B's fringe.
  const leaveB = first.timeAt(exitPosition(g, lead));
  if (leaveB === null) return null;
  let gap = rng.uniform(0.8, 4.0);
  const x0 = first.positionAt(0) - lead.lengthM;
  let second = new Motion(x0 - gap, v2, [{ durationS: Infinity, accel: 0 }]);
  for (let i = 0; i < 20; i++) {
    const enterA = second.timeAt(-g.first.fringeM);
    if (enterA !== null && enterA < leaveB - 0.05) break;
    gap *= 0.7;
    second = new Motion(x0 - gap, v2, [{ durationS: Infinity, accel: 0 }]);
  }
  const tExit = second.timeAt(exitPosition(g, follower));
  if (tExit === null) return null;
  const n = windowSamples(tExit, rng.uniform(0.15, 0.4), req.sampleRateHz);
  if (n === null) return null;
  const leader: Actor = { vehicle: lead, motion: first, lateralFirst: 1, lateralSecond: 1 };
  const actors: Actor[] = [leader, { vehicle: follower, motion: second, lateralFirst: 1, lateralSecond: 1 }];
  return { truth: truthOf('tailgating', leader, g, false, true, true, false), n, reversed: false, actors, clip: null };
}

function buildEmpty(req: PassRequest, rng: Rng): Built {
  const n = Math.min(MAX_WINDOW_SAMPLES, Math.max(DLR1.MIN_SAMPLES, Math.round(rng.uniform(0.5, 2) * req.sampleRateHz)));
  const truth: PassTruth = {
    kind: 'empty', vehicleClass: null, vehicleLengthM: null, referenceSpeedKmh: null,
    expected: 'rejected', expectedReasons: [...EXPECTED_REASONS.empty], tAFrontS: null, tBFrontS: null,
  };
  return { truth, n, reversed: false, actors: [], clip: null };
}

function buildOutOfRange(req: PassRequest, site: SitePhysics, rng: Rng): Built {
  if (rng.chance(0.5)) {
    const slow = buildSingle('out-of-range', { ...req, speedKmh: rng.uniform(1.5, 4.5) }, site, rng, { accel: false });
    if (slow) return slow;
  }
  return buildSingle('out-of-range', { ...req, speedKmh: rng.uniform(310, 400) }, site, rng, { accel: false });
}

/**
 * Plans one pass of the requested kind at a site. Pure: everything random comes from `rng`.
 * When a window would not fit in DLR1's 32768 samples (slow vehicles at high sample rates)
 * the speed is raised until it fits — the meter could not have cut a longer window.
 */
export function planPass(req: PassRequest, site: SitePhysics, rng: Rng): PassScenario {
  let speedKmh = req.speedKmh;
  for (let attempt = 0; attempt < 40; attempt++) {
    const r = { ...req, speedKmh };
    let built: Built;
    switch (req.kind) {
      case 'clean':
      case 'clipped':
        built = buildSingle(req.kind, r, site, rng);
        break;
      case 'reverse':
        built = buildSingle('reverse', r, site, rng, { reversed: true });
        break;
      case 'lane-change':
        built = buildLaneChange(r, site, rng);
        break;
      case 'stop-between-loops':
        built = buildStop(r, site, rng);
        break;
      case 'tailgating':
        built = buildTailgating(r, site, rng);
        break;
      case 'stop-and-go':
        built = buildStopAndGo(r, site, rng);
        break;
      case 'merged-pair':
        built = buildMergedPair(r, site, rng);
        break;
      case 'empty':
        built = buildEmpty(r, rng);
        break;
      case 'out-of-range':
        built = buildOutOfRange(r, site, rng);
        break;
    }
    if (built) return { ...built, sampleRateHz: req.sampleRateHz };
    speedKmh *= 1.25;
  }
  throw new RangeError(`cannot fit a ${req.kind} pass into ${MAX_WINDOW_SAMPLES} samples at ${req.sampleRateHz} Hz`);
}
