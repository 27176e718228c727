// A thin C++ wrapper over the C API (trit.h): RAII sessions and exceptions.
#pragma once

#include <cstdint>
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

// The scales of a tensor's quantization parameters (one, or one per channel of quant_axis).
inline std::vector<float> QuantScales(const trit_tensor_info& info) {
  return info.quant_scales
             ? std::vector<float>(info.quant_scales, info.quant_scales + info.quant_count)
             : std::vector<float>();
}
inline std::vector<int32_t> QuantZeroPoints(const trit_tensor_info& info) {
  return info.quant_zero_points ? std::vector<int32_t>(info.quant_zero_points,
                                                       info.quant_zero_points + info.quant_count)
                                : std::vector<int32_t>();
}

class Model {
 public:
  explicit Model(const std::string& path) {
    Check(trit_session_create_from_file(path.c_str(), &session_));
  }
  Model(const void* data, size_t size) {
    Check(trit_session_create_from_memory(data, size, &session_));
  }
  // With options: threads, a caller-owned arena or a deferred one (trit.h).
  Model(const std::string& path, const trit_session_options& options) {
    Check(trit_session_create_from_file_with_options(path.c_str(), &options, &session_));
  }
  Model(const void* data, size_t size, const trit_session_options& options) {
    Check(trit_session_create_from_memory_with_options(data, size, &options, &session_));
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
  // Any tensor by name, constants included (their per-channel quantization parameters).
  trit_tensor_info tensor_info(const std::string& name) const {
    trit_tensor_info info;
    Check(trit_session_tensor_info_by_name(session_, name.c_str(), &info));
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
  // A caller-owned arena (null takes it away); see trit_session_set_arena.
  void SetArena(void* arena, size_t bytes) {
    Check(trit_session_set_arena(session_, arena, bytes));
  }
  // Zero copy: runs read and write these buffers in place (null unbinds); see trit.h.
  void BindInput(size_t i, const void* data, size_t bytes) {
    Check(trit_session_bind_input(session_, i, data, bytes));
  }
  void BindOutput(size_t i, void* data, size_t bytes) {
    Check(trit_session_bind_output(session_, i, data, bytes));
  }
  template <typename T>
  void BindInput(size_t i, const std::vector<T>& values) {
    BindInput(i, values.data(), values.size() * sizeof(T));
  }
  template <typename T>
  void BindOutput(size_t i, std::vector<T>& values) {
    BindOutput(i, values.data(), values.size() * sizeof(T));
  }

 private:
  trit_session* session_ = nullptr;
};

}  // namespace trit
