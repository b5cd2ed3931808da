import { Agent, request } from 'node:http';
import type { ReadingStatus } from '../store/reading-status.js';
import type { HandoffAnswer } from '../feed/meter-retry.js';

/** A plain HTTP answer. */
interface HttpAnswer {
  readonly status: number;
  readonly headers: Record<string, string | string[] | undefined>;
  readonly body: Buffer;
}

/**
 * HTTP client of the ingest API as a fleet of meters and an operator use it: keep-alive sockets
 * (bounded, so a thousand meters do not open a thousand connections), one reading per POST.
 */
export class IngestHttpClient {
  readonly #agent: Agent;
  readonly #base: URL;

  constructor(apiUrl: string, private readonly operatorKey: string | undefined, maxSockets = 128, private readonly timeoutMs = 30_000) {
    this.#base = new URL(apiUrl);
    if (this.#base.protocol !== 'http:') throw new Error(`--api must be an http:// URL, got ${apiUrl}`);
    this.#agent = new Agent({ keepAlive: true, maxSockets });
  }

  #send(method: string, path: string, body?: Uint8Array, contentType?: string, auth = false): Promise<HttpAnswer> {
    return new Promise((resolve, reject) => {
      const headers: Record<string, string> = {};
      if (contentType) headers['content-type'] = contentType;
      if (body) headers['content-length'] = String(body.length);
      if (auth && this.operatorKey) headers.authorization = `Bearer ${this.operatorKey}`;
      const req = request(new URL(path, this.#base), { method, headers, agent: this.#agent, timeout: this.timeoutMs }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
        res.on('error', reject);
      });
      req.on('timeout', () => req.destroy(new Error(`no answer within ${this.timeoutMs} ms`)));
      req.on('error', reject);
      req.end(body);
    });
  }

  /** POSTs one reading; never throws (a network failure is an answer too). */
  async postReading(bytes: Uint8Array): Promise<HandoffAnswer & { receiptSha256?: string }> {
    let answer: HttpAnswer;
    try {
      answer = await this.#send('POST', '/v1/readings', bytes, 'application/octet-stream');
    } catch (error) {
      return { kind: 'network', detail: (error as Error).message };
    }
    let parsed: { error?: string; rawSha256?: string } = {};
    try {
      parsed = JSON.parse(answer.body.toString('utf8')) as typeof parsed;
    } catch {
      // a proxy's HTML error page: the status decides
    }
    const retryAfter = answer.headers['retry-after'];
    return {
      kind: 'http', status: answer.status, code: parsed.error, retryAfter: Array.isArray(retryAfter) ? retryAfter[0] : retryAfter,
      ...(parsed.rawSha256 ? { receiptSha256: parsed.rawSha256 } : {}),
    };
  }

  /** The ingest tier's status of a reading (operator key), undefined on 404. */
  async status(meterId: string, seq: string): Promise<ReadingStatus | undefined> {
    const answer = await this.#send('GET', `/v1/readings/${encodeURIComponent(meterId)}/${encodeURIComponent(seq)}`, undefined, undefined, true);
    if (answer.status === 404) return undefined;
    if (answer.status !== 200) throw new Error(`GET status of ${meterId}@${seq}: HTTP ${answer.status} ${answer.body.toString('utf8').slice(0, 200)}`);
    return JSON.parse(answer.body.toString('utf8')) as ReadingStatus;
  }

  /** `GET /v1/stats` (operator key). */
  async stats(): Promise<{ backlog: number; parked: number; conflicts: number; counters: Record<string, number> }> {
    const answer = await this.#send('GET', '/v1/stats', undefined, undefined, true);
    if (answer.status !== 200) throw new Error(`GET /v1/stats: HTTP ${answer.status} ${answer.body.toString('utf8').slice(0, 200)}`);
    return JSON.parse(answer.body.toString('utf8')) as { backlog: number; parked: number; conflicts: number; counters: Record<string, number> };
  }

  close(): void {
    this.#agent.destroy();
  }
}
