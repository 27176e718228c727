# Cross build for 64-bit ARM Linux with Debian's g++-aarch64-linux-gnu. Libraries for the target
# (zlib, GoogleTest) come from Debian's arm64 multiarch packages (scripts/install-deps.sh --arm).
# Test binaries run under qemu-user: CTest starts each through scripts/qemu-aarch64.sh, which
# takes the emulated CPU from QEMU_CPU (cortex-a53, cortex-a76 or max).
set(CMAKE_SYSTEM_NAME Linux)
set(CMAKE_SYSTEM_PROCESSOR aarch64)
set(CMAKE_C_COMPILER aarch64-linux-gnu-gcc)
set(CMAKE_CXX_COMPILER aarch64-linux-gnu-g++)
set(CMAKE_LIBRARY_ARCHITECTURE aarch64-linux-gnu)
set(CMAKE_FIND_ROOT_PATH /usr/aarch64-linux-gnu)
set(CMAKE_FIND_ROOT_PATH_MODE_PROGRAM NEVER)
set(CMAKE_FIND_ROOT_PATH_MODE_LIBRARY BOTH)
set(CMAKE_FIND_ROOT_PATH_MODE_INCLUDE BOTH)
set(CMAKE_FIND_ROOT_PATH_MODE_PACKAGE BOTH)
get_filename_component(_trit_source_dir "${CMAKE_CURRENT_LIST_DIR}/../.." ABSOLUTE)
set(CMAKE_CROSSCOMPILING_EMULATOR "${_trit_source_dir}/scripts/qemu-aarch64.sh")
# FlatBuffers is header-only in trit; its package is found on the host, whose flatc generates
# the schema header (host program, target-independent output).
set(FlatBuffers_DIR /usr/lib/x86_64-linux-gnu/cmake/flatbuffers)
# Programs link statically: they then run under qemu-user without the target's loader and
# libraries (with Debian 12's qemu 7.2, dynamically linked programs hang when they start a thread).
set(CMAKE_EXE_LINKER_FLAGS_INIT "-static")
set(ZLIB_USE_STATIC_LIBS ON)
