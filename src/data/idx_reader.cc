#include "data/idx_reader.h"

#include <zlib.h>

#include <cerrno>
#include <cstring>
#include <memory>

#include "core/error.h"

namespace trit::data {
namespace {

[[noreturn]] void Malformed(const std::string& path, const std::string& problem) {
  throw Error(ErrorCode::kInvalidArgument, path + ": " + problem);
}

struct GzCloser {
  void operator()(gzFile_s* f) const { gzclose(f); }
};

// Reads exactly `size` bytes or fails naming the file.
void ReadExactly(gzFile file, void* out, size_t size, const std::string& path) {
  auto* bytes = static_cast<uint8_t*>(out);
  while (size > 0) {
    const unsigned chunk = static_cast<unsigned>(std::min<size_t>(size, 1u << 30));
    const int got = gzread(file, bytes, chunk);
    if (got <= 0) Malformed(path, "truncated: the header announces more data than the file has");
    bytes += got;
    size -= static_cast<size_t>(got);
  }
}

}  // namespace

IdxArray ReadIdx(const std::string& path) {
  std::unique_ptr<gzFile_s, GzCloser> file(gzopen(path.c_str(), "rb"));
  if (!file) throw Error(ErrorCode::kIo, path + ": cannot open: " + std::strerror(errno));
  uint8_t magic[4];
  ReadExactly(file.get(), magic, 4, path);
  if (magic[0] != 0 || magic[1] != 0) Malformed(path, "not an IDX file (bad magic)");
  if (magic[2] != 0x08) Malformed(path, "IDX element type must be unsigned byte (0x08)");
  const int rank = magic[3];
  if (rank < 1 || rank > 4) Malformed(path, "IDX rank " + std::to_string(rank) + " not in 1..4");
  IdxArray array;
  int64_t count = 1;
  for (int d = 0; d < rank; ++d) {
    uint8_t be[4];
    ReadExactly(file.get(), be, 4, path);
    const int64_t extent = (int64_t{be[0]} << 24) | (be[1] << 16) | (be[2] << 8) | be[3];
    if (extent <= 0 || extent > (int64_t{1} << 28)) Malformed(path, "bad IDX dimension");
    count *= extent;
    if (count > (int64_t{1} << 33)) Malformed(path, "IDX array too large");
    array.shape.push_back(extent);
  }
  array.data.resize(static_cast<size_t>(count));
  ReadExactly(file.get(), array.data.data(), array.data.size(), path);
  return array;
}

}  // namespace trit::data
