-- Issue 9 §2: an API key's rate-limit plan, by name (KEELSON_RATE_LIMIT_PLANS). NULL = the default
-- plan, so every existing key keeps today's limits and the previous release still reads the table.
-- The name's shape matches the kit's policyNamePattern (it is announced in RateLimit-Policy).
ALTER TABLE api_keys ADD COLUMN plan text CHECK (plan ~ '^[a-z0-9][a-z0-9_-]{0,63}$');
