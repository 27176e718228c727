// docs/onnx-support.md lists exactly the op types the importer converts.
#include <gtest/gtest.h>

#include <fstream>
#include <regex>
#include <set>
#include <sstream>

#include "onnx/onnx_import.h"

namespace trit {
namespace {

TEST(OnnxSupportDoc, TableMatchesTheImporter) {
  std::ifstream file(std::string(TRIT_SOURCE_DIR) + "/docs/onnx-support.md");
  ASSERT_TRUE(file) << "docs/onnx-support.md is missing";
  std::stringstream text;
  text << file.rdbuf();
  std::set<std::string> documented;
  const std::regex row(R"(\n\| `([A-Za-z]+)` \| (run time|import time only) \|)");
  const std::string doc = text.str();
  for (auto it = std::sregex_iterator(doc.begin(), doc.end(), row); it != std::sregex_iterator();
       ++it) {
    documented.insert((*it)[1]);
  }
  std::set<std::string> supported;
  for (const auto& op : onnx_import::SupportedOps()) {
    supported.insert(op.op_type);
    EXPECT_TRUE(documented.count(op.op_type)) << op.op_type << " is not in the table";
  }
  for (const auto& op : documented) {
    EXPECT_TRUE(supported.count(op)) << op << " is in the table but not supported";
  }
}

}  // namespace
}  // namespace trit
