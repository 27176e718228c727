// Immutable bytes of a constant tensor: either owned or a view into a mapped file that a
// shared keep-alive handle holds open. Copying a Buffer shares the bytes.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <memory>
#include <span>
#include <vector>

namespace trit {

class Buffer {
 public:
  Buffer() = default;

  static Buffer Own(std::vector<uint8_t> bytes) {
    auto owned = std::make_shared<std::vector<uint8_t>>(std::move(bytes));
    Buffer buffer;
    buffer.data_ = owned->data();
    buffer.size_ = owned->size();
    buffer.owner_ = std::move(owned);
    return buffer;
  }

  static Buffer Copy(const void* data, size_t size) {
    std::vector<uint8_t> bytes(size);
    if (size) std::memcpy(bytes.data(), data, size);
    return Own(std::move(bytes));
  }

  template <typename T>
  static Buffer FromVector(const std::vector<T>& values) {
    return Copy(values.data(), values.size() * sizeof(T));
  }

  // A view of bytes that stay valid as long as `keep_alive` lives (e.g. a mapped file).
  static Buffer View(const uint8_t* data, size_t size, std::shared_ptr<const void> keep_alive) {
    Buffer buffer;
    buffer.data_ = data;
    buffer.size_ = size;
    buffer.owner_ = std::move(keep_alive);
    return buffer;
  }

  const uint8_t* data() const { return data_; }
  size_t size() const { return size_; }
  bool empty() const { return size_ == 0; }
  std::span<const uint8_t> bytes() const { return {data_, size_}; }

  template <typename T>
  const T* as() const {
    return reinterpret_cast<const T*>(data_);
  }

 private:
  std::shared_ptr<const void> owner_;
  const uint8_t* data_ = nullptr;
  size_t size_ = 0;
};

}  // namespace trit
