// 64-byte aligned storage for packed weights, filled at load (a cache line, and the widest
// vector any ISA loads).
#pragma once

#include <cstddef>
#include <memory>
#include <new>

namespace trit {

template <typename T>
class AlignedArray {
 public:
  AlignedArray() = default;
  explicit AlignedArray(size_t count)
      : data_(new (std::align_val_t(64)) T[count]()), size_(count) {}
  T* data() { return data_.get(); }
  const T* data() const { return data_.get(); }
  size_t size() const { return size_; }

 private:
  struct Free {
    void operator()(T* p) const { ::operator delete[](p, std::align_val_t(64)); }
  };
  std::unique_ptr<T[], Free> data_;
  size_t size_ = 0;
};

}  // namespace trit
