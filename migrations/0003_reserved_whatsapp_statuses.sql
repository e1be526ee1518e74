-- Placeholder on the `remind` branch only: version 3 is reserved for the
-- WhatsApp delivery statuses (helper wa2). Versions must be consecutive, so
-- this stands in until that migration is merged; then this file is deleted.
SELECT 1;
