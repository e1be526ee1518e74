-- Issue 9, hot path. SQLite compiles a CHECK of the form `x IN (a, b, c)`
-- with three or more values into a temporary b-tree that it builds, fills
-- and frees each time the row is written: twice for every reply inserted
-- (status, delivery_status) and once for every reply marked sent. Under
-- load that was 8 % of `bookbot serve`'s CPU (perf, peer bench on SQLite),
-- most of it in the allocator and the kernel's page faults. The same
-- constraints written as comparisons cost nothing. SQLite cannot alter a
-- constraint, so the table is rebuilt, with the same columns in the same
-- order and the same indexes; PostgreSQL runs the same statements.
CREATE TABLE outbox_0008 (
    id              BIGINT   NOT NULL PRIMARY KEY,
    platform        TEXT     NOT NULL,
    chat_id         TEXT     NOT NULL,
    body            TEXT     NOT NULL,
    status          TEXT     NOT NULL
        CHECK (status = 'pending' OR status = 'sent' OR status = 'dead'),
    attempts        INTEGER  NOT NULL,
    next_attempt_at BIGINT   NOT NULL,
    claimed_by      TEXT,
    claimed_until   BIGINT,
    last_error      TEXT     NOT NULL,
    created_at      BIGINT   NOT NULL,
    sent_at         BIGINT,
    platform_message_id TEXT,
    delivery_status TEXT
        CHECK (delivery_status = 'sent' OR delivery_status = 'delivered'
               OR delivery_status = 'read' OR delivery_status = 'failed'),
    delivery_error  TEXT,
    delivery_updated_at BIGINT
);
INSERT INTO outbox_0008 (id, platform, chat_id, body, status, attempts, next_attempt_at,
                         claimed_by, claimed_until, last_error, created_at, sent_at,
                         platform_message_id, delivery_status, delivery_error,
                         delivery_updated_at)
    SELECT id, platform, chat_id, body, status, attempts, next_attempt_at,
           claimed_by, claimed_until, last_error, created_at, sent_at,
           platform_message_id, delivery_status, delivery_error, delivery_updated_at
    FROM outbox;
DROP TABLE outbox;
ALTER TABLE outbox_0008 RENAME TO outbox;
CREATE INDEX outbox_due ON outbox (status, next_attempt_at);
CREATE INDEX outbox_chat ON outbox (platform, chat_id, id);
CREATE INDEX outbox_platform_message ON outbox (platform, platform_message_id)
    WHERE platform_message_id IS NOT NULL;
CREATE INDEX outbox_delivery_failed ON outbox (delivery_updated_at)
    WHERE delivery_status = 'failed';
