-- Reminders before a booking: due work written in the same unit as the
-- booking, deleted (while pending) in the same unit as its cancellation or
-- reschedule, and claimed once, by whichever instance first sees it due: the
-- claim flips state from 'pending' to 'sent' in the unit that also puts the
-- message in the outbox, so a crash either does both or neither.
CREATE TABLE booking_reminders (
    id         BIGINT   NOT NULL PRIMARY KEY,
    booking_id BIGINT   NOT NULL REFERENCES bookings (id),
    lead_ms    BIGINT   NOT NULL,
    due_at     BIGINT   NOT NULL,
    state      TEXT     NOT NULL CHECK (state IN ('pending', 'sent')),
    created_at BIGINT   NOT NULL,
    sent_at    BIGINT
);
-- One reminder per booking and lead time.
CREATE UNIQUE INDEX booking_reminders_booking ON booking_reminders (booking_id, lead_ms);
-- The due-work loop reads the earliest pending ones.
CREATE INDEX booking_reminders_due ON booking_reminders (state, due_at);
