-- What start-up looks for is rare, so it gets small partial indexes instead of a scan of the
-- whole history: claims a stop interrupted (millions of delivered rows after a few years with
-- thousands of couples) and reveals never posted.

CREATE INDEX deliveries_claimed ON deliveries (schedule_id) WHERE status = 'claimed';

CREATE INDEX question_days_unposted_reveals ON question_days (revealed_at)
    WHERE status = 'revealed' AND reveal_message_id IS NULL;
