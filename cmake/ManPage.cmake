# Writes bookbot(1) from the program's own --help output, so the manual
# cannot drift from the options. Run by the build (app/CMakeLists.txt):
#   cmake -DBOOKBOT=path/to/bookbot [-DEMULATOR="qemu-aarch64-static|-L|dir"]
#         -DVERSION=x.y.z -DOUT=bookbot.1 -P ManPage.cmake
# Every subcommand listed under "SUBCOMMANDS:" gets a section with its help,
# recursively. Fails if the program cannot print its help.
cmake_minimum_required(VERSION 3.25)

string(REPLACE "|" ";" emulator "${EMULATOR}")

function(bookbot_help out_var)
    execute_process(COMMAND ${emulator} "${BOOKBOT}" ${ARGN} --help
        OUTPUT_VARIABLE text ERROR_VARIABLE error RESULT_VARIABLE status)
    if(NOT status EQUAL 0)
        message(FATAL_ERROR "bookbot ${ARGN} --help failed (${status}): ${error}")
    endif()
    # "Usage: <path of the build>/bookbot ..." reads "Usage: bookbot ...".
    string(REPLACE "${BOOKBOT}" "bookbot" text "${text}")
    set(${out_var} "${text}" PARENT_SCOPE)
endfunction()

# The names listed in a help text's "SUBCOMMANDS:" section (CLI11 format:
# two spaces, the name, spaces, the description).
function(bookbot_subcommands help out_var)
    string(REPLACE ";" "\\;" help "${help}")
    string(REPLACE "\n" ";" lines "${help}")
    set(names "")
    set(in_section FALSE)
    foreach(line IN LISTS lines)
        if(line MATCHES "^[Ss][Uu][Bb][Cc][Oo][Mm][Mm][Aa][Nn][Dd][Ss]:")
            set(in_section TRUE)
        elseif(in_section AND line MATCHES "^  ([a-z][a-z0-9-]*)( |$)")
            list(APPEND names "${CMAKE_MATCH_1}")
        elseif(in_section AND NOT line MATCHES "^ ")
            set(in_section FALSE)
        endif()
    endforeach()
    set(${out_var} "${names}" PARENT_SCOPE)
endfunction()

# Help text as roff, kept as printed (no filling): backslashes escaped, lines
# that would read as requests protected.
function(bookbot_roff text out_var)
    string(REPLACE "\\" "\\e" text "${text}")
    string(REGEX REPLACE "(^|\n)([.'])" "\\1\\\\&\\2" text "${text}")
    string(REGEX REPLACE "-" "\\\\-" text "${text}")
    set(${out_var} ".nf\n${text}\n.fi\n" PARENT_SCOPE)
endfunction()

function(bookbot_section out_var)
    bookbot_help(help ${ARGN})
    bookbot_roff("${help}" body)
    string(JOIN " " title bookbot ${ARGN})
    set(page ".SS \"${title}\"\n${body}")
    bookbot_subcommands("${help}" children)
    foreach(child IN LISTS children)
        bookbot_section(child_page ${ARGN} ${child})
        string(APPEND page "${child_page}")
    endforeach()
    set(${out_var} "${page}" PARENT_SCOPE)
endfunction()

bookbot_help(top)
bookbot_subcommands("${top}" commands)
if(NOT commands)
    message(FATAL_ERROR "bookbot --help lists no subcommands:\n${top}")
endif()
bookbot_roff("${top}" top_roff)

set(page ".\\\" Generated from `bookbot --help` by cmake/ManPage.cmake; do not edit.
.TH BOOKBOT 1 \"\" \"bookbot ${VERSION}\" \"User Commands\"
.SH NAME
bookbot \\- self-hosted appointment-booking chat bot for Telegram and WhatsApp
.SH SYNOPSIS
.B bookbot
[\\fIOPTIONS\\fR] \\fICOMMAND\\fR [\\fICOMMAND OPTIONS\\fR]
.SH DESCRIPTION
${top_roff}.PP
Usage errors exit with status 2, runtime errors with status 1.
Options that name an environment variable (Env:) may be set there instead.
.SH COMMANDS
")
foreach(command IN LISTS commands)
    bookbot_section(section ${command})
    string(APPEND page "${section}")
endforeach()
string(APPEND page ".SH FILES
.TP
.I /etc/bookbot/bookbot.toml
The business: services, opening hours, time zone, texts (the Debian package's
service reads it with \\fB\\-\\-config\\fR).
.TP
.I /etc/bookbot/bookbot.env
Environment of the service: the database URL and the platform tokens.
.TP
.I /var/lib/bookbot/bookbot.db
The SQLite database of the Debian package's service.
.SH SEE ALSO
.BR systemctl (1),
.BR journalctl (1),
.I /usr/share/doc/bookbot/README.Debian
")
file(WRITE "${OUT}" "${page}")
