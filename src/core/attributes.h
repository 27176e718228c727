// Typed node attributes: int, float, string, int list, float list.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <variant>
#include <vector>

namespace trit {

using AttributeValue =
    std::variant<int64_t, float, std::string, std::vector<int64_t>, std::vector<float>>;

class Attributes {
 public:
  Attributes() = default;
  Attributes(std::initializer_list<std::pair<const std::string, AttributeValue>> items)
      : values_(items) {}

  void Set(const std::string& name, AttributeValue value) { values_[name] = std::move(value); }
  bool Has(const std::string& name) const { return values_.count(name) != 0; }

  // Typed getters: the fallback when absent; an Error (kInvalidGraph) when present with
  // another type.
  int64_t GetInt(const std::string& name, int64_t fallback) const;
  float GetFloat(const std::string& name, float fallback) const;
  std::string GetString(const std::string& name, const std::string& fallback) const;
  std::vector<int64_t> GetInts(const std::string& name, std::vector<int64_t> fallback) const;
  std::vector<float> GetFloats(const std::string& name, std::vector<float> fallback) const;

  const std::map<std::string, AttributeValue>& values() const { return values_; }
  bool operator==(const Attributes&) const = default;

 private:
  template <typename T>
  T Get(const std::string& name, T fallback) const;

  std::map<std::string, AttributeValue> values_;
};

}  // namespace trit
