-- Issue 9, hot path (reserved number 0007; renumbered to follow the migrations
-- before it). A confirmation that loses its first chair reads every occupied
-- cell touching its time (resource, start, booking), up to chairs x cells rows.
-- With the index on cell_start alone that was a heap fetch per row and a sort:
-- on PostgreSQL, half of the server's statement time in the peer bench
-- (1,000 chairs). This index holds every column the read needs, in the order
-- it returns them; it also answers the per-range counts, so it replaces 0002's.
CREATE INDEX booking_cells_by_start ON booking_cells (cell_start, resource, booking_id);
DROP INDEX booking_cells_start;
