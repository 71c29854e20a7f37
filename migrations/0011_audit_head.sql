-- The newest audit event's number and hash, kept beside the chain and moved with every
-- event: deleting events from the end leaves a chain that still links, but no longer
-- reaches the recorded head.
INSERT OR REPLACE INTO meta (key, value)
SELECT 'audit_head', seq || ':' || hash FROM audit_events ORDER BY seq DESC LIMIT 1;
