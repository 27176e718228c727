// CRC-32 (IEEE 802.3, reflected, as zlib computes it) over the file, to detect corruption.
#pragma once

#include <cstddef>
#include <cstdint>

namespace trit::format {

// Continues a running CRC: Crc32(Crc32(0, a), b) == Crc32 of a followed by b.
uint32_t Crc32(uint32_t crc, const void* data, size_t size);

}  // namespace trit::format
