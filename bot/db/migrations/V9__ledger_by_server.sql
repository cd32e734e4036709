-- The ledger by server: /couple status lists a server's recent deliveries without joining and
-- sorting its whole history (thousands of rows after a couple of years).

ALTER TABLE deliveries ADD COLUMN guild_id INTEGER;  -- the schedule's server (NULL: host-wide jobs)

UPDATE deliveries SET guild_id = (SELECT s.guild_id FROM schedules s WHERE s.id = deliveries.schedule_id);

CREATE INDEX deliveries_by_guild ON deliveries (guild_id, attempted_at);
