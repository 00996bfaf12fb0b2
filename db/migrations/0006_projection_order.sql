-- The loan row is a projection of the workflow's events, written by activities. Activities run
-- in whatever order their tasks are picked up, and a retried one may land late, so each event
-- carries the workflow's sequence number: a status from an event older than the last one applied
-- never overwrites a newer one, and an older event only fills fields still empty.
alter table loans add column projection_seq integer not null default 0;
