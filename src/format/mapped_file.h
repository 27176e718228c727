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

  // Unmaps the pages read so far from this process (they stay in the page cache, and a later
  // read maps them again): once a model's kernels have packed their own copies of the weights,
  // the file's pages would otherwise count a second time in the resident set.
  void DropResidentPages() const { DropResidentPages(data_, size_); }
  // The same for the pages that hold bytes [begin, begin + bytes) of the mapping (and the rest
  // of their first and last pages).
  void DropResidentPages(const uint8_t* begin, size_t bytes) const;

 private:
  MappedFile(const uint8_t* data, size_t size) : data_(data), size_(size) {}
  const uint8_t* data_;
  size_t size_;
};

}  // namespace trit::format
