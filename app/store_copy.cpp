#include "store_copy.hpp"

#include <openssl/evp.h>

#include <array>
#include <optional>

namespace bookbot::app {
namespace {

using core::Row;
using core::StorageError;
using core::TableSpec;
using core::Value;

using Digest = std::array<unsigned char, 32>;

// Every page of `table`, `batch` rows per read unit, in the store's key order.
template <typename F>
void ForEachPage(core::Store& store, const TableSpec& table, std::int64_t batch, F on_page) {
    std::optional<Row> after;
    for (;;) {
        std::vector<Row> page;
        store.Read(
            [&](core::UnitOfWork& unit) { page = unit.ExportRows(table.name, after, batch); });
        if (page.empty()) return;
        after = table.KeyOf(page.back());
        const bool last = static_cast<std::int64_t>(page.size()) < batch;
        on_page(page);
        if (last) return;
    }
}

void AppendInt(std::string& out, std::uint64_t value) {
    for (int shift = 56; shift >= 0; shift -= 8) {
        out.push_back(static_cast<char>((value >> shift) & 0xff));
    }
}

// An unambiguous encoding of the typed values: a tag per value, integers as
// 8 bytes, text with its length first.
std::string Encode(const Row& row) {
    std::string out;
    for (const Value& value : row) {
        if (const auto* i = std::get_if<std::int64_t>(&value)) {
            out.push_back('I');
            AppendInt(out, static_cast<std::uint64_t>(*i));
        } else if (const auto* s = std::get_if<std::string>(&value)) {
            out.push_back('T');
            AppendInt(out, s->size());
            out += *s;
        } else {
            out.push_back('N');
        }
    }
    return out;
}

Digest Sha256(const std::string& bytes) {
    Digest digest{};
    unsigned int size = 0;
    if (EVP_Digest(bytes.data(), bytes.size(), digest.data(), &size, EVP_sha256(), nullptr) != 1) {
        throw StorageError(StorageError::Kind::kInternal, "SHA-256 failed");
    }
    return digest;
}

// sum += add, both big-endian 256-bit numbers, modulo 2^256.
void AddTo(Digest& sum, const Digest& add) {
    unsigned carry = 0;
    for (std::size_t i = sum.size(); i-- > 0;) {
        const unsigned total = sum[i] + add[i] + carry;
        sum[i] = static_cast<unsigned char>(total & 0xff);
        carry = total >> 8;
    }
}

std::string Hex(const Digest& digest) {
    static constexpr char kDigits[] = "0123456789abcdef";
    std::string hex;
    for (unsigned char byte : digest) {
        hex.push_back(kDigits[byte >> 4]);
        hex.push_back(kDigits[byte & 0xf]);
    }
    return hex;
}

std::int64_t Count(core::Store& store, const std::string& table) {
    std::int64_t rows = 0;
    store.Read([&](core::UnitOfWork& unit) { rows = unit.CountRows(table); });
    return rows;
}

}  // namespace

std::vector<TableCopyStats> CopyTables(core::Store& source, core::Store& target,
                                       const CopyOptions& options, CopyObserver& observer) {
    if (options.batch < 1) {
        throw StorageError(StorageError::Kind::kInvalid, "the batch size must be at least 1");
    }
    if (source.DataTables() != target.DataTables()) {
        throw StorageError(StorageError::Kind::kSchema,
                           "the source and target stores describe different tables");
    }
    std::vector<TableCopyStats> stats;
    for (const TableSpec& table : source.DataTables()) {
        TableCopyStats& s = stats.emplace_back();
        s.table = table.name;
        const std::int64_t source_rows = Count(source, table.name);
        observer.TableStarted(table, source_rows);
        if (options.skip_complete && Count(target, table.name) == source_rows) {
            s.skipped = true;
            observer.TableDone(table, true);
            continue;
        }
        ForEachPage(source, table, options.batch, [&](const std::vector<Row>& page) {
            std::int64_t inserted = 0;
            target.Write(
                [&](core::UnitOfWork& unit) { inserted = unit.ImportRows(table.name, page); });
            s.read += static_cast<std::int64_t>(page.size());
            s.inserted += inserted;
            observer.BatchCommitted(table, static_cast<std::int64_t>(page.size()), inserted);
        });
        observer.TableDone(table, false);
    }
    return stats;
}

TableDigest DigestTable(core::Store& store, const TableSpec& table, std::int64_t batch) {
    TableDigest result;
    Digest sum{};
    ForEachPage(store, table, batch, [&](const std::vector<Row>& page) {
        for (const Row& row : page) AddTo(sum, Sha256(Encode(row)));
        result.rows += static_cast<std::int64_t>(page.size());
    });
    result.sha256 = Hex(sum);
    return result;
}

std::vector<TableCheck> VerifyTables(core::Store& source, core::Store& target, std::int64_t batch) {
    std::vector<TableCheck> checks;
    for (const TableSpec& table : source.DataTables()) {
        checks.push_back(
            {table.name, DigestTable(source, table, batch), DigestTable(target, table, batch)});
    }
    return checks;
}

}  // namespace bookbot::app
