// Same bits everywhere: the quantized zoo models that the host wrote (write_fixtures.cc) give
// the same output bytes here, at every optimized ISA level this CPU runs (the reference level
// is compared with them by the kernel and level tests on each side). Built for every architecture:
// on x86 it compares the host's own levels; the AArch64 suite runs it under qemu-user at each CPU
// model (CMakePresets.json). TRIT_CROSS_ISA_FIXTURES names the host's fixture directory.
#include <gtest/gtest.h>

#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <sstream>
#include <string>
#include <vector>

#include "kernels/isa.h"
#include "runtime/session.h"

namespace trit::runtime {
namespace {

namespace fs = std::filesystem;

std::vector<char> ReadBytes(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  return std::vector<char>(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

class ForcedIsa {
 public:
  explicit ForcedIsa(Isa isa) { setenv("TRIT_ISA", std::string(IsaName(isa)).c_str(), 1); }
  ~ForcedIsa() { unsetenv("TRIT_ISA"); }
};

// One test per weight variant (write_fixtures.cc's), so that CTest runs them side by side.
class CrossIsa : public ::testing::TestWithParam<const char*> {};

TEST_P(CrossIsa, QuantizedZooModelsGiveTheHostsBytesAtEveryLevel) {
  const std::string variant = GetParam();
  const fs::path dir = TRIT_CROSS_ISA_FIXTURES;
  ASSERT_TRUE(fs::exists(dir / "cases.txt"))
      << dir << " has no fixtures: build the host (make build, the release preset) first";
  std::istringstream cases(
      std::string(ReadBytes(dir / "cases.txt").data(), ReadBytes(dir / "cases.txt").size()));
  int checked = 0;
  for (std::string name, name_variant; cases >> name >> name_variant;) {
    if (name_variant != variant) continue;
    const std::vector<char> input = ReadBytes(dir / (name + ".input"));
    const std::vector<char> expected = ReadBytes(dir / (name + ".output"));
    for (const Isa isa : RunnableIsas()) {
      if (isa == Isa::kRef) continue;
      ForcedIsa forced(isa);
      auto session = Session::FromFile((dir / (name + ".trit")).string());
      ASSERT_EQ(session->input_bytes(0), input.size()) << name;
      ASSERT_EQ(session->output_bytes(0), expected.size()) << name;
      std::memcpy(session->input_data(0), input.data(), input.size());
      session->Run();
      const char* out = static_cast<const char*>(session->output_data(0));
      EXPECT_TRUE(std::equal(expected.begin(), expected.end(), out))
          << name << " at " << IsaName(isa);
    }
    ++checked;
  }
  // Every zoo model, but AlexNet in its pruned and binary forms (write_fixtures.cc).
  const int expected_models = variant == "ternary_pruned" || variant == "binary" ? 9 : 10;
  EXPECT_GE(checked, expected_models) << "fewer " << variant << " fixtures than zoo models";
}

INSTANTIATE_TEST_SUITE_P(Variants, CrossIsa,
                         ::testing::Values("int8", "ternary", "ternary_pruned", "int4", "binary"),
                         [](const ::testing::TestParamInfo<const char*>& info) {
                           return std::string(info.param);
                         });

}  // namespace
}  // namespace trit::runtime
