// The citizen's signature check, bundled with esbuild for the browser (no CDN): the DLR1
// reading's ECDSA P-256 signature (r ‖ s over every byte before it) against the public key the
// ledger registered for its meter. @noble/curves, not WebCrypto, so the check is the same code
// on every browser and needs no secure context.
import { p256 } from '@noble/curves/p256';
import { sha256 } from '@noble/hashes/sha256';

const HEADER = 80;
const SIGNATURE = 64;

function bytesOf(text) {
  const t = text.replace(/\s+/g, '');
  if (/^([0-9a-fA-F]{2})+$/.test(t)) return Uint8Array.from(t.match(/../g).map((h) => parseInt(h, 16)));
  const bin = atob(t);
  return Uint8Array.from(bin, (c) => c.charCodeAt(0));
}

function hexToBytes(hex) {
  return Uint8Array.from(hex.match(/../g).map((h) => parseInt(h, 16)));
}

export async function verifyReading(bytes) {
  if (bytes.length < HEADER + SIGNATURE || String.fromCharCode(...bytes.slice(0, 4)) !== 'DLR1') return { ok: false, message: 'not a DLR1 reading' };
  const meterId = String.fromCharCode(...bytes.slice(8, 24)).replace(/\0+$/, '');
  const seq = new DataView(bytes.buffer, bytes.byteOffset).getBigUint64(24).toString();
  const response = await fetch(`/api/meters/${encodeURIComponent(meterId)}`);
  if (!response.ok) return { ok: false, meterId, seq, message: `meter ${meterId} is not registered on the ledger` };
  const meter = await response.json();
  const signed = bytes.slice(0, bytes.length - SIGNATURE);
  const signature = bytes.slice(bytes.length - SIGNATURE);
  let valid = false;
  try {
    valid = p256.verify(signature, sha256(signed), hexToBytes(meter.publicKeyHex), { prehash: false, lowS: true });
  } catch {
    valid = false;
  }
  return valid
    ? { ok: true, meterId, seq, message: `GENUINE: reading ${meterId}/${seq} is signed by the key the ledger registered for ${meterId} (${meter.status})` }
    : { ok: false, meterId, seq, message: `INVALID: the signature of ${meterId}/${seq} does not match the key the ledger registered — the reading was altered or is not from this meter` };
}

async function run() {
  const out = document.getElementById('verify-result');
  const file = document.getElementById('reading-file').files[0];
  let bytes;
  try {
    bytes = file ? new Uint8Array(await file.arrayBuffer()) : bytesOf(document.getElementById('reading-text').value);
  } catch {
    out.textContent = 'INVALID: the text is neither base64 nor hex';
    out.className = 'bad';
    return;
  }
  const result = await verifyReading(bytes);
  out.textContent = result.message;
  out.className = result.ok ? 'ok' : 'bad';
  out.dataset.verdict = result.ok ? 'genuine' : 'invalid';
}

if (typeof document !== 'undefined') document.getElementById('verify-button')?.addEventListener('click', () => void run());
