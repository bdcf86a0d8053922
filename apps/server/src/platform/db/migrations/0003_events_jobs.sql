-- Indexes for pruning by age (pruneEvents, pruneJobs in platform/events and platform/jobs).
-- BRIN for the two append-mostly tables: a few pages in size and nearly free to maintain on
-- every insert, because their time columns follow the order in which rows are written.
CREATE INDEX outbox_published_at ON outbox_events USING brin (published_at);
CREATE INDEX event_inbox_handled_at ON event_inbox USING brin (handled_at);
-- Jobs are written long before they finish, so a plain partial index for finished ones.
CREATE INDEX jobs_finished_at ON jobs (finished_at) WHERE finished_at IS NOT NULL;
