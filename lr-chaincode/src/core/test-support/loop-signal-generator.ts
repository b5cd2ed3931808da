/**
 * A second, independent dual-loop signal generator for the algorithm's tests, deliberately
 * built on different physics from the datasets simulator: trapezoid loop sensitivity (linear
 * fringe ramps), vehicles as a body density plus raised-cosine mass lumps, sum-of-uniforms
 * noise, linear + quadratic baseline drift, per-loop gain and fringe. Test-only; not LR code.
 */

/** Small seeded PRNG (mulberry32): tests must be reproducible. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A lump of metal along the vehicle, metres from the front. */
export interface MassLump {
  at: number;
  width: number;
  mass: number;
}

/** A vehicle body: length, base density and lumps; `gaps` are metal-free stretches (couplings). */
export interface TestVehicle {
  lengthM: number;
  density: number;
  lumps: MassLump[];
  gaps?: { from: number; to: number }[];
}

export type TestClass = 'car' | 'motorcycle' | 'van' | 'bus' | 'truck-trailer';

/**
 * Draws a vehicle of `cls` with random proportions. `couplingGapM` pins a truck's coupling gap
 * (metal-free stretch between tractor and trailer); the random draw is made either way, so a
 * seed gives the same vehicle otherwise.
 */
export function testVehicle(cls: TestClass, rnd: () => number, couplingGapM?: number): TestVehicle {
  const between = (lo: number, hi: number): number => lo + (hi - lo) * rnd();
  switch (cls) {
    case 'car': {
      const L = between(3.8, 4.9);
      return { lengthM: L, density: 0.5, lumps: [{ at: between(0.5, 1.0), width: 1.0, mass: between(0.8, 1.4) }, { at: L - 0.8, width: 0.6, mass: 0.3 }] };
    }
    case 'motorcycle': {
      const L = between(1.9, 2.3);
      return { lengthM: L, density: 0.15, lumps: [{ at: L / 2, width: 0.8, mass: between(0.3, 0.5) }] };
    }
    case 'van': {
      const L = between(5, 6.5);
      return { lengthM: L, density: 0.6, lumps: [{ at: 0.8, width: 1.0, mass: 1.2 }, { at: L - 1, width: 0.8, mass: 0.5 }] };
    }
    case 'bus': {
      const L = between(11, 13.5);
      return { lengthM: L, density: 0.25, lumps: [{ at: L - 1.5, width: 1.6, mass: 0.4 }] };
    }
    case 'truck-trailer': {
      const tractor = between(5.5, 6.5);
      const drawn = between(0.6, 1.2);
      const gap = couplingGapM ?? drawn;
      const L = between(15, 19);
      return {
        lengthM: L,
        density: 0.5,
        lumps: [
          { at: 1.0, width: 1.2, mass: 1.5 },
          { at: tractor - 1, width: 0.8, mass: 0.6 },
          { at: L - 1.5, width: 1.5, mass: 0.8 },
        ],
        gaps: [{ from: tractor, to: tractor + gap }],
      };
    }
  }
}

function massAt(v: TestVehicle, u: number): number {
  if (u < 0 || u > v.lengthM) return 0;
  for (const g of v.gaps ?? []) if (u >= g.from && u <= g.to) return 0;
  let m = v.density;
  for (const lump of v.lumps) {
    const d = (u - lump.at) / lump.width;
    if (d > -0.5 && d < 0.5) m += (lump.mass * (1 + Math.cos(2 * Math.PI * d))) / 2;
  }
  return m;
}

/** Trapezoid sensitivity: 1 over the loop, linear fall-off over `fringe` metres either side. */
function sensitivity(x: number, start: number, length: number, fringe: number): number {
  if (x >= start && x <= start + length) return 1;
  const d = x < start ? start - x : x - start - length;
  return d >= fringe ? 0 : 1 - d / fringe;
}

export interface PassOptions {
  seed: number;
  cls?: TestClass;
  speedKmh: number;
  accelMs2?: number;
  sampleRateHz?: number;
  spacingM?: number;
  loopLengthM?: number;
  gainA?: number;
  gainB?: number;
  fringeA?: number;
  fringeB?: number;
  lateral?: number;
  /** Counts per unit mass per metre of vehicle fully over the loop. */
  scale?: number;
  noise?: number;
  baselineA?: number;
  baselineB?: number;
  /** Counts per second of linear drift, and a quadratic bow in counts over the window. */
  drift?: number;
  bow?: number;
  marginS?: number;
  /** Front stops at this position (m from A's leading edge) for `stopSeconds`. */
  stopAtM?: number;
  stopSeconds?: number;
  /**
   * A second vehicle following with this bumper gap (m), at `followerSpeedKmh`. A gap shorter
   * than the loop keeps metal over it throughout: the two signals merge into one occupancy
   * with a dip between them (the tailgating case detection alone cannot split).
   */
  followerGapM?: number;
  /** Class of the follower; default the leader's class. */
  followerClass?: TestClass;
  /** Pins a truck-trailer's coupling gap, metres (its dip deepens as the gap nears the loop length). */
  couplingGapM?: number;
  followerSpeedKmh?: number;
  reverse?: boolean;
  /** Only this loop sees the vehicle. */
  onlyLoop?: 'A' | 'B';
  /** No vehicle at all. */
  empty?: boolean;
}

