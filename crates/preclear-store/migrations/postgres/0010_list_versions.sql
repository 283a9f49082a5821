-- Restricted-party lists deployed at run time (issue 20): the second dataset kind, `lists`.
-- A version is a set of list files (one list per format, with its publication date), stored as
-- JSON and named by its content hash; `dataset_deployments` says which version is current, and
-- every screening result records the version it used, so a replay finds the same lists here.

CREATE TABLE list_versions (
    version    TEXT PRIMARY KEY,
    body       TEXT NOT NULL,
    created_at BIGINT NOT NULL
);
