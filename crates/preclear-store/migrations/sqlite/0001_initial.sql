-- preclear schema, SQLite. Migrations are append-only: never edit an applied file, add a new one.
-- Identifiers are UUIDs (v7, time-ordered) stored as 16-byte blobs; instants are microseconds
-- since the Unix epoch (UTC); money is decimal text, never REAL.

CREATE TABLE organisations (
    id          BLOB PRIMARY KEY,
    name        TEXT NOT NULL UNIQUE,
    kind        TEXT NOT NULL CHECK (kind IN ('client', 'provider')),
    provider_id BLOB REFERENCES organisations (id),
    created_at  INTEGER NOT NULL
);

CREATE TABLE users (
    id            BLOB PRIMARY KEY,
    org_id        BLOB NOT NULL REFERENCES organisations (id),
    username      TEXT NOT NULL UNIQUE,
    password_hash TEXT NOT NULL,
    role          TEXT NOT NULL,
    created_at    INTEGER NOT NULL,
    disabled_at   INTEGER
);

CREATE TABLE api_keys (
    id          BLOB PRIMARY KEY,
    org_id      BLOB NOT NULL REFERENCES organisations (id),
    prefix      TEXT NOT NULL UNIQUE,
    secret_hash TEXT NOT NULL,
    role        TEXT NOT NULL,
    label       TEXT NOT NULL,
    created_by  TEXT NOT NULL,
    created_at  INTEGER NOT NULL,
    revoked_at  INTEGER
);

CREATE TABLE kb_versions (
    version    TEXT PRIMARY KEY,
    files      TEXT NOT NULL,
    created_at INTEGER NOT NULL
);

CREATE TABLE assessments (
    id                BLOB PRIMARY KEY,
    org_id            BLOB NOT NULL REFERENCES organisations (id),
    reference         TEXT NOT NULL,
    client_name       TEXT NOT NULL,
    business_unit     TEXT,
    origin            TEXT NOT NULL,
    destination       TEXT NOT NULL,
    categories        TEXT NOT NULL,
    verdict           TEXT NOT NULL,
    as_of             TEXT NOT NULL,
    kb_version        TEXT NOT NULL REFERENCES kb_versions (version),
    engine_version    TEXT NOT NULL,
    currency          TEXT NOT NULL,
    total_landed_cost TEXT,
    request           TEXT NOT NULL,
    result            TEXT NOT NULL,
    request_sha256    TEXT NOT NULL,
    result_sha256     TEXT NOT NULL,
    created_by        TEXT NOT NULL,
    created_at        INTEGER NOT NULL
);
CREATE INDEX assessments_org ON assessments (org_id, id);
CREATE INDEX assessments_destination ON assessments (destination, id);

CREATE TABLE audit_heads (
    org_id BLOB PRIMARY KEY REFERENCES organisations (id),
    seq    INTEGER NOT NULL,
    hash   TEXT NOT NULL
);

CREATE TABLE audit_events (
    org_id        BLOB NOT NULL REFERENCES organisations (id),
    seq           INTEGER NOT NULL,
    id            BLOB NOT NULL UNIQUE,
    at            INTEGER NOT NULL,
    actor         TEXT NOT NULL,
    action        TEXT NOT NULL,
    object_type   TEXT NOT NULL,
    object_id     TEXT NOT NULL,
    country       TEXT,
    business_unit TEXT,
    categories    TEXT,
    before        TEXT,
    after         TEXT,
    prev_hash     TEXT NOT NULL,
    hash          TEXT NOT NULL,
    PRIMARY KEY (org_id, seq)
);
CREATE INDEX audit_events_at ON audit_events (org_id, at);

CREATE TRIGGER audit_events_no_update BEFORE UPDATE ON audit_events
BEGIN
    SELECT RAISE(ABORT, 'audit events are append-only');
END;
CREATE TRIGGER audit_events_no_delete BEFORE DELETE ON audit_events
BEGIN
    SELECT RAISE(ABORT, 'audit events are append-only');
END;
