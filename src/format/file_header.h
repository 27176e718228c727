// The fixed 64-byte header at the start of every .trit file (little-endian).
#pragma once

#include <cstdint>

namespace trit::format {

// Version 2 added the sparse and entropy-coded encodings; version 3 the fused activation of Add
// and BatchNorm (an older reader would ignore it and compute without the clamp). Older files
// read unchanged.
inline constexpr uint32_t kFormatVersion = 3;
inline constexpr uint32_t kOldestFormatVersion = 1;

inline constexpr char kMagic[8] = {'T', 'R', 'I', 'T', 'M', 'O', 'D', 'L'};
inline constexpr uint64_t kHeaderBytes = 64;
inline constexpr uint64_t kDataAlignment = 64;

struct FileHeader {
  char magic[8];
  uint32_t format_version;
  uint32_t header_bytes;       // 64
  uint64_t flatbuffer_offset;  // 64
  uint64_t flatbuffer_size;
  uint64_t data_offset;  // multiple of 64
  uint64_t data_size;
  uint64_t file_size;
  uint32_t crc32;  // of bytes [0, 56) followed by [60, file_size): all but this field
  uint32_t reserved;
};
static_assert(sizeof(FileHeader) == kHeaderBytes, "the header is 64 bytes");
inline constexpr uint64_t kCrcFieldOffset = 56;

}  // namespace trit::format
