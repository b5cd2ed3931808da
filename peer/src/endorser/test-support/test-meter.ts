import { deriveMeterSigner, encodeSignedDlr1 } from '@speedledger/datasets';

/** The site a test meter is registered with. */
export const TEST_SITE = { spacingMm: 3600, loopLengthMm: 1800, sampleRateHz: 1000, speedLimitKmh: 60, location: 'Marginal Tietê km 12' };

/** Two Gaussian loop bumps, B lagging A by `lagSamples`: a plausible single-vehicle pass. */
function loops(n: number, lagSamples: number): { loopA: Uint16Array; loopB: Uint16Array } {
  const bump = (centre: number) => Uint16Array.from({ length: n }, (_, i) => Math.round(2000 + 20000 * Math.exp(-(((i - centre) / 40) ** 2))));
  return { loopA: bump(n / 3), loopB: bump(n / 3 + lagSamples) };
}

/** A meter with a seeded key and a signed-reading writer. */
export function testMeter(meterId: string) {
  const signer = deriveMeterSigner('peer-endorser-tests', meterId);
  return {
    meterId,
    publicKeyHex: signer.publicKeyHex,
    reading(seq: number): Uint8Array {
      return encodeSignedDlr1({ meterId, seq: BigInt(seq), t0Us: 1_772_366_400_000_000n + BigInt(seq) * 1_000_000n, sampleRateHz: 1000, ...loops(1200, 137) }, signer);
    },
  };
}
