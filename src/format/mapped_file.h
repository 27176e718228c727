// A read-only memory mapping of a whole file; unmapped when the last owner goes away.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>

namespace trit::format {

class MappedFile {
 public:
  // Throws trit::Error (kIo) naming the path and the reason.
  static std::shared_ptr<const MappedFile> Open(const std::string& path);
  ~MappedFile();
  MappedFile(const MappedFile&) = delete;
  MappedFile& operator=(const MappedFile&) = delete;

  const uint8_t* data() const { return data_; }
  size_t size() const { return size_; }

 private:
  MappedFile(const uint8_t* data, size_t size) : data_(data), size_(size) {}
  const uint8_t* data_;
  size_t size_;
};

}  // namespace trit::format
