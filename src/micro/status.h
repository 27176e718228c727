// Errors of the freestanding runtime: a status code and a one-line message in a fixed buffer
// (no heap, no exceptions). The codes are trit.h's trit_status numbers.
#pragma once

#include <cstddef>
#include <cstdint>

namespace trit::micro {

enum class Status : int {
  kOk = 0,
  kFormat = 2,
  kInvalidArgument = 3,
  kShape = 4,
  kUnsupported = 5,
};

// Composes the message of the current failure: Fail(Status::kShape) << "node " << name << ...
// Converts to the status, so that `return Fail(...) << ...;` reports and returns in one line.
class Failure {
 public:
  explicit Failure(Status status);
  Failure& operator<<(const char* text);
  Failure& operator<<(int64_t value);
  Failure& operator<<(int value) { return *this << static_cast<int64_t>(value); }
  Failure& operator<<(uint32_t value) { return *this << static_cast<int64_t>(value); }
  Failure& operator<<(uint64_t value) { return *this << static_cast<int64_t>(value); }
  operator Status() const { return status_; }

 private:
  Status status_;
};

inline Failure Fail(Status status) { return Failure(status); }

const char* LastError();
void ClearError();

}  // namespace trit::micro
