-- Privacy is per check-in: each check-in keeps the sharing level it was made under, so changing
-- /checkin sharing later never reveals (or counts) a day that was kept private. Whatever tells the
-- other partner about moods (the news by DM, the chart, the weekly digest, /couple status, the
-- export, gentle notes, ideas) reads this column, never the current level.
--   'full' (mood and note), 'mood' (the mood only), 'nothing' (the other partner learns nothing).
-- A check-in changed later that day keeps the more private of its level and the current one.
ALTER TABLE checkins ADD COLUMN sharing TEXT NOT NULL DEFAULT 'full'
    CHECK (sharing IN ('full', 'mood', 'nothing'));

-- Check-ins made before this migration take their partner's level as it is now (the best record
-- there is; no row in checkin_sharing means 'full').
UPDATE checkins SET sharing = (
    SELECT s.level FROM checkin_sharing s
    WHERE s.guild_id = checkins.guild_id AND s.user_id = checkins.user_id
)
WHERE EXISTS (
    SELECT 1 FROM checkin_sharing s WHERE s.guild_id = checkins.guild_id AND s.user_id = checkins.user_id
);

-- The idea (its template in data/empathy.toml) the other partner got with the news of a low day,
-- so no idea is given twice to a couple within 30 days (read with suggested_at).
ALTER TABLE checkins ADD COLUMN idea TEXT;

CREATE INDEX checkins_ideas ON checkins (guild_id, suggested_at) WHERE idea IS NOT NULL;

-- What the ledger calls check-in schedules, in plain words (partners see these lines in
-- /couple status): "Check-in for alice" is alice's own "Evening check-in" (or "Daily check-in"
-- before 16:00); "alice's check-in, for bob" is bob's "alice's check-in news".
UPDATE schedules SET label = CASE WHEN local_time >= '16:00' THEN 'Evening check-in' ELSE 'Daily check-in' END
WHERE kind = 'checkin';

UPDATE schedules SET label = substr(label, 1, instr(label, '''s check-in, for ') - 1) || '''s check-in news'
WHERE kind = 'checkin_share' AND instr(label, '''s check-in, for ') > 0;

UPDATE schedules SET label = 'A gentle note' WHERE kind = 'checkin_note' AND label LIKE 'A gentle note for %';
