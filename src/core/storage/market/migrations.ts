import type Database from 'better-sqlite3'

/**
 * market.db schema, one entry per version. Append only: a shipped migration is never edited,
 * because users' databases already ran it. `PRAGMA user_version` records how far a file got.
 */
export const MARKET_MIGRATIONS: readonly string[] = [
  // 1: candles keyed by what identifies them, so re-downloading is an idempotent upsert.
  `CREATE TABLE candles (
     exchange  TEXT    NOT NULL,
     symbol    TEXT    NOT NULL,
     timeframe TEXT    NOT NULL,
     ts        INTEGER NOT NULL,
     open      REAL    NOT NULL,
     high      REAL    NOT NULL,
     low       REAL    NOT NULL,
     close     REAL    NOT NULL,
     volume    REAL    NOT NULL,
     PRIMARY KEY (exchange, symbol, timeframe, ts)
   ) WITHOUT ROWID`,
  // 2: live-feed subscriptions, so a restarted market worker resumes the feeds the user chose.
  `CREATE TABLE subscriptions (
     exchange TEXT NOT NULL,
     symbol   TEXT NOT NULL,
     channel  TEXT NOT NULL,
     PRIMARY KEY (exchange, symbol, channel)
   ) WITHOUT ROWID`
]

/** Brings a database up to the latest version; each step is atomic. */
export function migrate(db: Database.Database, migrations: readonly string[] = MARKET_MIGRATIONS): number {
  const current = db.pragma('user_version', { simple: true }) as number
  if (current > migrations.length) {
    throw new Error(`market.db is at schema version ${current}, newer than this build knows (${migrations.length}); update Keel`)
  }
  for (let version = current; version < migrations.length; version++) {
    db.transaction(() => {
      db.exec(migrations[version])
      db.pragma(`user_version = ${version + 1}`)
    })()
  }
  return migrations.length
}
