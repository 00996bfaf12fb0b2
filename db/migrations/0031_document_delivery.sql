-- A document is stored before its workflow is told of it. When telling it fails (Temporal away),
-- the document waits with delivered_at null: it does not count as received on the loan's page, so
-- the client uploads again, and that upload tells the workflow of every document still waiting.
-- Documents stored before this column existed were told at upload or read by the workflow itself.
alter table documents add column delivered_at timestamptz;
update documents set delivered_at = created_at;
create index documents_undelivered on documents (loan_id) where delivered_at is null;
