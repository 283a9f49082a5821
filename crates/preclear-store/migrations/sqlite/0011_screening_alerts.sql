-- Delta re-screening (issue 20): when a new version of the restricted-party lists is deployed,
-- the parties of the newest screened assessments are screened again against the entries that
-- version added or changed, and each new hit is an alert, stored here, never changed. The
-- operators' queue shows the alerts no decision covers; a decision on one is taken as on a hit
-- of the assessment it names.

CREATE TABLE screening_alerts (
    seq               INTEGER PRIMARY KEY AUTOINCREMENT,
    id                BLOB NOT NULL UNIQUE,
    provider_id       BLOB NOT NULL REFERENCES organisations (id),
    assessment_id     BLOB NOT NULL,
    role              TEXT NOT NULL,
    party_key         TEXT NOT NULL,
    party_name        TEXT NOT NULL,
    list              TEXT NOT NULL,
    entry_id          TEXT NOT NULL,
    entry_name        TEXT NOT NULL,
    entry_fingerprint TEXT NOT NULL,
    matched_name      TEXT NOT NULL,
    score             TEXT NOT NULL,
    band              TEXT NOT NULL,
    programs          TEXT NOT NULL,
    explanation       TEXT NOT NULL,
    list_version      TEXT NOT NULL,
    created_at        INTEGER NOT NULL
);
CREATE INDEX screening_alerts_provider ON screening_alerts (provider_id, seq);
CREATE INDEX screening_alerts_hit ON screening_alerts (assessment_id, role, list, entry_id);
