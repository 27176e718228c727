#include "core/atomic_file.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>

#include "core/error.h"

namespace trit {
namespace {

void WriteAll(int fd, const unsigned char* data, size_t size, const std::string& path) {
  while (size > 0) {
    const ssize_t written = ::write(fd, data, size);
    if (written < 0) {
      if (errno == EINTR) continue;
      throw Error(ErrorCode::kIo, path + ": write failed: " + std::strerror(errno));
    }
    data += written;
    size -= static_cast<size_t>(written);
  }
}

}  // namespace

void WriteFileAtomically(const std::string& path, const void* data, size_t size) {
  const std::filesystem::path target(path);
  const std::filesystem::path folder =
      target.has_parent_path() ? target.parent_path() : std::filesystem::path(".");
  // Appended rather than "." + name + ...: GCC 12 warns falsely (-Wrestrict) on that operator+.
  std::string temp_name = ".";
  temp_name += target.filename().string();
  temp_name += ".tmp.XXXXXX";
  std::string temp = (folder / temp_name).string();
  const int fd = ::mkstemp(temp.data());
  if (fd < 0) {
    throw Error(ErrorCode::kIo, path + ": cannot create a file in '" + folder.string() +
                                    "': " + std::strerror(errno));
  }
  bool closed = false;
  try {
    WriteAll(fd, static_cast<const unsigned char*>(data), size, path);
    if (::fchmod(fd, 0644) != 0 || ::fsync(fd) != 0) {
      throw Error(ErrorCode::kIo, path + ": cannot sync: " + std::strerror(errno));
    }
    closed = true;
    if (::close(fd) != 0) throw Error(ErrorCode::kIo, path + ": close failed");
  } catch (...) {
    if (!closed) ::close(fd);
    ::unlink(temp.c_str());
    throw;
  }
  if (std::rename(temp.c_str(), path.c_str()) != 0) {
    const std::string reason = std::strerror(errno);
    ::unlink(temp.c_str());
    throw Error(ErrorCode::kIo, path + ": cannot rename into place: " + reason);
  }
  const int dir_fd = ::open(folder.c_str(), O_RDONLY | O_DIRECTORY);
  if (dir_fd >= 0) {  // make the rename durable; failure here loses nothing already written
    ::fsync(dir_fd);
    ::close(dir_fd);
  }
}

}  // namespace trit
