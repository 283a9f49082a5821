-- The landed cost as lists show it (issue 18): the lower bound (the total of what could be
-- computed), the high end of a range (a rate by state or province the request did not give) and
-- whether every charge is known. `total_landed_cost` stays the one complete figure. NULL in rows
-- stored before this migration: their lists say the figure was not recorded.

ALTER TABLE assessments ADD COLUMN landed_cost_low TEXT;
ALTER TABLE assessments ADD COLUMN landed_cost_high TEXT;
ALTER TABLE assessments ADD COLUMN landed_cost_complete BOOLEAN;
