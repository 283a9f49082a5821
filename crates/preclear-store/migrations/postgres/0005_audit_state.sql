-- The state an audit event leaves its object in (issue 16): the object (`user/<id>`,
-- `consignment/<id>`…) and the SHA-256 of its stored row, computed by the store in the commit
-- and chained with the event. `preclear audit verify` compares every stored row with the last
-- state its chain recorded, so a change made behind the service's back is found.
ALTER TABLE audit_events ADD COLUMN state_object TEXT;
ALTER TABLE audit_events ADD COLUMN state_sha256 TEXT;
