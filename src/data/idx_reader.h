// IDX files (MNIST, Fashion-MNIST), plain or gzip-compressed.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "core/shape.h"

namespace trit::data {

struct IdxArray {
  Shape shape;                // e.g. [N, 28, 28] for images, [N] for labels
  std::vector<uint8_t> data;  // unsigned bytes (type code 0x08)
};

// Reads an IDX file of unsigned bytes; gzip is detected from the content, not the name.
IdxArray ReadIdx(const std::string& path);

}  // namespace trit::data
