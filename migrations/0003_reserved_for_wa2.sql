-- Placeholder for migration 3, reserved for WhatsApp delivery statuses (helper
-- wa2): versions must be consecutive, and 0004 (staff chats) comes after it.
-- When wa2's 0003 is merged, delete this file. Does nothing.
SELECT 1;
