-- The personal messages Closer sent each partner, for the DM budget (at most a few a day, never
-- two within minutes, none in quiet hours). Only instants: what was said is in the deliveries
-- ledger. Rows older than a few days are pruned by the daily purge.

CREATE TABLE dm_log (
    guild_id INTEGER NOT NULL REFERENCES couples (guild_id) ON DELETE CASCADE,
    user_id  INTEGER NOT NULL,
    sent_at  INTEGER NOT NULL
);

CREATE INDEX dm_log_by_partner ON dm_log (guild_id, user_id, sent_at);
