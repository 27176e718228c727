#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <vector>

#include "format/model_file.h"
#include "trit/trit.hpp"
#include "zoo/zoo.h"

namespace {

std::string WriteLeNet() {
  const std::string path =
      (std::filesystem::temp_directory_path() / "trit_c_api_lenet.trit").string();
  trit::format::WriteModelFile(trit::zoo::BuildLeNet5(2), path);
  return path;
}

TEST(CApi, LoadRunAndReadOutputs) {
  const std::string path = WriteLeNet();
  trit_session* session = nullptr;
  ASSERT_EQ(trit_session_create_from_file(path.c_str(), &session), TRIT_OK) << trit_last_error();
  ASSERT_EQ(trit_session_input_count(session), 1u);
  trit_tensor_info in;
  ASSERT_EQ(trit_session_input_info(session, 0, &in), TRIT_OK);
  EXPECT_EQ(in.dtype, TRIT_F32);
  EXPECT_EQ(in.rank, 4);
  EXPECT_EQ(in.dims[1], 28);
  EXPECT_EQ(in.bytes, 28u * 28u * 4u);
  std::vector<float> x(28 * 28, 0.5f);
  ASSERT_EQ(trit_session_set_input(session, 0, x.data(), x.size() * 4), TRIT_OK);
  ASSERT_EQ(trit_session_run(session), TRIT_OK);
  std::vector<float> y(10);
  ASSERT_EQ(trit_session_get_output(session, 0, y.data(), y.size() * 4), TRIT_OK);
  EXPECT_GT(trit_session_arena_bytes(session), 0u);
  trit_session_destroy(session);
}

TEST(CApi, WrongSizesAndIndicesAreErrorsNotCrashes) {
  const std::string path = WriteLeNet();
  trit_session* session = nullptr;
  ASSERT_EQ(trit_session_create_from_file(path.c_str(), &session), TRIT_OK);
  std::vector<float> x(10);
  EXPECT_EQ(trit_session_set_input(session, 0, x.data(), x.size() * 4), TRIT_ERROR_SHAPE);
  EXPECT_NE(std::string(trit_last_error()).find("takes 3136 bytes"), std::string::npos)
      << trit_last_error();
  EXPECT_EQ(trit_session_set_input(session, 3, x.data(), 4), TRIT_ERROR_INVALID_ARGUMENT);
  trit_tensor_info info;
  EXPECT_EQ(trit_session_output_info(session, 7, &info), TRIT_ERROR_INVALID_ARGUMENT);
  EXPECT_EQ(trit_session_get_output(session, 0, x.data(), 4), TRIT_ERROR_SHAPE);
  trit_session_destroy(session);
  EXPECT_EQ(trit_session_create_from_file("/nonexistent.trit", &session), TRIT_ERROR_IO);
  EXPECT_EQ(session, nullptr);
  EXPECT_EQ(trit_session_create_from_file(nullptr, &session), TRIT_ERROR_INVALID_ARGUMENT);
}

TEST(CApi, FromMemoryAndCorruptedBytes) {
  const std::string path = WriteLeNet();
  std::ifstream in(path, std::ios::binary);
  std::vector<char> bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  trit_session* session = nullptr;
  ASSERT_EQ(trit_session_create_from_memory(bytes.data(), bytes.size(), &session), TRIT_OK);
  EXPECT_EQ(trit_session_run(session), TRIT_OK);
  trit_session_destroy(session);
  bytes[bytes.size() / 2] ^= 0x5A;
  EXPECT_EQ(trit_session_create_from_memory(bytes.data(), bytes.size(), &session),
            TRIT_ERROR_FORMAT);
  EXPECT_NE(std::string(trit_last_error()).find("checksum"), std::string::npos);
}

TEST(CppWrapper, RaiiAndExceptions) {
  const std::string path = WriteLeNet();
  trit::Model model(path);
  model.SetInput(0, std::vector<float>(28 * 28, 0.1f));
  model.Run();
  EXPECT_EQ(model.Output<float>(0).size(), 10u);
  try {
    model.SetInput(0, std::vector<float>(3));
    FAIL();
  } catch (const trit::Exception& e) {
    EXPECT_EQ(e.status(), TRIT_ERROR_SHAPE);
  }
  EXPECT_THROW(trit::Model("/nonexistent.trit"), trit::Exception);
}

}  // namespace
