// Immutable bytes of a constant tensor: owned, a view into a mapped file that a shared
// keep-alive handle holds open, or produced on first read (a tensor stored entropy-coded is
// decoded when a kernel first packs it, so a model's tensors are not all decoded at once).
// Copying a Buffer shares the bytes.
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <functional>
#include <memory>
#include <mutex>
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

  // `size` bytes that `produce` returns when they are first read, from any thread; it runs
  // once, and is then released with what it holds. It must not fail on a checked source.
  static Buffer Deferred(size_t size, std::function<std::vector<uint8_t>()> produce) {
    Buffer buffer;
    buffer.size_ = size;
    buffer.deferred_ = std::make_shared<DeferredBytes>();
    buffer.deferred_->produce = std::move(produce);
    return buffer;
  }

  const uint8_t* data() const { return deferred_ ? deferred_->Get() : data_; }
  // False for deferred bytes not yet produced (reading data() would produce them).
  bool produced() const { return !deferred_ || deferred_->done.load(std::memory_order_acquire); }
  size_t size() const { return size_; }
  bool empty() const { return size_ == 0; }
  std::span<const uint8_t> bytes() const { return {data(), size_}; }

  template <typename T>
  const T* as() const {
    return reinterpret_cast<const T*>(data());
  }

 private:
  struct DeferredBytes {
    std::once_flag once;
    std::function<std::vector<uint8_t>()> produce;
    std::vector<uint8_t> bytes;
    std::atomic<bool> done{false};
    const uint8_t* Get() {
      std::call_once(once, [this] {
        bytes = produce();
        produce = nullptr;
        done.store(true, std::memory_order_release);
      });
      return bytes.data();
    }
  };

  std::shared_ptr<const void> owner_;
  const uint8_t* data_ = nullptr;
  size_t size_ = 0;
  std::shared_ptr<DeferredBytes> deferred_;
};

}  // namespace trit
