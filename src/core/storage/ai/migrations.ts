import type Database from 'better-sqlite3'

/**
 * ai.db schema, versioned with SQLite's user_version; each migration runs once, in its own
 * transaction. Never edit a shipped migration — append a new one.
 */
const MIGRATIONS: readonly string[] = [
  `
  CREATE TABLE training_runs (
    id TEXT PRIMARY KEY,
    state TEXT NOT NULL,
    request TEXT NOT NULL,
    attempts INTEGER NOT NULL DEFAULT 0,
    progress REAL NOT NULL DEFAULT 0,
    phase TEXT NOT NULL DEFAULT 'queued',
    error TEXT,
    model_id TEXT,
    created_at REAL NOT NULL,
    updated_at REAL NOT NULL
  );
  CREATE INDEX runs_by_state ON training_runs (state, created_at);
  CREATE TABLE models (
    id TEXT PRIMARY KEY,
    run_id TEXT NOT NULL UNIQUE REFERENCES training_runs (id),
    algorithm TEXT NOT NULL,
    exchange TEXT NOT NULL,
    symbol TEXT NOT NULL,
    timeframe TEXT NOT NULL,
    features TEXT NOT NULL,
    params TEXT NOT NULL,
    horizon INTEGER NOT NULL,
    band REAL NOT NULL,
    embargo INTEGER NOT NULL,
    train_from REAL NOT NULL,
    train_to REAL NOT NULL,
    samples INTEGER NOT NULL,
    metrics TEXT NOT NULL,
    model TEXT NOT NULL,
    created_at REAL NOT NULL
  );
  CREATE INDEX models_by_series ON models (exchange, symbol, timeframe, created_at);
  CREATE TABLE predictions (
    seq INTEGER PRIMARY KEY,
    model_id TEXT NOT NULL REFERENCES models (id),
    candle_time REAL NOT NULL,
    resolve_time REAL NOT NULL,
    close REAL NOT NULL,
    prob_up REAL NOT NULL,
    predicted INTEGER NOT NULL,
    outcome INTEGER,
    resolved_at REAL,
    UNIQUE (model_id, candle_time)
  );
  CREATE INDEX predictions_open ON predictions (model_id, resolve_time) WHERE outcome IS NULL;
  CREATE TABLE settings (name TEXT PRIMARY KEY, data TEXT NOT NULL) WITHOUT ROWID;
  CREATE TABLE tasks (
    id TEXT PRIMARY KEY,
    kind TEXT NOT NULL,
    priority INTEGER NOT NULL,
    state TEXT NOT NULL,
    provider TEXT NOT NULL,
    model TEXT NOT NULL,
    symbol TEXT NOT NULL,
    timeframe TEXT NOT NULL,
    cache_key TEXT NOT NULL,
    input TEXT NOT NULL,
    prompt TEXT NOT NULL,
    raw_answer TEXT,
    answer TEXT,
    error TEXT,
    attempts INTEGER NOT NULL DEFAULT 0,
    next_at REAL,
    prompt_tokens INTEGER NOT NULL DEFAULT 0,
    completion_tokens INTEGER NOT NULL DEFAULT 0,
    cost_usd REAL NOT NULL DEFAULT 0,
    cached INTEGER NOT NULL DEFAULT 0,
    created_at REAL NOT NULL,
    updated_at REAL NOT NULL,
    done_at REAL
  );
  CREATE INDEX tasks_queue ON tasks (state, priority, created_at);
  CREATE INDEX tasks_cache ON tasks (cache_key, done_at);
  CREATE TABLE spend (
    seq INTEGER PRIMARY KEY,
    at REAL NOT NULL,
    task_id TEXT NOT NULL,
    prompt_tokens INTEGER NOT NULL,
    completion_tokens INTEGER NOT NULL,
    cost_usd REAL NOT NULL
  );
  CREATE INDEX spend_by_time ON spend (at);
  `
]

export const SCHEMA_VERSION = MIGRATIONS.length

/** Brings ai.db to SCHEMA_VERSION; refuses a database from a newer Keel. */
export function migrate(db: Database.Database): number {
  const current = db.pragma('user_version', { simple: true }) as number
  if (current > SCHEMA_VERSION) throw new Error(`ai.db has schema version ${current}, newer than this Keel understands (${SCHEMA_VERSION})`)
  for (let version = current; version < SCHEMA_VERSION; version++) {
    db.transaction(() => {
      db.exec(MIGRATIONS[version]!)
      db.pragma(`user_version = ${version + 1}`)
    })()
  }
  return SCHEMA_VERSION
}
