-- Start-up that does not grow with history: a per-server "planned up to" mark for the features
-- that plan one-off posts from their own rows (calls, the visit countdown, yearly dates). A start
-- plans a server's posts of a kind again only when its mark is missing or has run out.
--
-- planned_until: the fire time of the server's next one-off of that kind when it was planned (each
-- such post plans again when it is delivered, so while Closer runs the mark moves on; a start
-- after it means a planning moment passed while Closer was down). NULL: nothing of that kind is
-- pending, the plan holds until something changes.
--
-- Whatever a plan is made from changing deletes the marks it holds, in the same transaction, so a
-- plan interrupted by a crash is made again at the next start: a feature's rows delete its kinds'
-- marks (calls and their changes: call, call_reminder, call_after, call_prep; visits: visit; special_dates:
-- special_date); the partners' zones, quiet hours and trips, or the couple, all the server's
-- marks; a pending post that disappears, the mark of its kind. A release that changes how a
-- feature plans deletes the marks in a migration of its own.

CREATE TABLE planning_marks (
    guild_id      INTEGER NOT NULL REFERENCES couples (guild_id) ON DELETE CASCADE,
    kind          TEXT    NOT NULL,  -- the schedule kind planned (call_reminder, visit, special_date, ...)
    planned_until INTEGER,           -- Unix seconds; NULL: until something changes
    PRIMARY KEY (guild_id, kind)
) WITHOUT ROWID;

CREATE INDEX planning_marks_until ON planning_marks (planned_until) WHERE planned_until IS NOT NULL;

CREATE TRIGGER planning_marks_calls_insert AFTER INSERT ON calls
BEGIN DELETE FROM planning_marks WHERE guild_id = NEW.guild_id
    AND kind IN ('call', 'call_reminder', 'call_after', 'call_prep'); END;
CREATE TRIGGER planning_marks_calls_update AFTER UPDATE ON calls
BEGIN DELETE FROM planning_marks WHERE guild_id IN (OLD.guild_id, NEW.guild_id)
    AND kind IN ('call', 'call_reminder', 'call_after', 'call_prep'); END;
CREATE TRIGGER planning_marks_calls_delete AFTER DELETE ON calls
BEGIN DELETE FROM planning_marks WHERE guild_id = OLD.guild_id
    AND kind IN ('call', 'call_reminder', 'call_after', 'call_prep'); END;

CREATE TRIGGER planning_marks_call_changes_insert AFTER INSERT ON call_changes
BEGIN DELETE FROM planning_marks WHERE guild_id = (SELECT guild_id FROM calls WHERE id = NEW.call_id)
    AND kind IN ('call', 'call_reminder', 'call_after', 'call_prep'); END;
CREATE TRIGGER planning_marks_call_changes_update AFTER UPDATE ON call_changes
BEGIN DELETE FROM planning_marks WHERE guild_id = (SELECT guild_id FROM calls WHERE id = NEW.call_id)
    AND kind IN ('call', 'call_reminder', 'call_after', 'call_prep'); END;
CREATE TRIGGER planning_marks_call_changes_delete AFTER DELETE ON call_changes
BEGIN DELETE FROM planning_marks WHERE guild_id = (SELECT guild_id FROM calls WHERE id = OLD.call_id)
    AND kind IN ('call', 'call_reminder', 'call_after', 'call_prep'); END;

CREATE TRIGGER planning_marks_visits_insert AFTER INSERT ON visits
BEGIN DELETE FROM planning_marks WHERE guild_id = NEW.guild_id AND kind = 'visit'; END;
CREATE TRIGGER planning_marks_visits_update AFTER UPDATE ON visits
BEGIN DELETE FROM planning_marks WHERE guild_id IN (OLD.guild_id, NEW.guild_id) AND kind = 'visit'; END;
CREATE TRIGGER planning_marks_visits_delete AFTER DELETE ON visits
BEGIN DELETE FROM planning_marks WHERE guild_id = OLD.guild_id AND kind = 'visit'; END;

CREATE TRIGGER planning_marks_dates_insert AFTER INSERT ON special_dates
BEGIN DELETE FROM planning_marks WHERE guild_id = NEW.guild_id AND kind = 'special_date'; END;
CREATE TRIGGER planning_marks_dates_update AFTER UPDATE ON special_dates
BEGIN DELETE FROM planning_marks WHERE guild_id IN (OLD.guild_id, NEW.guild_id) AND kind = 'special_date'; END;
CREATE TRIGGER planning_marks_dates_delete AFTER DELETE ON special_dates
BEGIN DELETE FROM planning_marks WHERE guild_id = OLD.guild_id AND kind = 'special_date'; END;

CREATE TRIGGER planning_marks_partners_insert AFTER INSERT ON partners
BEGIN DELETE FROM planning_marks WHERE guild_id = NEW.guild_id; END;
CREATE TRIGGER planning_marks_partners_update
AFTER UPDATE OF zone, quiet_start, quiet_end, travel_zone, travel_until ON partners
BEGIN DELETE FROM planning_marks WHERE guild_id = NEW.guild_id; END;
CREATE TRIGGER planning_marks_partners_delete AFTER DELETE ON partners
BEGIN DELETE FROM planning_marks WHERE guild_id = OLD.guild_id; END;

CREATE TRIGGER planning_marks_couples_update AFTER UPDATE OF status, removed_at ON couples
BEGIN DELETE FROM planning_marks WHERE guild_id = NEW.guild_id; END;

CREATE TRIGGER planning_marks_schedules_delete AFTER DELETE ON schedules
WHEN OLD.next_due IS NOT NULL AND OLD.guild_id IS NOT NULL
BEGIN DELETE FROM planning_marks WHERE guild_id = OLD.guild_id AND kind = OLD.kind; END;
