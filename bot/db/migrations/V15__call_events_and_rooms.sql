-- Call nights in Discord: each call's guild scheduled event (the server's Events list), the voice
-- channel a couple links as their room, and the nights both partners were in it.

-- How long a call is planned to last (minutes): the event's end, the room's window.
ALTER TABLE calls ADD COLUMN length INTEGER NOT NULL DEFAULT 60;

-- The voice channel a couple talks in (/call room). One per server; none: the calls happen elsewhere.
CREATE TABLE call_rooms (
    guild_id    INTEGER PRIMARY KEY REFERENCES couples (guild_id) ON DELETE CASCADE,
    channel_id  INTEGER NOT NULL,
    set_by      INTEGER NOT NULL,
    set_at      INTEGER NOT NULL
);

-- The scheduled event a call keeps for its next occurrence. One row per call: it names the
-- occurrence the event is for (its original start) and the event's id, so a restart never creates
-- it twice. state: 'live' (the event is there, or being made), 'removed' (a partner deleted it in
-- Discord, or it went missing again after being made once more: left alone for that occurrence).
CREATE TABLE call_events (
    call_id       INTEGER PRIMARY KEY REFERENCES calls (id) ON DELETE CASCADE,
    guild_id      INTEGER NOT NULL REFERENCES couples (guild_id) ON DELETE CASCADE,
    occurrence_at INTEGER NOT NULL,
    event_id      INTEGER,
    state         TEXT    NOT NULL DEFAULT 'live' CHECK (state IN ('live', 'removed')),
    remade        INTEGER NOT NULL DEFAULT 0,   -- 1: made again once after it went missing
    shape         TEXT    NOT NULL DEFAULT ''   -- what the event was last given (to skip needless edits)
);

CREATE INDEX call_events_guild ON call_events (guild_id);
CREATE INDEX call_events_event ON call_events (event_id);

-- A call night in the linked room: when both partners were first there together, how long they
-- were together in all (together_since: both are there now), and when the last of them left.
CREATE TABLE call_presence (
    call_id          INTEGER NOT NULL REFERENCES calls (id) ON DELETE CASCADE,
    occurrence_at    INTEGER NOT NULL,             -- the occurrence's original start
    guild_id         INTEGER NOT NULL REFERENCES couples (guild_id) ON DELETE CASCADE,
    started_at       INTEGER NOT NULL,             -- where the occurrence was (after a move)
    held_at          INTEGER,                      -- both were first in the room together
    together_since   INTEGER,                      -- both are in the room now, since then
    together_seconds INTEGER NOT NULL DEFAULT 0,   -- time together before together_since
    left_at          INTEGER,                      -- one of them left, ending the time together
    PRIMARY KEY (call_id, occurrence_at)
);

CREATE INDEX call_presence_guild ON call_presence (guild_id, started_at);

-- The memory prompt after a call follows the room (V14: what a plan is made from deletes its marks).
CREATE TRIGGER planning_marks_call_rooms_insert AFTER INSERT ON call_rooms
BEGIN DELETE FROM planning_marks WHERE guild_id = NEW.guild_id AND kind IN ('call_after', 'call_reminder'); END;
CREATE TRIGGER planning_marks_call_rooms_update AFTER UPDATE ON call_rooms
BEGIN DELETE FROM planning_marks WHERE guild_id = NEW.guild_id AND kind IN ('call_after', 'call_reminder'); END;
CREATE TRIGGER planning_marks_call_rooms_delete AFTER DELETE ON call_rooms
BEGIN DELETE FROM planning_marks WHERE guild_id = OLD.guild_id AND kind IN ('call_after', 'call_reminder'); END;
CREATE TRIGGER planning_marks_call_presence_insert AFTER INSERT ON call_presence
BEGIN DELETE FROM planning_marks WHERE guild_id = NEW.guild_id AND kind = 'call_after'; END;
CREATE TRIGGER planning_marks_call_presence_update AFTER UPDATE ON call_presence
BEGIN DELETE FROM planning_marks WHERE guild_id = NEW.guild_id AND kind = 'call_after'; END;
