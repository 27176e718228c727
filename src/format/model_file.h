// Reading and writing .trit model files (docs/format.md).
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "core/graph.h"
#include "format/file_header.h"
#include "format/mapped_file.h"

namespace trit::format {

// How a constant tensor's bytes are stored in the file. In memory every constant holds the
// plain form (dense bytes, or bit-packed levels for the low-bit types).
enum class Encoding : uint8_t {
  kNone = 0,          // not a constant
  kDense = 1,         // f32 / i32 / i8 / u8 bytes as they are
  kBitPacked = 2,     // int4 / int2 / ternary / binary levels, see core/bitpack.h
  kSparseBitmap = 3,  // one bit per element (non-zero?), then the non-zero elements
  kSparseDelta = 4,   // gaps between non-zero elements, then the non-zero elements
  kEntropy = 5,       // rANS over the element codes with a stored frequency table
};
const char* EncodingName(Encoding encoding);

struct TensorStorage {
  Encoding encoding = Encoding::kNone;
  uint64_t stored_bytes = 0;  // bytes the tensor takes in the file's data section
};

struct ModelFile {
  Graph graph;  // validated; shapes checked against inference
  uint32_t format_version = 0;
  std::string producer;  // e.g. "trit 0.1.0 zoo resnet44"
  uint64_t file_bytes = 0;
  std::vector<TensorStorage> storage;         // one per graph value, same index as graph.values()
  std::shared_ptr<const MappedFile> mapping;  // ReadModelFile's; null for bytes in memory
};

struct WriteOptions {
  std::string producer = "trit";
  // Every constant in its plain form (dense or bit-packed), as a microcontroller reads weights in
  // place from flash (trit deploy); otherwise each takes its smallest encoding.
  bool plain_encodings = false;
};

// Maps the file and verifies it (header, checksum, FlatBuffers verifier, semantic checks,
// Graph::Validate, shapes re-inferred and compared) before anything uses it. Constants stored
// plain are views into the mapping; the others are checked, and decoded when first read. The pages
// the checks read are dropped from the resident set before it returns. Throws trit::Error (kIo,
// kFormat) with a one-line message.
ModelFile ReadModelFile(const std::string& path);

// The same from bytes in memory; `keep_alive` keeps them valid for the constants, which are
// views of them (plain) or decoded from them when first read (entropy-coded, sparse).
ModelFile ReadModelBytes(const uint8_t* data, size_t size, std::shared_ptr<const void> keep_alive);
// The same, naming `source` (e.g. the path) in error messages.
ModelFile ReadModelBytes(const uint8_t* data, size_t size, std::shared_ptr<const void> keep_alive,
                         const std::string& source);

// The file image of a validated graph.
std::vector<uint8_t> SerializeModel(const Graph& graph, const WriteOptions& options = {});

// Writes atomically: temp file in the same folder, fsync, rename. On any failure the
// destination is untouched and no temp file is left. Throws trit::Error (kIo).
void WriteModelFile(const Graph& graph, const std::string& path, const WriteOptions& options = {});

}  // namespace trit::format
