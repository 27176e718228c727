#include "core/attributes.h"

#include "core/error.h"

namespace trit {

template <typename T>
T Attributes::Get(const std::string& name, T fallback) const {
  const auto it = values_.find(name);
  if (it == values_.end()) return fallback;
  if (const T* value = std::get_if<T>(&it->second)) return *value;
  throw Error(ErrorCode::kInvalidGraph, "attribute '" + name + "' has the wrong type");
}

int64_t Attributes::GetInt(const std::string& name, int64_t fallback) const {
  return Get<int64_t>(name, fallback);
}
float Attributes::GetFloat(const std::string& name, float fallback) const {
  return Get<float>(name, fallback);
}
std::string Attributes::GetString(const std::string& name, const std::string& fallback) const {
  return Get<std::string>(name, fallback);
}
std::vector<int64_t> Attributes::GetInts(const std::string& name,
                                         std::vector<int64_t> fallback) const {
  return Get<std::vector<int64_t>>(name, std::move(fallback));
}
std::vector<float> Attributes::GetFloats(const std::string& name,
                                         std::vector<float> fallback) const {
  return Get<std::vector<float>>(name, std::move(fallback));
}

}  // namespace trit
