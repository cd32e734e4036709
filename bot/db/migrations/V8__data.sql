-- Your data: what is kept for a partner after the other one deleted their data and unpaired
-- (/data delete mine). The space's remaining entries (the partner's own answers, check-ins,
-- memories, ... and the shared setup) move under a couple row of their own whose guild_id is
-- negative (never a Discord id) and marked removed: no feature sees it, the server is free to
-- pair again, the partner can still download it with /data export there, and the daily purge
-- deletes it 30 days later like the data of a server Closer was removed from.

CREATE TABLE kept_spaces (
    couple_id  INTEGER PRIMARY KEY REFERENCES couples (guild_id) ON DELETE CASCADE,  -- the negative key
    guild_id   INTEGER NOT NULL,   -- the server the entries come from
    user_id    INTEGER NOT NULL,   -- the partner they are kept for
    left_by    INTEGER NOT NULL,   -- the partner who deleted their data and unpaired
    kept_at    INTEGER NOT NULL    -- when; purged 30 days later (couples.removed_at is the same instant)
);

CREATE INDEX kept_spaces_by_guild ON kept_spaces (guild_id, user_id);