export interface GeneratedPass {
  loopA: Uint16Array;
  loopB: Uint16Array;
  sampleRateHz: number;
  referenceSpeedKmh: number;
  vehicle: TestVehicle;
}

/** Generates one pass. Positions in metres, loop A's leading edge at 0. */
export function generatePass(o: PassOptions): GeneratedPass {
  const rnd = seededRandom(o.seed);
  const rate = o.sampleRateHz ?? 1000;
  const spacing = o.spacingM ?? 3.6;
  const loopLen = o.loopLengthM ?? 1.8;
  const fringeA = o.fringeA ?? 0.3;
  const fringeB = o.fringeB ?? 0.3;
  const vehicle = testVehicle(o.cls ?? 'car', rnd, o.couplingGapM);
  const follower = o.followerGapM !== undefined ? testVehicle(o.followerClass ?? o.cls ?? 'car', rnd) : null;
  const followerRatio = (o.followerSpeedKmh ?? o.speedKmh) / o.speedKmh;
  const v0 = o.speedKmh / 3.6;
  const a = o.accelMs2 ?? 0;
  const margin = o.marginS ?? 0.25;
  const startX = -(Math.max(fringeA, fringeB) + 0.5);
  const leaderEndX = spacing + loopLen + Math.max(fringeA, fringeB) + vehicle.lengthM + 0.5;
  // With a follower the window lasts until the follower too has left loop B (the meter's cut).
  const endX = follower ? startX + (leaderEndX + o.followerGapM! + follower.lengthM - startX) / followerRatio : leaderEndX;
  const dt = 1 / rate;

  // Front trajectory, sampled.
  const xs: number[] = [];
  for (let i = 0; i < Math.round(margin * rate); i++) xs.push(Number.NaN);
  let x = startX;
  let v = v0;
  let stopLeft = o.stopSeconds ?? 0;
  let tA = Number.NaN;
  let tB = Number.NaN;
  while (x < endX && xs.length < 30000) {
    xs.push(x);
    const prev = x;
    if (o.stopAtM !== undefined && stopLeft > 0 && x >= o.stopAtM) stopLeft -= dt;
    else {
      x += v * dt;
      v = Math.max(0.5, v + a * dt);
    }
    const t = xs.length - 1;
    if (Number.isNaN(tA) && prev < 0 && x >= 0) tA = t + (0 - prev) / (x - prev);
    if (Number.isNaN(tB) && prev < spacing && x >= spacing) tB = t + (spacing - prev) / (x - prev);
  }
  for (let i = 0; i < Math.round(margin * rate); i++) xs.push(Number.NaN);
  const n = xs.length;

  const step = 0.05;
  const lat = o.lateral ?? 1;
  const scale = o.scale ?? 2000;
  const gains = [o.gainA ?? 1, o.gainB ?? 1];
  const fringes = [fringeA, fringeB];
  const starts = [0, spacing];
  const baselines = [o.baselineA ?? 25000, o.baselineB ?? 30000];
  const noise = o.noise ?? 8;
  const out = [new Uint16Array(n), new Uint16Array(n)];
  const firstX = xs.find((q) => !Number.isNaN(q)) ?? 0;
  for (let loop = 0; loop < 2; loop++) {
    const sees = !o.empty && (o.onlyLoop === undefined || o.onlyLoop === (loop === 0 ? 'A' : 'B'));
    for (let i = 0; i < n; i++) {
      let signal = 0;
      const front = xs[i]!;
      const frontAt = Number.isNaN(front) ? (i < n / 2 ? -1e9 : 1e9) : front;
      if (sees) {
        const bodies: [TestVehicle, number][] = [[vehicle, frontAt]];
        if (follower) bodies.push([follower, firstX + (frontAt - firstX) * followerRatio - vehicle.lengthM - o.followerGapM!]);
        for (const [veh, f] of bodies) {
          for (let u = step / 2; u < veh.lengthM; u += step) {
            const pos = f - u;
            const s = sensitivity(pos, starts[loop]!, loopLen, fringes[loop]!);
            if (s > 0) signal += massAt(veh, u) * s * step;
          }
        }
      }
      let e = 0;
      for (let k = 0; k < 4; k++) e += rnd() - 0.5;
      const frac = i / n;
      const base = baselines[loop]! + (o.drift ?? 0) * (i / rate) + (o.bow ?? 0) * 4 * frac * (1 - frac);
      const count = Math.round(base + gains[loop]! * lat * scale * signal + e * noise * 1.732);
      out[loop]![i] = count < 0 ? 0 : count > 65535 ? 65535 : count;
    }
  }
  // Driving the wrong way is, by the loops' mirror symmetry, a forward pass with A and B swapped.
  const [first, second] = o.reverse ? [out[1]!, out[0]!] : [out[0]!, out[1]!];
  return {
    loopA: first,
    loopB: second,
    sampleRateHz: rate,
    referenceSpeedKmh: ((spacing * rate) / (tB - tA)) * 3.6,
    vehicle,
  };
}
