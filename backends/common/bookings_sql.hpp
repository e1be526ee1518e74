#pragma once

// The SQL of the store's bookings and their cells (UnitOfWork::InsertBooking …
// BusyAmong), written once for both backends.

#include <cstdint>
#include <functional>
#include <optional>
#include <utility>
#include <vector>

#include "bookbot/core/records.hpp"
#include "sql_connection.hpp"

namespace bookbot::backends {

// UnitOfWork::InsertBookingOnFirstFree; `new_id` makes each try's booking id.
std::optional<core::PlacedBooking> PlaceBooking(SqlConnection& conn, const core::Booking& booking,
                                                const std::vector<int>& resources,
                                                const std::vector<core::TimePoint>& cells,
                                                const std::function<std::int64_t()>& new_id,
                                                core::TimePoint now);
// Cancels a confirmed booking and frees its cells; false if none was confirmed.
bool CancelBookingRow(SqlConnection& conn, std::int64_t booking_id, core::TimePoint now);
std::optional<core::Booking> FindBookingRow(SqlConnection& conn, std::int64_t booking_id);
std::vector<core::Booking> UpcomingBookingRows(SqlConnection& conn,
                                               const core::SessionKey& customer,
                                               core::TimePoint now);
std::vector<core::Booking> BookingRowsBetween(SqlConnection& conn, core::TimePoint from,
                                              core::TimePoint to);
std::vector<core::OccupiedCell> OccupiedCellRows(SqlConnection& conn, core::TimePoint from,
                                                 core::TimePoint to);
std::vector<std::int64_t> CountOccupiedCellRows(
    SqlConnection& conn, const std::vector<std::pair<core::TimePoint, core::TimePoint>>& ranges);
std::vector<int> BusyResourcesAmong(SqlConnection& conn, core::TimePoint from, core::TimePoint to,
                                    const std::vector<int>& candidates);

}  // namespace bookbot::backends
