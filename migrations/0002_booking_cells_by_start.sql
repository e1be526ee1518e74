-- Occupancy is read by time (a day's cells, a count per day of the booking
-- window); the primary key leads with the resource, so without this index
-- every such read scanned all cells ever booked, and got slower with history.
CREATE INDEX booking_cells_start ON booking_cells (cell_start);
