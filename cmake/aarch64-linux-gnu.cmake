# Cross-compiling for arm64 (Raspberry Pi OS 64-bit / Debian 12 arm64) on an
# amd64 Debian 12 host, with crossbuild-essential-arm64 and a sysroot of
# unpacked Debian arm64 packages (scripts/lib/arm64_sysroot.sh):
#   cmake -DCMAKE_TOOLCHAIN_FILE=cmake/aarch64-linux-gnu.cmake -DBOOKBOT_SYSROOT=DIR …
# Programs built here (tests, the man page generator) run under qemu.
set(CMAKE_SYSTEM_NAME Linux)
set(CMAKE_SYSTEM_PROCESSOR aarch64)
set(CMAKE_LIBRARY_ARCHITECTURE aarch64-linux-gnu)

set(BOOKBOT_SYSROOT "" CACHE PATH "Sysroot of unpacked Debian arm64 packages")
if(NOT BOOKBOT_SYSROOT AND DEFINED ENV{BOOKBOT_SYSROOT})
    set(BOOKBOT_SYSROOT "$ENV{BOOKBOT_SYSROOT}")
endif()
if(NOT IS_DIRECTORY "${BOOKBOT_SYSROOT}/usr/lib/aarch64-linux-gnu")
    message(FATAL_ERROR "BOOKBOT_SYSROOT='${BOOKBOT_SYSROOT}' is not an arm64 sysroot "
        "(make one with scripts/lib/arm64_sysroot.sh DIR)")
endif()
# try_compile projects see the cache variable only through this list.
list(APPEND CMAKE_TRY_COMPILE_PLATFORM_VARIABLES BOOKBOT_SYSROOT)

set(CMAKE_C_COMPILER aarch64-linux-gnu-gcc)
set(CMAKE_CXX_COMPILER aarch64-linux-gnu-g++)
set(CMAKE_SYSROOT "${BOOKBOT_SYSROOT}")
set(CMAKE_CROSSCOMPILING_EMULATOR qemu-aarch64-static -L "${BOOKBOT_SYSROOT}")

# Headers and libraries from the sysroot only; programs from the host.
set(CMAKE_FIND_ROOT_PATH "${BOOKBOT_SYSROOT}")
set(CMAKE_FIND_ROOT_PATH_MODE_PROGRAM NEVER)
set(CMAKE_FIND_ROOT_PATH_MODE_LIBRARY ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_INCLUDE ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_PACKAGE ONLY)

# pkg-config (libpqxx ships only a .pc file) must read the sysroot's files.
set(ENV{PKG_CONFIG_DIR} "")
set(ENV{PKG_CONFIG_LIBDIR}
    "${BOOKBOT_SYSROOT}/usr/lib/aarch64-linux-gnu/pkgconfig:${BOOKBOT_SYSROOT}/usr/share/pkgconfig")
set(ENV{PKG_CONFIG_SYSROOT_DIR} "${BOOKBOT_SYSROOT}")
