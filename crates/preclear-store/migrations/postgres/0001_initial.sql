-- preclear schema, PostgreSQL. Migrations are append-only: never edit an applied file, add a new
-- one. Instants are microseconds since the Unix epoch (UTC), as in the SQLite schema, so both
-- backends order and filter them the same way; money is NUMERIC, never a float.

CREATE TABLE organisations (
    id          UUID PRIMARY KEY,
    name        TEXT NOT NULL UNIQUE,
    kind        TEXT NOT NULL CHECK (kind IN ('client', 'provider')),
    provider_id UUID REFERENCES organisations (id),
    created_at  BIGINT NOT NULL
);

CREATE TABLE users (
    id            UUID PRIMARY KEY,
    org_id        UUID NOT NULL REFERENCES organisations (id),
    username      TEXT NOT NULL UNIQUE,
    password_hash TEXT NOT NULL,
    role          TEXT NOT NULL,
    created_at    BIGINT NOT NULL,
    disabled_at   BIGINT
);

CREATE TABLE api_keys (
    id          UUID PRIMARY KEY,
    org_id      UUID NOT NULL REFERENCES organisations (id),
    prefix      TEXT NOT NULL UNIQUE,
    secret_hash TEXT NOT NULL,
    role        TEXT NOT NULL,
    label       TEXT NOT NULL,
    created_by  TEXT NOT NULL,
    created_at  BIGINT NOT NULL,
    revoked_at  BIGINT
);

CREATE TABLE kb_versions (
    version    TEXT PRIMARY KEY,
    files      TEXT NOT NULL,
    created_at BIGINT NOT NULL
);

CREATE TABLE assessments (
    id                UUID PRIMARY KEY,
    org_id            UUID NOT NULL REFERENCES organisations (id),
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
    total_landed_cost NUMERIC,
    request           TEXT NOT NULL,
    result            TEXT NOT NULL,
    request_sha256    TEXT NOT NULL,
    result_sha256     TEXT NOT NULL,
    created_by        TEXT NOT NULL,
    created_at        BIGINT NOT NULL
);
CREATE INDEX assessments_org ON assessments (org_id, id);
CREATE INDEX assessments_destination ON assessments (destination, id);

CREATE TABLE audit_heads (
    org_id UUID PRIMARY KEY REFERENCES organisations (id),
    seq    BIGINT NOT NULL,
    hash   TEXT NOT NULL
);

CREATE TABLE audit_events (
    org_id        UUID NOT NULL REFERENCES organisations (id),
    seq           BIGINT NOT NULL,
    id            UUID NOT NULL UNIQUE,
    at            BIGINT NOT NULL,
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

CREATE FUNCTION preclear_audit_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'audit events are append-only';
END;
$$;
CREATE TRIGGER audit_events_append_only BEFORE UPDATE OR DELETE ON audit_events
    FOR EACH ROW EXECUTE FUNCTION preclear_audit_append_only();
