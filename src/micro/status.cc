#include "micro/status.h"

namespace trit::micro {
namespace {

constexpr size_t kMessageBytes = 160;
char g_message[kMessageBytes];
size_t g_length = 0;

void Append(const char* text) {
  while (*text && g_length + 1 < kMessageBytes) g_message[g_length++] = *text++;
  g_message[g_length] = '\0';
}

}  // namespace

Failure::Failure(Status status) : status_(status) { ClearError(); }

Failure& Failure::operator<<(const char* text) {
  Append(text ? text : "(null)");
  return *this;
}

Failure& Failure::operator<<(int64_t value) {
  char digits[24];
  int n = 0;
  const bool negative = value < 0;
  uint64_t magnitude = negative ? 0 - static_cast<uint64_t>(value) : static_cast<uint64_t>(value);
  do {
    digits[n++] = static_cast<char>('0' + magnitude % 10);
    magnitude /= 10;
  } while (magnitude);
  char text[26];
  int k = 0;
  if (negative) text[k++] = '-';
  while (n) text[k++] = digits[--n];
  text[k] = '\0';
  Append(text);
  return *this;
}

const char* LastError() { return g_message; }

void ClearError() {
  g_length = 0;
  g_message[0] = '\0';
}

}  // namespace trit::micro
