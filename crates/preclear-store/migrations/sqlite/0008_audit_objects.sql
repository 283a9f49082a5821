-- Finding an object's events by the object (a stored comparison is its `comparison.created`
-- event, which names its assessments).

CREATE INDEX audit_events_object ON audit_events (object_type, object_id);
