-- The audit log as several hash chains instead of one (issue 8). One chain needed one global
-- advisory lock, taken by every audited transaction and held until it committed: every audited
-- write in the application waited for the one before it. Now a transaction appends to one of
-- several chains: the first one it can lock without waiting, starting from a preferred one (the
-- actor's), and keeps it for its other entries (so a transaction holds one chain lock at most
-- and two never wait for each other in a cycle). Entries written before this migration form
-- chain 0. Verification (audit.Store.Verify) follows every chain in id order at once.
ALTER TABLE audit_log ADD COLUMN chain smallint NOT NULL DEFAULT 0;
CREATE INDEX audit_log_chain_idx ON audit_log (chain, id);

-- audit_chain_head locks a chain for the current transaction (1..chains) and returns it with
-- the hash of its newest entry (empty for a new chain). VOLATILE: the newest entry is read
-- after the lock is held, with a fresh snapshot, so it is the committed head.
CREATE FUNCTION audit_chain_head(preferred int, chains int, OUT chain int, OUT prev bytea) LANGUAGE plpgsql VOLATILE AS $$
DECLARE
    c int := nullif(current_setting('penggerak.audit_chain', true), '')::int;
BEGIN
    IF c IS NULL THEN
        FOR i IN 0 .. chains - 1 LOOP
            c := 1 + (preferred + i) % chains;
            EXIT WHEN pg_try_advisory_xact_lock(7200001, c);
            c := NULL;
        END LOOP;
        IF c IS NULL THEN -- every chain busy: wait for the preferred one
            c := 1 + preferred % chains;
            PERFORM pg_advisory_xact_lock(7200001, c);
        END IF;
        PERFORM set_config('penggerak.audit_chain', c::text, true);
    END IF;
    chain := c;
    SELECT a.hash INTO prev FROM audit_log a WHERE a.chain = c ORDER BY a.id DESC LIMIT 1;
    prev := coalesce(prev, ''::bytea);
END $$;
