// A thin C++ wrapper over the C API (trit.h): RAII sessions and exceptions.
#pragma once

#include <stdexcept>
#include <string>
#include <vector>

#include "trit/trit.h"

namespace trit {

class Exception : public std::runtime_error {
 public:
  Exception(trit_status status, const std::string& message)
      : std::runtime_error(message), status_(status) {}
  trit_status status() const { return status_; }

 private:
  trit_status status_;
};

inline void Check(trit_status status) {
  if (status != TRIT_OK) throw Exception(status, trit_last_error());
}

class Model {
 public:
  explicit Model(const std::string& path) {
    Check(trit_session_create_from_file(path.c_str(), &session_));
  }
  Model(const void* data, size_t size) {
    Check(trit_session_create_from_memory(data, size, &session_));
  }
  ~Model() { trit_session_destroy(session_); }
  Model(const Model&) = delete;
  Model& operator=(const Model&) = delete;
  Model(Model&& other) noexcept : session_(other.session_) { other.session_ = nullptr; }

  size_t input_count() const { return trit_session_input_count(session_); }
  size_t output_count() const { return trit_session_output_count(session_); }
  trit_tensor_info input_info(size_t i) const {
    trit_tensor_info info;
    Check(trit_session_input_info(session_, i, &info));
    return info;
  }
  trit_tensor_info output_info(size_t i) const {
    trit_tensor_info info;
    Check(trit_session_output_info(session_, i, &info));
    return info;
  }
  template <typename T>
  void SetInput(size_t i, const std::vector<T>& values) {
    Check(trit_session_set_input(session_, i, values.data(), values.size() * sizeof(T)));
  }
  void Run() { Check(trit_session_run(session_)); }
  template <typename T>
  std::vector<T> Output(size_t i) const {
    const trit_tensor_info info = output_info(i);
    std::vector<T> values(info.bytes / sizeof(T));
    Check(trit_session_get_output(session_, i, values.data(), values.size() * sizeof(T)));
    return values;
  }
  size_t arena_bytes() const { return trit_session_arena_bytes(session_); }

 private:
  trit_session* session_ = nullptr;
};

}  // namespace trit
