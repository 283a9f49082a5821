-- Web sign-in sessions. The cookie carries a random token; only its SHA-256 is stored, so a
-- copy of the database does not sign anyone in. A session ends when the user signs out
-- (ended_at) or at expires_at, whichever comes first.

CREATE TABLE sessions (
    token_sha256 TEXT PRIMARY KEY,
    user_id      BLOB NOT NULL REFERENCES users (id),
    org_id       BLOB NOT NULL REFERENCES organisations (id),
    created_at   INTEGER NOT NULL,
    expires_at   INTEGER NOT NULL,
    ended_at     INTEGER
);

CREATE INDEX sessions_user ON sessions (user_id);
