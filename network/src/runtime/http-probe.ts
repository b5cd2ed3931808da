import { request } from 'node:http';

/** GETs `http://address/path` and resolves with status and body; rejects on connection errors or after `timeoutMs`. */
export function httpGet(address: string, path: string, timeoutMs = 2000): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const colon = address.lastIndexOf(':');
    const req = request({ host: address.slice(0, colon), port: Number(address.slice(colon + 1)), path, method: 'GET', timeout: timeoutMs }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (body += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      res.on('error', reject);
    });
    req.on('timeout', () => req.destroy(new Error(`GET ${address}${path} timed out`)));
    req.on('error', reject);
    req.end();
  });
}

export { pollUntil } from '@speedledger/orderer-bft/runtime';
