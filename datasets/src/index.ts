export { encodeSignedDlr1, encodeUnsignedDlr1, type Dlr1Fields } from './dlr1/dlr1-encode.js';
export { deriveMeterSigner, meterSignerFromPem, meterSignerFromScalar, normaliseLowS, type MeterSigner } from './dlr1/meter-signer.js';
