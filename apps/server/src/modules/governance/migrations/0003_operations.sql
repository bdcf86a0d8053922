-- The operations centre's summary: work orders resolved (time-limit compliance over the last
-- days) and closed (today) are found by index, not by reading every work order of the city.
CREATE INDEX work_orders_resolved ON work_orders (city_id, resolved_at) WHERE resolved_at IS NOT NULL;
CREATE INDEX work_orders_closed ON work_orders (city_id, closed_at) WHERE closed_at IS NOT NULL;
