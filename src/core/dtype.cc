#include "core/dtype.h"

#include <array>

namespace trit {
namespace {
constexpr std::array<std::string_view, kNumDTypes> kNames = {"f32", "i32", "i8",      "u8",
                                                             "i4",  "i2",  "ternary", "binary"};
}  // namespace

std::string_view DTypeName(DType type) {
  const auto index = static_cast<size_t>(type);
  return index < kNames.size() ? kNames[index] : "invalid";
}

std::optional<DType> ParseDType(std::string_view name) {
  for (size_t i = 0; i < kNames.size(); ++i) {
    if (kNames[i] == name) return static_cast<DType>(i);
  }
  return std::nullopt;
}

}  // namespace trit
