-- Operators' decisions on restricted-party screening hits (issue 20): each decision is a row,
-- never changed. A decision is remembered for the party (its normalised name and country,
-- `party_key`) and the listed entry as it was (`entry_fingerprint`); the current decision on a
-- party and entry is its latest row. Assessments take the current decisions of the provider
-- serving their organisation into account and record the ones they applied on each hit.

CREATE TABLE screening_decisions (
    seq               BIGSERIAL PRIMARY KEY,
    id                UUID NOT NULL UNIQUE,
    provider_id       UUID NOT NULL REFERENCES organisations (id),
    party_key         TEXT NOT NULL,
    party_name        TEXT NOT NULL,
    list              TEXT NOT NULL,
    entry_id          TEXT NOT NULL,
    entry_name        TEXT NOT NULL,
    entry_fingerprint TEXT NOT NULL,
    verdict           TEXT NOT NULL CHECK (verdict IN ('false_positive', 'true_match')),
    reason            TEXT NOT NULL,
    assessment_id     UUID NOT NULL,
    decided_by        TEXT NOT NULL,
    decided_at        BIGINT NOT NULL
);
CREATE INDEX screening_decisions_party ON screening_decisions (provider_id, party_key, list, entry_id, seq);
