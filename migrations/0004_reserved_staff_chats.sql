-- Placeholder on the `remind` branch only: version 4 is reserved for staff
-- chats and the hand-off relay (helper staff). Versions must be consecutive,
-- so this stands in until that migration is merged; then this file is deleted.
SELECT 1;
