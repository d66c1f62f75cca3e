import type Database from 'better-sqlite3'

/**
 * trading.db schema, versioned with SQLite's user_version. Each migration runs once, in its
 * own transaction, in order; never edit a shipped migration — append a new one.
 *
 * Rows hold the engine's records as JSON (`data`) plus the columns queries filter on, so the
 * engine's state is restored bit-for-bit (JSON round-trips doubles exactly).
 */
const MIGRATIONS: readonly string[] = [
  `
  CREATE TABLE markets (
    exchange TEXT NOT NULL, symbol TEXT NOT NULL, data TEXT NOT NULL,
    PRIMARY KEY (exchange, symbol)
  ) WITHOUT ROWID;
  CREATE TABLE accounts (id TEXT PRIMARY KEY, data TEXT NOT NULL) WITHOUT ROWID;
  CREATE TABLE balances (
    account TEXT NOT NULL, asset TEXT NOT NULL, free REAL NOT NULL, locked REAL NOT NULL,
    PRIMARY KEY (account, asset)
  ) WITHOUT ROWID;
  CREATE TABLE positions (
    account TEXT NOT NULL, symbol TEXT NOT NULL, data TEXT NOT NULL,
    PRIMARY KEY (account, symbol)
  ) WITHOUT ROWID;
  CREATE TABLE orders (
    seq INTEGER PRIMARY KEY,
    id TEXT NOT NULL UNIQUE,
    account TEXT NOT NULL,
    client_order_id TEXT NOT NULL,
    symbol TEXT NOT NULL,
    live INTEGER NOT NULL,
    data TEXT NOT NULL,
    UNIQUE (account, client_order_id)
  );
  CREATE INDEX orders_by_account ON orders (account, live, seq);
  CREATE TABLE fills (
    seq INTEGER PRIMARY KEY,
    order_id TEXT NOT NULL,
    account TEXT NOT NULL,
    symbol TEXT NOT NULL,
    data TEXT NOT NULL
  );
  CREATE INDEX fills_by_account ON fills (account, seq);
  CREATE INDEX fills_by_order ON fills (order_id);
  CREATE TABLE equity (account TEXT NOT NULL, t REAL NOT NULL, equity REAL NOT NULL);
  CREATE INDEX equity_by_account ON equity (account);
  CREATE TABLE journal (
    seq INTEGER PRIMARY KEY,
    at REAL NOT NULL,
    kind TEXT NOT NULL,
    payload TEXT NOT NULL,
    ok INTEGER NOT NULL,
    error TEXT
  );
  `
]

export const SCHEMA_VERSION = MIGRATIONS.length

/** Brings the database to SCHEMA_VERSION; refuses a database from a newer Keel. */
export function migrate(db: Database.Database): number {
  const current = db.pragma('user_version', { simple: true }) as number
  if (current > SCHEMA_VERSION) {
    throw new Error(`trading.db has schema version ${current}, newer than this Keel understands (${SCHEMA_VERSION})`)
  }
  for (let version = current; version < SCHEMA_VERSION; version++) {
    db.transaction(() => {
      db.exec(MIGRATIONS[version])
      db.pragma(`user_version = ${version + 1}`)
    })()
  }
  return SCHEMA_VERSION
}
