# Writes OUTPUT: a C++ file holding every migrations/NNNN_name.sql as a string,
# in version order. Run as: cmake -DSOURCE_DIR=… -DOUTPUT=… -P EmbedMigrations.cmake
file(GLOB files RELATIVE "${SOURCE_DIR}" "${SOURCE_DIR}/*.sql")
list(SORT files)
set(entries "")
set(previous 0)
foreach(file IN LISTS files)
    if(NOT file MATCHES "^([0-9][0-9][0-9][0-9])_([a-z0-9_]+)\\.sql$")
        message(FATAL_ERROR "migrations/${file}: name must be NNNN_lowercase_name.sql")
    endif()
    math(EXPR version "${CMAKE_MATCH_1}")
    set(name "${CMAKE_MATCH_2}")
    math(EXPR expected "${previous} + 1")
    if(NOT version EQUAL expected)
        message(FATAL_ERROR "migrations/${file}: expected version ${expected}; versions must be consecutive")
    endif()
    set(previous ${version})
    file(READ "${SOURCE_DIR}/${file}" sql)
    if(sql MATCHES "\\)bookbot_sql\"")
        message(FATAL_ERROR "migrations/${file} contains the embedding delimiter")
    endif()
    string(APPEND entries "    {${version}, \"${name}\", R\"bookbot_sql(${sql})bookbot_sql\"},\n")
endforeach()
set(content "// Generated from migrations/*.sql by cmake/EmbedMigrations.cmake. Do not edit.
#include \"embedded_migrations.hpp\"

namespace bookbot::backends {
namespace {
const EmbeddedMigration kMigrations[] = {
${entries}};
}  // namespace

std::span<const EmbeddedMigration> EmbeddedMigrations() { return kMigrations; }

}  // namespace bookbot::backends
")
# Rewrite only on change, so an unchanged schema does not rebuild anything.
if(EXISTS "${OUTPUT}")
    file(READ "${OUTPUT}" old)
endif()
if(NOT "${old}" STREQUAL "${content}")
    file(WRITE "${OUTPUT}" "${content}")
endif()
