-- Between the rituals (issue 19): small gestures ("thinking of you", a hug, ...) and the day a
-- couple got together, from which the days together and their milestones are counted.

-- One row per gesture a partner sent. ``day`` is the sender's local day (the 20-a-day limit and
-- the export's counts per day); ``told_at`` is when a DM to the partner carried it (NULL while it
-- waits, for the partner's quiet hours or to be merged with the next ones).
CREATE TABLE gestures (
    id        INTEGER PRIMARY KEY,
    guild_id  INTEGER NOT NULL REFERENCES couples (guild_id) ON DELETE CASCADE,
    from_user INTEGER NOT NULL,
    to_user   INTEGER NOT NULL,
    kind      TEXT    NOT NULL CHECK (kind IN ('thinking', 'hug', 'miss', 'call', 'proud')),
    day       TEXT    NOT NULL,   -- 'YYYY-MM-DD', the sender's local day
    sent_at   INTEGER NOT NULL,
    told_at   INTEGER
);

CREATE INDEX gestures_by_sender ON gestures (guild_id, from_user, day);
CREATE INDEX gestures_waiting ON gestures (guild_id, to_user, told_at);
CREATE INDEX gestures_by_time ON gestures (guild_id, sent_at);

-- When the couple got together (/couple since): one row per couple.
CREATE TABLE together (
    guild_id INTEGER PRIMARY KEY REFERENCES couples (guild_id) ON DELETE CASCADE,
    since    TEXT    NOT NULL,    -- 'YYYY-MM-DD'
    set_by   INTEGER NOT NULL,
    set_at   INTEGER NOT NULL
);

-- Milestone posts are planned from that row (bot.planning.sync_once, kind 'milestone'): a change
-- of it deletes the server's mark, so the next start plans them again (see V14).
CREATE TRIGGER planning_marks_together_insert AFTER INSERT ON together
BEGIN DELETE FROM planning_marks WHERE guild_id = NEW.guild_id AND kind = 'milestone'; END;
CREATE TRIGGER planning_marks_together_update AFTER UPDATE ON together
BEGIN DELETE FROM planning_marks WHERE guild_id IN (OLD.guild_id, NEW.guild_id) AND kind = 'milestone'; END;
CREATE TRIGGER planning_marks_together_delete AFTER DELETE ON together
BEGIN DELETE FROM planning_marks WHERE guild_id = OLD.guild_id AND kind = 'milestone'; END;
