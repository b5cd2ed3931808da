import Database from 'better-sqlite3';
import type { IngestRefusal, InvalidTransaction, ReadingObservation } from '../surveillance/observations.js';
import type { SurveillanceFinding } from '../surveillance/surveillance-finding.js';
import type { StoredFinding, SurveillanceStore } from '../surveillance/surveillance-store.js';
import { AnalyticsError } from '../errors/analytics-error.js';

const SCHEMA = `
CREATE TABLE IF NOT EXISTS observations (meter_id TEXT NOT NULL, seq TEXT NOT NULL, tx_id TEXT NOT NULL, block INTEGER NOT NULL, tx_time_ms INTEGER NOT NULL, body TEXT NOT NULL, PRIMARY KEY (meter_id, seq));
CREATE TABLE IF NOT EXISTS invalid_txs (tx_id TEXT NOT NULL, block INTEGER NOT NULL, body TEXT NOT NULL, PRIMARY KEY (tx_id, block));
CREATE TABLE IF NOT EXISTS refusals (identity TEXT PRIMARY KEY, at_ms INTEGER NOT NULL, body TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS meters (meter_id TEXT PRIMARY KEY, location TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS findings (key TEXT PRIMARY KEY, kind TEXT NOT NULL, severity TEXT NOT NULL, meter_id TEXT, body TEXT NOT NULL, first_seen_ms INTEGER NOT NULL, last_seen_ms INTEGER NOT NULL, active INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS cursors (name TEXT PRIMARY KEY, value TEXT NOT NULL);
`;

/**
 * The surveillance store in one SQLite file (better-sqlite3, synchronous, WAL). STORE_FAILED
 * when the file cannot be opened or is not this store's database.
 */
export function openSqliteStore(file: string): SurveillanceStore {
  let db: Database.Database;
  try {
    db = new Database(file);
    db.pragma('journal_mode = WAL');
    db.exec(SCHEMA);
  } catch (cause) {
    throw new AnalyticsError('STORE_FAILED', `cannot open the surveillance database ${file}: ${(cause as Error).message}`, { file }, cause);
  }
  const putObservation = db.prepare('INSERT OR IGNORE INTO observations (meter_id, seq, tx_id, block, tx_time_ms, body) VALUES (?, ?, ?, ?, ?, ?)');
  const putInvalid = db.prepare('INSERT OR IGNORE INTO invalid_txs (tx_id, block, body) VALUES (?, ?, ?)');
  const putRefusal = db.prepare('INSERT OR IGNORE INTO refusals (identity, at_ms, body) VALUES (?, ?, ?)');
  const putMeter = db.prepare('INSERT INTO meters (meter_id, location) VALUES (?, ?) ON CONFLICT(meter_id) DO UPDATE SET location = excluded.location');
  const getMeter = db.prepare<[string], { location: string }>('SELECT location FROM meters WHERE meter_id = ?');
  const upsertFinding = db.prepare(`INSERT INTO findings (key, kind, severity, meter_id, body, first_seen_ms, last_seen_ms, active) VALUES (@key, @kind, @severity, @meterId, @body, @now, @now, 1)
    ON CONFLICT(key) DO UPDATE SET severity = excluded.severity, body = excluded.body, last_seen_ms = excluded.last_seen_ms, active = 1`);
  const getCursor = db.prepare<[string], { value: string }>('SELECT value FROM cursors WHERE name = ?');
  const putCursor = db.prepare('INSERT INTO cursors (name, value) VALUES (?, ?) ON CONFLICT(name) DO UPDATE SET value = excluded.value');
  const bodies = <T>(sql: string): T[] => (db.prepare(sql).all() as { body: string }[]).map((r) => JSON.parse(r.body) as T);

  return {
    addObservations: db.transaction((observations: readonly ReadingObservation[]) => {
      for (const o of observations) putObservation.run(o.meterId, o.seq, o.txId, o.blockNumber, o.txTimeMs, JSON.stringify(o));
    }),
    addInvalid: db.transaction((transactions: readonly InvalidTransaction[]) => {
      for (const t of transactions) putInvalid.run(t.txId, t.blockNumber, JSON.stringify(t));
    }),
    addRefusals: db.transaction((refusals: readonly IngestRefusal[]) => {
      for (const r of refusals) putRefusal.run(JSON.stringify([r.atMs, r.code, r.meterId ?? null, r.seq ?? null, r.txId ?? null]), r.atMs, JSON.stringify(r));
    }),
    setMeterLocation: (meterId, location) => void putMeter.run(meterId, location),
    meterLocation: (meterId) => getMeter.get(meterId)?.location,
    observations: () => bodies<ReadingObservation>('SELECT body FROM observations ORDER BY tx_time_ms, meter_id, seq'),
    invalid: () => bodies<InvalidTransaction>('SELECT body FROM invalid_txs ORDER BY block, tx_id'),
    refusals: () => bodies<IngestRefusal>('SELECT body FROM refusals ORDER BY at_ms, identity'),
    saveFindings: db.transaction((findings: readonly SurveillanceFinding[], nowMs: number) => {
      db.prepare('UPDATE findings SET active = 0').run();
      for (const f of findings) upsertFinding.run({ key: f.key, kind: f.kind, severity: f.severity, meterId: f.meterId ?? null, body: JSON.stringify(f), now: nowMs });
    }),
    findings(options = {}) {
      const rows = db.prepare(`SELECT body, first_seen_ms, last_seen_ms, active FROM findings ${options.activeOnly ? 'WHERE active = 1' : ''} ORDER BY first_seen_ms, key`).all() as { body: string; first_seen_ms: number; last_seen_ms: number; active: number }[];
      return rows.map((r): StoredFinding => ({ ...(JSON.parse(r.body) as SurveillanceFinding), firstSeenMs: r.first_seen_ms, lastSeenMs: r.last_seen_ms, active: r.active === 1 }));
    },
    getCursor: (name) => getCursor.get(name)?.value,
    setCursor: (name, value) => void putCursor.run(name, value),
    close: () => db.close(),
  };
}
