-- The IOR provider's price lists (issue 18): each edition is a row, never changed. A scope is
-- the provider's default (client_id NULL) or one client's own prices; its current edition is
-- its latest row, and a withdrawal is a row without a body. An assessment records the version
-- (the hash of the text) it was priced with, so a replay finds the same text here.

CREATE TABLE price_lists (
    seq         INTEGER PRIMARY KEY AUTOINCREMENT,
    id          BLOB NOT NULL UNIQUE,
    provider_id BLOB NOT NULL REFERENCES organisations (id),
    client_id   BLOB REFERENCES organisations (id),
    version     TEXT NOT NULL,
    label       TEXT NOT NULL,
    body        TEXT,
    created_by  TEXT NOT NULL,
    created_at  INTEGER NOT NULL
);
CREATE INDEX price_lists_scope ON price_lists (provider_id, client_id, seq);
CREATE INDEX price_lists_version ON price_lists (provider_id, version);
