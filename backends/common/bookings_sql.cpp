#include "bookings_sql.hpp"

#include <algorithm>
#include <string>

namespace bookbot::backends {
namespace {

using core::Booking;
using core::StorageError;
using core::TimePoint;
using core::ToEpochMillis;

constexpr auto FromMs = core::FromEpochMillis;

constexpr const char* kBookingColumns =
    "id, platform, user_id, chat_id, service_id, resource, starts_at, ends_at, status, "
    "created_at, updated_at";

// PostgreSQL's text form of an integer array: {1,2,3}.
template <typename Int>
std::string ArrayLiteral(const std::vector<Int>& values) {
    std::string array = "{";
    for (std::size_t i = 0; i < values.size(); ++i) {
        array += (i == 0 ? "" : ",") + std::to_string(values[i]);
    }
    return array + "}";
}

Booking BookingFromRow(const SqlRow& r) {
    return {r.Int(0),
            {r.Text(1), r.Text(2)},
            r.Text(3),
            r.Text(4),
            static_cast<int>(r.Int(5)),
            FromMs(r.Int(6)),
            FromMs(r.Int(7)),
            core::ParseBookingStatus(r.Text(8)),
            FromMs(r.Int(9)),
            FromMs(r.Int(10))};
}

std::vector<Booking> BookingRows(const SqlResult& result) {
    std::vector<Booking> out;
    out.reserve(result.rows.size());
    for (const SqlRow& row : result.rows) out.push_back(BookingFromRow(row));
    return out;
}

// Inserts the booking row on `resource` and all its cells; false if a cell
// was occupied (some rows may then be written: the caller undoes them). DO
// NOTHING rather than an error, so no error aborts the unit.
bool TryPlace(SqlConnection& conn, const Booking& b, int resource,
              const std::vector<TimePoint>& cells, std::int64_t id, TimePoint now) {
    // Its id is ours and unique: it cannot lose; the cells below can.
    conn.Exec(
        "INSERT INTO bookings (id, platform, user_id, chat_id, service_id, resource,"
        " starts_at, ends_at, status, created_at, updated_at)"
        " VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 'confirmed', $9, $9)",
        {id, b.customer.platform, b.customer.user_id, b.chat_id, b.service_id,
         std::int64_t{resource}, ToEpochMillis(b.starts_at), ToEpochMillis(b.ends_at),
         ToEpochMillis(now)});
    // One statement for all cells: ($1, $3, $2), ($1, $4, $2), ...
    std::string sql = "INSERT INTO booking_cells (resource, cell_start, booking_id) VALUES ";
    SqlParams params = {std::int64_t{resource}, id};
    params.reserve(cells.size() + 2);
    for (std::size_t i = 0; i < cells.size(); ++i) {
        sql += (i == 0 ? "($1, $" : ", ($1, $") + std::to_string(i + 3) + ", $2)";
        params.emplace_back(ToEpochMillis(cells[i]));
    }
    sql += " ON CONFLICT (resource, cell_start) DO NOTHING";
    return conn.Exec(sql, params).affected == static_cast<std::int64_t>(cells.size());
}

}  // namespace

std::optional<core::PlacedBooking> PlaceBooking(SqlConnection& conn, const Booking& b,
                                                const std::vector<int>& resources,
                                                const std::vector<TimePoint>& cells,
                                                const std::function<std::int64_t()>& new_id,
                                                TimePoint now) {
    if (cells.empty() || b.ends_at <= b.starts_at) {
        throw StorageError(StorageError::Kind::kInvalid,
                           "a booking needs an end after its start and at least one cell");
    }
    for (const int resource : resources) {
        // A savepoint per try: a lost cell undoes this try alone (the booking
        // row and any cells already taken), and the unit goes on. (A throw
        // leaves the savepoint open: the store rolls the whole unit back.)
        conn.Exec("SAVEPOINT place_booking");
        const std::int64_t id = new_id();
        if (TryPlace(conn, b, resource, cells, id, now)) {
            conn.Exec("RELEASE SAVEPOINT place_booking");
            return core::PlacedBooking{id, resource};
        }
        conn.Exec("ROLLBACK TO SAVEPOINT place_booking");
        conn.Exec("RELEASE SAVEPOINT place_booking");
    }
    return std::nullopt;
}

bool CancelBookingRow(SqlConnection& conn, std::int64_t booking_id, TimePoint now) {
    const SqlResult r = conn.Exec(
        "UPDATE bookings SET status = 'cancelled', updated_at = $2"
        " WHERE id = $1 AND status = 'confirmed'",
        {booking_id, ToEpochMillis(now)});
    if (r.affected != 1) return false;
    conn.Exec("DELETE FROM booking_cells WHERE booking_id = $1", {booking_id});
    return true;
}

std::optional<Booking> FindBookingRow(SqlConnection& conn, std::int64_t booking_id) {
    const SqlResult r = conn.Exec(
        std::string("SELECT ") + kBookingColumns + " FROM bookings WHERE id = $1", {booking_id});
    if (r.rows.empty()) return std::nullopt;
    return BookingFromRow(r.rows.front());
}

std::vector<Booking> UpcomingBookingRows(SqlConnection& conn, const core::SessionKey& customer,
                                         TimePoint now) {
    return BookingRows(conn.Exec(std::string("SELECT ") + kBookingColumns +
                                     " FROM bookings WHERE platform = $1 AND user_id = $2"
                                     " AND status = 'confirmed' AND ends_at > $3"
                                     " ORDER BY starts_at, id",
                                 {customer.platform, customer.user_id, ToEpochMillis(now)}));
}

std::vector<Booking> BookingRowsBetween(SqlConnection& conn, TimePoint from, TimePoint to) {
    return BookingRows(conn.Exec(std::string("SELECT ") + kBookingColumns +
                                     " FROM bookings WHERE status = 'confirmed'"
                                     " AND starts_at >= $1 AND starts_at < $2"
                                     " ORDER BY starts_at, id",
                                 {ToEpochMillis(from), ToEpochMillis(to)}));
}

std::vector<core::OccupiedCell> OccupiedCellRows(SqlConnection& conn, TimePoint from,
                                                 TimePoint to) {
    // Answered from the index on (cell_start, resource, booking_id) alone, in
    // its order (migrations/0007).
    const SqlResult r = conn.Exec(
        "SELECT resource, cell_start, booking_id FROM booking_cells"
        " WHERE cell_start >= $1 AND cell_start < $2 ORDER BY cell_start, resource",
        {ToEpochMillis(from), ToEpochMillis(to)});
    std::vector<core::OccupiedCell> cells;
    cells.reserve(r.rows.size());
    for (const SqlRow& row : r.rows) {
        cells.push_back({static_cast<int>(row.Int(0)), FromMs(row.Int(1)), row.Int(2)});
    }
    return cells;
}

std::vector<std::int64_t> CountOccupiedCellRows(
    SqlConnection& conn, const std::vector<std::pair<TimePoint, TimePoint>>& ranges) {
    if (ranges.empty()) return {};
    // One COUNT per range, tagged with its position: one round trip.
    std::string sql;
    SqlParams params;
    if (conn.InListBuildsTable()) {
        // SQLite: a UNION ALL of one COUNT per range, each a range of the
        // cell_start index.
        params.reserve(ranges.size() * 2);
        for (std::size_t i = 0; i < ranges.size(); ++i) {
            sql += (i == 0 ? "" : " UNION ALL ") + std::string("SELECT ") + std::to_string(i) +
                   ", COUNT(*) FROM booking_cells WHERE cell_start >= $" +
                   std::to_string(2 * i + 1) + " AND cell_start < $" + std::to_string(2 * i + 2);
            params.emplace_back(ToEpochMillis(ranges[i].first));
            params.emplace_back(ToEpochMillis(ranges[i].second));
        }
    } else {
        // PostgreSQL: the ranges as two arrays, one statement text and plan
        // for any number of them. The UNION ALL built an executor node tree
        // per range on every run: in the peer bench, initialising those
        // nodes took about 13 % of PostgreSQL's CPU (README, Performance).
        sql =
            "SELECT r.i - 1, (SELECT COUNT(*) FROM booking_cells b"
            " WHERE b.cell_start >= r.lo AND b.cell_start < r.hi)"
            " FROM unnest($1::bigint[], $2::bigint[]) WITH ORDINALITY AS r(lo, hi, i)";
        std::vector<std::int64_t> starts;
        std::vector<std::int64_t> ends;
        for (const auto& [from, to] : ranges) {
            starts.push_back(ToEpochMillis(from));
            ends.push_back(ToEpochMillis(to));
        }
        params = {ArrayLiteral(starts), ArrayLiteral(ends)};
    }
    std::vector<std::int64_t> counts(ranges.size(), 0);
    for (const SqlRow& row : conn.Exec(sql, params).rows) {
        counts.at(static_cast<std::size_t>(row.Int(0))) = row.Int(1);
    }
    return counts;
}

std::vector<int> BusyResourcesAmong(SqlConnection& conn, TimePoint from, TimePoint to,
                                    const std::vector<int>& candidates) {
    if (candidates.empty()) return {};
    std::string sql;
    SqlParams params = {ToEpochMillis(from), ToEpochMillis(to)};
    params.reserve(candidates.size() + 2);
    if (conn.InListBuildsTable()) {
        // SQLite: one primary-key seek per candidate (resource = $k and a
        // range on cell_start), in one UNION ALL statement; MIN yields NULL
        // for a free one. Not "resource IN (...)": SQLite builds a temporary
        // B-tree of the list (OpenEphemeral), whose page cache costs more than
        // the seeks. EXPLAIN QUERY PLAN: "SEARCH booking_cells USING COVERING
        // INDEX sqlite_autoindex_booking_cells_1 (resource=? AND
        // cell_start>? AND cell_start<?)" per term. At most 500 terms.
        for (std::size_t i = 0; i < candidates.size(); ++i) {
            sql += (i == 0 ? "" : " UNION ALL ") +
                   std::string("SELECT MIN(resource) FROM booking_cells WHERE resource = $") +
                   std::to_string(i + 3) + " AND cell_start >= $1 AND cell_start < $2";
            params.emplace_back(std::int64_t{candidates[i]});
        }
    } else {
        // PostgreSQL: one probe of the primary key per candidate, the
        // candidates passed as one array, so the statement's text (and plan)
        // is the same for any number of them. Measured in the peer bench
        // (pg_stat_statements, 1,000 chairs, 900 booked at one time): 580 ms
        // of execution and 78 k rows, against 1,111 ms and 1.4 M rows reading
        // the range's busy chairs from the covering index, and 750 ms reading
        // the range filtered by "resource = ANY($3)". A list of seeks as one
        // UNION ALL took psql 3.5 ms to plan at 32 terms.
        sql =
            "SELECT c FROM unnest($3::int[]) AS c WHERE EXISTS (SELECT 1 FROM booking_cells b"
            " WHERE b.resource = c AND b.cell_start >= $1 AND b.cell_start < $2)";
        params.emplace_back(ArrayLiteral(candidates));
    }
    std::vector<int> busy;
    std::vector<int> wanted = candidates;
    std::sort(wanted.begin(), wanted.end());
    for (const SqlRow& row : conn.Exec(sql, params).rows) {
        if (row.IsNull(0)) continue;
        const int resource = static_cast<int>(row.Int(0));
        if (std::binary_search(wanted.begin(), wanted.end(), resource)) busy.push_back(resource);
    }
    std::sort(busy.begin(), busy.end());
    busy.erase(std::unique(busy.begin(), busy.end()), busy.end());
    return busy;
}

}  // namespace bookbot::backends
