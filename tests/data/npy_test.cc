#include "data/npy.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "core/error.h"

namespace trit::data {
namespace {

std::string Temp(const std::string& name) {
  return (std::filesystem::temp_directory_path() / ("trit_npy_" + name)).string();
}

TEST(Npy, RoundTripEveryType) {
  for (DType type : {DType::kF32, DType::kI32, DType::kI8, DType::kU8}) {
    for (const Shape& shape : {Shape{3}, Shape{2, 3, 4}, Shape{1, 28, 28, 1}}) {
      NpyArray a;
      a.dtype = type;
      a.shape = shape;
      a.bytes.resize(StorageBytes(type, NumElements(shape)));
      for (size_t i = 0; i < a.bytes.size(); ++i) a.bytes[i] = static_cast<uint8_t>(i * 7);
      const std::string path = Temp("round_trip.npy");
      WriteNpy(path, a);
      const NpyArray b = ReadNpy(path);
      EXPECT_EQ(b.dtype, a.dtype);
      EXPECT_EQ(b.shape, a.shape);
      EXPECT_EQ(b.bytes, a.bytes);
    }
  }
}

void ExpectRejected(const std::string& contents, const std::string& fragment) {
  const std::string path = Temp("bad.npy");
  std::ofstream(path, std::ios::binary) << contents;
  try {
    ReadNpy(path);
    FAIL() << "accepted: " << fragment;
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find(fragment), std::string::npos) << e.what();
  }
}

std::string Header(const std::string& dict) {
  std::string header = dict;
  header.append(63 - (10 + header.size()) % 64, ' ');
  header += '\n';
  std::string out = "\x93NUMPY\x01";
  out += '\0';
  out += static_cast<char>(header.size());
  out += '\0';
  return out + header;
}

TEST(Npy, MalformedFilesAreNamed) {
  ExpectRejected("hello", "not a .npy file");
  ExpectRejected(Header("{'descr': '>f4', 'fortran_order': False, 'shape': (2,), }") + "12345678",
                 "unsupported dtype");
  ExpectRejected(Header("{'descr': '<f4', 'fortran_order': True, 'shape': (2,), }") + "12345678",
                 "Fortran");
  ExpectRejected(Header("{'descr': '<f4', 'fortran_order': False, 'shape': (3,), }") + "12345678",
                 "needs 12");
  EXPECT_THROW(ReadNpy("/nonexistent.npy"), Error);
}

}  // namespace
}  // namespace trit::data
