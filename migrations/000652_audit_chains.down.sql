-- Entries of chains other than 0 no longer verify as one chain after this.
DROP FUNCTION audit_chain_head(int, int);
DROP INDEX audit_log_chain_idx;
ALTER TABLE audit_log DROP COLUMN chain;
