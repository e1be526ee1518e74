-- Delivery reports (WhatsApp statuses[]) that named no message the bot knew
-- yet: the platform can report on a message before the dispatcher has
-- committed "sent" with the id the platform gave it. Such a report is held
-- here (a bounded number, for a bounded time) and applied in the unit that
-- stores that id (UnitOfWork::SetPlatformMessageIds), so a failure is never
-- lost to the race. One row per (message, status): a repeated report is one.
CREATE TABLE held_delivery_reports (
    platform TEXT NOT NULL,
    platform_message_id TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('sent', 'delivered', 'read', 'failed')),
    error TEXT,
    reported_at BIGINT NOT NULL,
    received_at BIGINT NOT NULL,
    PRIMARY KEY (platform, platform_message_id, status)
);
-- The sweep of reports held too long.
CREATE INDEX held_delivery_reports_received ON held_delivery_reports (received_at);
