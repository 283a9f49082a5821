-- Programs (issue 7): IOR entities, programs with their import positions, and consignments.
-- Each is one record: indexed columns for what is filtered on, and the record itself as JSON
-- (the preclear-program types), written with an optimistic version so that a change made on a
-- stale read (a transition guarded by a position that has since changed) is refused.

CREATE TABLE program_records (
    id         BLOB PRIMARY KEY,
    kind       TEXT NOT NULL CHECK (kind IN ('entity', 'program', 'consignment')),
    org_id     BLOB NOT NULL REFERENCES organisations (id),
    parent_id  BLOB REFERENCES program_records (id),
    key        TEXT NOT NULL,
    state      TEXT NOT NULL,
    body       TEXT NOT NULL,
    version    INTEGER NOT NULL,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL
);
CREATE INDEX program_records_org ON program_records (kind, org_id);
CREATE INDEX program_records_parent ON program_records (parent_id, key);
CREATE UNIQUE INDEX program_records_reference ON program_records (kind, org_id, key)
    WHERE kind = 'program';

-- Evidence documents (a credential's certificate, an approval's licence), content-addressed per
-- organisation: the same file uploaded twice is stored once.
CREATE TABLE evidence_documents (
    org_id       BLOB NOT NULL REFERENCES organisations (id),
    sha256       TEXT NOT NULL,
    file_name    TEXT NOT NULL,
    content_type TEXT NOT NULL,
    size         INTEGER NOT NULL,
    bytes        BLOB NOT NULL,
    created_at   INTEGER NOT NULL,
    PRIMARY KEY (org_id, sha256)
);
