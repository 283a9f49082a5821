-- Reference data deployed at run time (issue 15): a dataset has a kind (`kb` today; restricted-
-- party lists and exchange rates later), a content-hash version and a stored body. Each deployment
-- (or rollback) is a row; the current version of a kind is that of its latest row, which every
-- instance polls. The KB's bodies are in kb_versions, which assessments reference; a later kind
-- adds the table of its bodies with its migration.

CREATE TABLE dataset_deployments (
    seq         INTEGER PRIMARY KEY AUTOINCREMENT,
    kind        TEXT NOT NULL,
    version     TEXT NOT NULL,
    action      TEXT NOT NULL CHECK (action IN ('start', 'deploy', 'rollback')),
    actor       TEXT NOT NULL,
    deployed_at INTEGER NOT NULL
);
CREATE INDEX dataset_deployments_kind ON dataset_deployments (kind, seq);
