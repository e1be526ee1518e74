-- What the platform says became of a message the bot sent (WhatsApp's
-- statuses[]): the id the platform gave it when it accepted it, and the
-- furthest status reported since (sent < delivered < read; failed is final
-- and keeps the platform's error, for `bookbot outbox list --failed`).
ALTER TABLE outbox ADD COLUMN platform_message_id TEXT;
ALTER TABLE outbox ADD COLUMN delivery_status TEXT
    CHECK (delivery_status IN ('sent', 'delivered', 'read', 'failed'));
ALTER TABLE outbox ADD COLUMN delivery_error TEXT;
ALTER TABLE outbox ADD COLUMN delivery_updated_at BIGINT;
-- A report names the message by (platform, platform message id).
CREATE INDEX outbox_platform_message ON outbox (platform, platform_message_id)
    WHERE platform_message_id IS NOT NULL;
-- The operator's list of failed deliveries, without a scan of every message sent.
CREATE INDEX outbox_delivery_failed ON outbox (delivery_updated_at)
    WHERE delivery_status = 'failed';
