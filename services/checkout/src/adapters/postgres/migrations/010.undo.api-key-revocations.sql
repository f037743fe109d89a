DROP INDEX api_keys_revoked_at_idx;
