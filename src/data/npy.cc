#include "data/npy.h"

#include <cstdio>
#include <cstring>
#include <fstream>
#include <iterator>
#include <regex>

#include "core/atomic_file.h"
#include "core/error.h"

namespace trit::data {
namespace {

[[noreturn]] void Malformed(const std::string& path, const std::string& problem) {
  throw Error(ErrorCode::kInvalidArgument, path + ": " + problem);
}

const char* Descr(DType type) {
  switch (type) {
    case DType::kF32:
      return "<f4";
    case DType::kI32:
      return "<i4";
    case DType::kI8:
      return "|i1";
    case DType::kU8:
      return "|u1";
    default:
      return nullptr;
  }
}

}  // namespace

NpyArray ReadNpy(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw Error(ErrorCode::kIo, path + ": cannot open: " + std::strerror(errno));
  const std::vector<uint8_t> file((std::istreambuf_iterator<char>(in)),
                                  std::istreambuf_iterator<char>());
  if (file.size() < 10 || std::memcmp(file.data(), "\x93NUMPY", 6) != 0) {
    Malformed(path, "not a .npy file");
  }
  const int major = file[6];
  size_t header_len = 0, offset = 0;
  if (major == 1) {
    header_len = file[8] | (size_t{file[9]} << 8);
    offset = 10;
  } else if (major == 2 || major == 3) {
    if (file.size() < 12) Malformed(path, "truncated header");
    header_len =
        file[8] | (size_t{file[9]} << 8) | (size_t{file[10]} << 16) | (size_t{file[11]} << 24);
    offset = 12;
  } else {
    Malformed(path, "unsupported .npy version " + std::to_string(major));
  }
  if (header_len > file.size() - offset) Malformed(path, "truncated header");
  const std::string header(reinterpret_cast<const char*>(file.data() + offset), header_len);
  std::smatch m;
  if (!std::regex_search(header, m, std::regex(R"('descr'\s*:\s*'([^']*)')"))) {
    Malformed(path, "header has no 'descr'");
  }
  const std::string descr = m[1];
  NpyArray array;
  if (descr == "<f4") {
    array.dtype = DType::kF32;
  } else if (descr == "<i4") {
    array.dtype = DType::kI32;
  } else if (descr == "|i1" || descr == "<i1") {
    array.dtype = DType::kI8;
  } else if (descr == "|u1" || descr == "<u1") {
    array.dtype = DType::kU8;
  } else {
    Malformed(path, "unsupported dtype '" + descr + "' (f32, i32, i8 and u8 little-endian are)");
  }
  if (std::regex_search(header, std::regex(R"('fortran_order'\s*:\s*True)"))) {
    Malformed(path, "Fortran order is not supported; save with C order");
  }
  if (!std::regex_search(header, m, std::regex(R"('shape'\s*:\s*\(([^)]*)\))"))) {
    Malformed(path, "header has no 'shape'");
  }
  const std::string dims = m[1];
  const std::regex number(R"(\d+)");
  for (auto it = std::sregex_iterator(dims.begin(), dims.end(), number);
       it != std::sregex_iterator(); ++it) {
    const std::string digits = it->str();
    if (digits.size() > 12) Malformed(path, "shape extent too large");
    array.shape.push_back(std::stoll(digits));
  }
  const size_t expected = StorageBytes(array.dtype, NumElements(array.shape));
  const size_t data_offset = offset + header_len;
  if (file.size() - data_offset != expected) {
    Malformed(path, "holds " + std::to_string(file.size() - data_offset) + " data bytes, shape " +
                        ShapeToString(array.shape) + " needs " + std::to_string(expected));
  }
  array.bytes.assign(file.begin() + static_cast<std::ptrdiff_t>(data_offset), file.end());
  return array;
}

void WriteNpy(const std::string& path, const NpyArray& array) {
  const char* descr = Descr(array.dtype);
  if (!descr) throw Error(ErrorCode::kInvalidArgument, path + ": cannot write this type as .npy");
  std::string shape;
  for (const int64_t d : array.shape) shape += std::to_string(d) + ", ";
  if (array.shape.size() > 1) shape.resize(shape.size() - 1);  // "(3,)" keeps its comma
  std::string header =
      std::string("{'descr': '") + descr + "', 'fortran_order': False, 'shape': (" + shape + "), }";
  // Pad so that the data starts on a 64-byte boundary, header ending in '\n'.
  const size_t unpadded = 10 + header.size() + 1;
  header.append((64 - unpadded % 64) % 64, ' ');
  header += '\n';
  std::string bytes = "\x93NUMPY";
  bytes += '\x01';
  bytes += '\x00';
  bytes += static_cast<char>(header.size() & 0xFF);
  bytes += static_cast<char>(header.size() >> 8);
  bytes += header;
  bytes.append(reinterpret_cast<const char*>(array.bytes.data()), array.bytes.size());

  WriteFileAtomically(path, bytes.data(), bytes.size());
}

}  // namespace trit::data
