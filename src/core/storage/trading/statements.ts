import type Database from 'better-sqlite3'

/** Every statement the store runs, prepared once per connection. */
export function prepareStatements(db: Database.Database) {
  return {
    upsertMarket: db.prepare('INSERT OR REPLACE INTO markets (exchange, symbol, data) VALUES (?, ?, ?)'),
    upsertAccount: db.prepare('INSERT OR REPLACE INTO accounts (id, data) VALUES (?, ?)'),
    upsertBalance: db.prepare('INSERT OR REPLACE INTO balances (account, asset, free, locked) VALUES (?, ?, ?, ?)'),
    upsertPosition: db.prepare('INSERT OR REPLACE INTO positions (account, symbol, data) VALUES (?, ?, ?)'),
    upsertOrder: db.prepare(
      `INSERT INTO orders (seq, id, account, client_order_id, symbol, live, data) VALUES (?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT (seq) DO UPDATE SET live = excluded.live, data = excluded.data`
    ),
    insertFill: db.prepare('INSERT INTO fills (seq, order_id, account, symbol, data) VALUES (?, ?, ?, ?, ?)'),
    insertEquity: db.prepare('INSERT INTO equity (account, t, equity) VALUES (?, ?, ?)'),
    insertJournal: db.prepare('INSERT INTO journal (at, kind, payload, ok, error) VALUES (?, ?, ?, ?, ?)'),
    deleteBalances: db.prepare('DELETE FROM balances WHERE account = ?'),
    deletePositions: db.prepare('DELETE FROM positions WHERE account = ?'),
    deleteEquity: db.prepare('DELETE FROM equity WHERE account = ?'),
    orderById: db.prepare('SELECT data FROM orders WHERE id = ?').pluck(),
    orderByClientId: db.prepare('SELECT data FROM orders WHERE account = ? AND client_order_id = ?').pluck(),
    markets: db.prepare('SELECT data FROM markets').pluck(),
    accounts: db.prepare('SELECT data FROM accounts').pluck(),
    balances: db.prepare('SELECT account, asset, free, locked FROM balances'),
    positions: db.prepare('SELECT account, data FROM positions'),
    liveOrders: db.prepare('SELECT data FROM orders WHERE live = 1 ORDER BY seq').pluck(),
    recentClosed: db.prepare('SELECT data FROM orders WHERE live = 0 ORDER BY seq DESC LIMIT ?').pluck(),
    recentEquity: db.prepare('SELECT t, equity FROM equity WHERE account = ? ORDER BY rowid DESC LIMIT ?'),
    maxOrderSeq: db.prepare('SELECT COALESCE(MAX(seq), 0) FROM orders').pluck(),
    maxFillSeq: db.prepare('SELECT COALESCE(MAX(seq), 0) FROM fills').pluck(),
    maxJournalSeq: db.prepare('SELECT COALESCE(MAX(seq), 0) FROM journal').pluck()
  }
}

export type Statements = ReturnType<typeof prepareStatements>
