// Whole-table export and import (what `bookbot copy` is built on).

#include <limits>
#include <set>

#include "fixture.hpp"
#include "table_dump.hpp"

namespace bookbot::testing {
namespace {

using core::ColumnSpec;
using core::Row;
using core::TableSpec;
using core::UnitOfWork;
using core::Value;

constexpr std::int64_t kMax = std::numeric_limits<std::int64_t>::max();
constexpr std::int64_t kMin = std::numeric_limits<std::int64_t>::min();
constexpr std::int64_t kAbove2To53 = (std::int64_t{1} << 53) + 1;  // not exact as a double

TableSpec Spec(core::Store& store, const std::string& name) {
    for (const TableSpec& t : store.DataTables()) {
        if (t.name == name) return t;
    }
    throw std::logic_error("no data table " + name);
}

Row TransportRow(const std::string& name, const std::string& value, std::int64_t at) {
    return {name, value, at};
}

std::int64_t Import(core::Store& store, const std::string& table, const std::vector<Row>& rows) {
    std::int64_t inserted = 0;
    store.Write([&](UnitOfWork& u) { inserted = u.ImportRows(table, rows); });
    return inserted;
}

std::int64_t Count(core::Store& store, const std::string& table) {
    std::int64_t rows = 0;
    store.Read([&](UnitOfWork& u) { rows = u.CountRows(table); });
    return rows;
}

// A little of everything, written through the ordinary operations.
void FillThroughOperations(core::Store& store) {
    store.Write([&](UnitOfWork& u) {
        core::Session s;
        s.key = {"telegram", "1001"};
        s.chat_id = "-100123";
        s.context = {{"step", "confirm"}, {"note", "Grüße 👋 \"quoted\" \\ {json}"}};
        s.step_history = {{{"step", "menu"}}, {{"step", "day"}, {"day", "2026-03-02"}}};
        u.SaveSession(s, kT0, 30min);
        u.AppendMessage(s.key, core::Direction::kIn, "Привет, 日本語, emoji 🎉", kT0);
        u.AppendMessage(s.key, core::Direction::kOut, "line one\nline two", kT0 + 1ms);
        const auto flag = u.FlagForHuman(s.key, s.chat_id, "asked for a person", kT0);
        u.ResolveFlag(flag, kT0 + 1s);
        u.FlagForHuman({"whatsapp", "49170"}, "49170", "asked again", kT0 + 2s);
        core::Booking b;
        b.customer = s.key;
        b.chat_id = s.chat_id;
        b.service_id = "cut";
        b.starts_at = kT0 + 24h;
        b.ends_at = b.starts_at + 30min;
        u.InsertBooking(b, {b.starts_at, b.starts_at + 15min}, kT0);
        b.resource = 1;
        const auto cancelled = u.InsertBooking(b, {b.starts_at}, kT0);
        u.CancelBooking(*cancelled, kT0 + 5s);
        u.RecordInbound("telegram", "987654321", kT0);
        u.RecordInbound("whatsapp", "wamid.HBgL==", kT0);
        u.Enqueue("telegram", "-100123", "{\"text\":\"hi\"}", kT0);
        u.PutTransportState("telegram.offset", "123456789012", kT0);
    });
}

TEST_CASE("the data tables are the schema's tables, column for column", "[rows][schema]") {
    StoreFixture f;
    std::set<std::string> schema_lines;
    for (const auto& line : f.store->DescribeSchema()) schema_lines.insert(line);
    std::set<std::string> described;
    for (const TableSpec& table : f.store->DataTables()) {
        described.insert("table " + table.name);
        std::string key;
        for (std::size_t i = 0; i < table.columns.size(); ++i) {
            const ColumnSpec& c = table.columns[i];
            const std::string prefix = "column " + table.name + "." + c.name + " ";
            const std::string suffix = c.nullable ? "" : " not null";
            const bool integer = schema_lines.contains(prefix + "bigint" + suffix) ||
                                 schema_lines.contains(prefix + "integer" + suffix);
            INFO(prefix + suffix);
            CHECK(integer == (c.type == ColumnSpec::Type::kInteger));
            CHECK((integer || schema_lines.contains(prefix + "text" + suffix)));
            described.insert(prefix);
            if (i < table.key_columns) key += (i == 0 ? "" : ", ") + c.name;
        }
        CHECK(schema_lines.contains("primary key " + table.name + " (" + key + ")"));
    }
    // Nothing in the schema is left out (but the migrations' own bookkeeping).
    for (const auto& line : schema_lines) {
        if (line.find("schema_migrations") != std::string::npos) continue;
        if (line.starts_with("table ")) CHECK(described.contains(line));
        if (line.starts_with("column ")) {
            CHECK(described.contains(line.substr(0, line.find(' ', 7) + 1)));
        }
    }
}

TEST_CASE("exported rows imported into another store read back identically", "[rows]") {
    StoreFixture from;
    StoreFixture to;
    FillThroughOperations(*from.store);
    for (const TableSpec& table : from.store->DataTables()) {
        const auto rows = ExportAll(*from.store, table, 2);
        CHECK(static_cast<std::int64_t>(rows.size()) == Count(*from.store, table.name));
        CHECK(Import(*to.store, table.name, rows) == static_cast<std::int64_t>(rows.size()));
        CHECK(ExportAll(*to.store, table) == rows);
    }
    // And the ordinary operations see the same data.
    const core::SessionKey key{"telegram", "1001"};
    from.store->Read([&](UnitOfWork& a) {
        to.store->Read([&](UnitOfWork& b) {
            CHECK(a.LoadSession(key, kT0).session == b.LoadSession(key, kT0).session);
            CHECK(a.RecentMessages(key, 10) == b.RecentMessages(key, 10));
            CHECK(a.ListOpenFlags(10) == b.ListOpenFlags(10));
            CHECK(a.UpcomingBookings(key, kT0) == b.UpcomingBookings(key, kT0));
            CHECK(a.OccupiedCells(kT0, kT0 + 48h) == b.OccupiedCells(kT0, kT0 + 48h));
            CHECK(a.ListOutbox(core::OutboxStatus::kPending, 10) ==
                  b.ListOutbox(core::OutboxStatus::kPending, 10));
            CHECK(a.GetTransportState("telegram.offset") == b.GetTransportState("telegram.offset"));
        });
    });
    // The dedupe records came along: a replay is recognised on the target.
    to.store->Write(
        [&](UnitOfWork& u) { CHECK_FALSE(u.RecordInbound("whatsapp", "wamid.HBgL==", kT0)); });
}

TEST_CASE("values survive exactly: 64-bit extremes, NULL, unicode, JSON text", "[rows]") {
    StoreFixture f;
    const std::vector<Row> messages = {
        {kMin, "telegram", "u", "in", "", kMin},
        {-1, "telegram", "u", "out", "{\"a\":[1,2.50,\"é\"]}", 0},
        {kAbove2To53, "whatsapp", "+49 170", "in", "𝄞 \u00e9 e\u0301", kAbove2To53},
        {kMax, "console", "ü", "out", std::string(5000, 'x'), kMax},
    };
    CHECK(Import(*f.store, "conversation_messages", messages) == 4);
    CHECK(ExportAll(*f.store, Spec(*f.store, "conversation_messages"), 3) == messages);

    // The last four: platform message id, delivery status, error, reported at.
    const Row dead_letter = {
        std::int64_t{7}, "telegram", "1",  "{}",    "dead",  std::int64_t{9}, kMax,    Value{},
        Value{},         "boom",     kMin, Value{}, Value{}, Value{},         Value{}, Value{}};
    const Row claimed = {
        std::int64_t{8}, "whatsapp", "1", "{}", "sent",      std::int64_t{1}, std::int64_t{0},
        "worker-1",      kMax,       "",  kMin, kAbove2To53, "wamid.X",       "failed",
        "131047 window", kAbove2To53};
    CHECK(Import(*f.store, "outbox", {dead_letter, claimed}) == 2);
    CHECK(ExportAll(*f.store, Spec(*f.store, "outbox")) == std::vector<Row>{dead_letter, claimed});
}

TEST_CASE("pages cover every row once, in key order, whatever their size", "[rows]") {
    StoreFixture f;
    std::vector<Row> rows;
    for (int i = 0; i < 23; ++i) {
        rows.push_back({std::int64_t{i * 1000003} - 11000000, "p", std::to_string(i % 4), "in",
                        "m" + std::to_string(i), std::int64_t{i}});
    }
    CHECK(Import(*f.store, "conversation_messages", rows) == 23);
    std::sort(rows.begin(), rows.end());  // by id: the key order
    const TableSpec messages = Spec(*f.store, "conversation_messages");
    for (std::int64_t page : {1, 2, 7, 23, 24, 1000}) {
        INFO("page " << page);
        CHECK(ExportAll(*f.store, messages, page) == rows);
    }

    // Two-column text keys: every row once, and the same order every time.
    std::vector<Row> states;
    for (const char* name : {"b", "a", "ä", "A", "a b", "a-b", "ab", "z", "Z", "0", "😀", ""}) {
        states.push_back(TransportRow(name, "v", 1));
    }
    CHECK(Import(*f.store, "transport_state", states) == 12);
    const TableSpec transport = Spec(*f.store, "transport_state");
    const auto whole = ExportAll(*f.store, transport, 1000);
    CHECK(ExportAll(*f.store, transport, 1) == whole);
    CHECK(ExportAll(*f.store, transport, 5) == whole);
    std::sort(states.begin(), states.end());
    auto sorted = whole;
    std::sort(sorted.begin(), sorted.end());
    CHECK(sorted == states);

    std::vector<Row> updates;
    for (int i = 0; i < 9; ++i) {
        updates.push_back(
            {i % 2 ? "telegram" : "whatsapp", std::to_string(i * 7), std::int64_t{i}});
    }
    CHECK(Import(*f.store, "inbound_updates", updates) == 9);
    const TableSpec inbound = Spec(*f.store, "inbound_updates");
    CHECK(ExportAll(*f.store, inbound, 2) == ExportAll(*f.store, inbound, 100));
    CHECK(ExportAll(*f.store, inbound, 2).size() == 9);
}

TEST_CASE("importing rows again inserts nothing and keeps what is stored", "[rows]") {
    StoreFixture f;
    std::vector<Row> first, second;
    for (int i = 0; i < 8; ++i) {
        (i < 5 ? first : second).push_back(TransportRow("k" + std::to_string(i), "old", i));
    }
    CHECK(Import(*f.store, "transport_state", first) == 5);
    // Overlapping keys with other values: only the new keys go in.
    std::vector<Row> overlap = second;
    for (int i = 2; i < 5; ++i) overlap.push_back(TransportRow("k" + std::to_string(i), "new", 99));
    CHECK(Import(*f.store, "transport_state", overlap) == 3);
    CHECK(Import(*f.store, "transport_state", overlap) == 0);
    CHECK(Count(*f.store, "transport_state") == 8);
    f.store->Read([&](UnitOfWork& u) { CHECK(u.GetTransportState("k3") == "old"); });
}

TEST_CASE("an import is part of its unit: a failed unit leaves nothing", "[rows]") {
    StoreFixture f;
    CHECK_THROWS_AS(f.store->Write([&](UnitOfWork& u) {
        u.ImportRows("transport_state", {TransportRow("a", "1", 1), TransportRow("b", "2", 2)});
        throw std::runtime_error("interrupted");
    }),
                    std::runtime_error);
    CHECK(Count(*f.store, "transport_state") == 0);
}

TEST_CASE("unknown tables, bad rows and bad pages are refused", "[rows][errors]") {
    StoreFixture f;
    auto write = [&](auto&& work) { f.store->Write(work); };
    REQUIRE_STORAGE_ERROR(write([](UnitOfWork& u) { u.CountRows("schema_migrations"); }), kInvalid);
    REQUIRE_STORAGE_ERROR(write([](UnitOfWork& u) { u.CountRows("outbox; DROP TABLE outbox"); }),
                          kInvalid);
    REQUIRE_STORAGE_ERROR(write([](UnitOfWork& u) { u.ExportRows("nope", std::nullopt, 10); }),
                          kInvalid);
    REQUIRE_STORAGE_ERROR(write([](UnitOfWork& u) { u.ImportRows("nope", {}); }), kInvalid);
    REQUIRE_STORAGE_ERROR(
        write([](UnitOfWork& u) { u.ExportRows("transport_state", std::nullopt, 0); }), kInvalid);
    REQUIRE_STORAGE_ERROR(
        write([](UnitOfWork& u) {
            u.ExportRows("transport_state", Row{"a", "b"}, 10);  // key is 1 column
        }),
        kInvalid);
    REQUIRE_STORAGE_ERROR(write([](UnitOfWork& u) {
                              u.ImportRows("transport_state", {Row{"a", "b"}});  // too short
                          }),
                          kInvalid);
    REQUIRE_STORAGE_ERROR(write([](UnitOfWork& u) {
                              u.ImportRows("transport_state", {Row{"a", "b", "not a number"}});
                          }),
                          kInvalid);
    REQUIRE_STORAGE_ERROR(
        write([](UnitOfWork& u) {
            u.ImportRows("transport_state", {Row{std::int64_t{1}, "b", std::int64_t{2}}});
        }),
        kInvalid);
    REQUIRE_STORAGE_ERROR(write([](UnitOfWork& u) {
                              u.ImportRows("transport_state", {Row{"a", Value{}, std::int64_t{1}}});
                          }),
                          kInvalid);
    CHECK(Count(*f.store, "transport_state") == 0);
}

}  // namespace
}  // namespace bookbot::testing
