import { readMspIdentity } from '@speedledger/orderer-bft';
import type { SigningIdentity } from '../identity.js';
import { MspError } from '../msp-error.js';
import { signingIdentityFromPem } from '../signing-identity.js';

/**
 * Loads a signing identity from a Fabric MSP directory (`signcerts/*.pem`, `keystore/priv_sk`),
 * as cryptogen and `speedledger up` lay it out. The MSP id is not stored in the directory, so
 * the caller names it. Throws INVALID_SIGNING_IDENTITY with the directory as cause context.
 */
export async function loadSigningIdentity(mspDir: string, mspId: string): Promise<SigningIdentity> {
  let material: Awaited<ReturnType<typeof readMspIdentity>>;
  try {
    material = await readMspIdentity(mspDir);
  } catch (cause) {
    throw new MspError('INVALID_SIGNING_IDENTITY', `cannot read an MSP identity from ${mspDir}`, { mspId, mspDir }, cause);
  }
  return signingIdentityFromPem(mspId, material.certPem, material.privateKeyPem);
}
