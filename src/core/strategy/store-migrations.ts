import type Database from 'better-sqlite3'

/**
 * strategy.db schema, versioned with SQLite's user_version like trading.db: each migration runs
 * once, in its own transaction, in order; never edit a shipped one — append.
 */
const MIGRATIONS: readonly string[] = [
  `
  CREATE TABLE bots (
    id TEXT PRIMARY KEY,
    config TEXT NOT NULL,
    state TEXT NOT NULL,
    last_error TEXT,
    started_at REAL,
    restarts INTEGER NOT NULL DEFAULT 0,
    orders INTEGER NOT NULL DEFAULT 0,
    fills INTEGER NOT NULL DEFAULT 0,
    created_at REAL NOT NULL
  ) WITHOUT ROWID;
  -- What a bot resumes from: its JSON state, the last candle it handled, the decision ids
  -- committed with them, and the strategy version it ran (so a broken file on disk never
  -- stops it from resuming).
  CREATE TABLE checkpoints (
    bot_id TEXT PRIMARY KEY REFERENCES bots(id) ON DELETE CASCADE,
    state TEXT NOT NULL,
    last_candle REAL,
    id_bucket REAL,
    id_n INTEGER NOT NULL DEFAULT 0,
    code TEXT,
    updated_at REAL NOT NULL
  ) WITHOUT ROWID;
  CREATE TABLE log (
    seq INTEGER PRIMARY KEY,
    bot_id TEXT NOT NULL,
    at REAL NOT NULL,
    level TEXT NOT NULL,
    message TEXT NOT NULL,
    data TEXT
  );
  CREATE INDEX log_by_bot ON log (bot_id, seq);
  `
]

export const STRATEGY_SCHEMA_VERSION = MIGRATIONS.length

/** Brings the database to the current schema; refuses a database from a newer Keel. */
export function migrateStrategyDb(db: Database.Database): void {
  const current = db.pragma('user_version', { simple: true }) as number
  if (current > STRATEGY_SCHEMA_VERSION) {
    throw new Error(`strategy.db has schema version ${current}, newer than this Keel understands (${STRATEGY_SCHEMA_VERSION})`)
  }
  MIGRATIONS.slice(current).forEach((sql, i) =>
    db.transaction(() => {
      db.exec(sql)
      db.pragma(`user_version = ${current + i + 1}`)
    })()
  )
}
