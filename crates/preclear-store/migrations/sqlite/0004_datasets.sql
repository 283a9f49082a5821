-- Reference data deployed at run time (issue 15): a dataset has a kind (`kb` today; restricted-
-- party lists and exchange rates later), a content-hash version and a stored body. Each deployment
-- (or rollback) is a row; the current version of a kind is that of its latest row, which every
-- instance polls. The KB's bodies stay in kb_versions, which assessments reference.

CREATE TABLE dataset_bodies (
    kind       TEXT NOT NULL CHECK (kind <> 'kb'),
    version    TEXT NOT NULL,
    body       TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    PRIMARY KEY (kind, version)
);

CREATE TABLE dataset_deployments (
    seq         INTEGER PRIMARY KEY AUTOINCREMENT,
    kind        TEXT NOT NULL,
    version     TEXT NOT NULL,
    action      TEXT NOT NULL CHECK (action IN ('start', 'deploy', 'rollback')),
    actor       TEXT NOT NULL,
    deployed_at INTEGER NOT NULL
);
CREATE INDEX dataset_deployments_kind ON dataset_deployments (kind, seq);
