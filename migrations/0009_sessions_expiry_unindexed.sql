-- Issue 9, hot path. Every update saves its session, and every save moves
-- expires_at (the expiry slides with each message). With expires_at indexed,
-- no save could be a heap-only update on PostgreSQL: each one added entries
-- to both of the table's indexes (in the peer bench, 2 of 7,500 session
-- updates were HOT; without this index 7,449), and on SQLite each one moved
-- an index entry. The index served only the sweeper, which now reads the
-- table once per --sweep-seconds (60 s by default): it holds only the
-- sessions active within their time to live, a few thousand rows at most.
DROP INDEX conversation_sessions_expires_at;
