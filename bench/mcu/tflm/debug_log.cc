// TensorFlow Lite Micro's platform log (tensorflow/lite/micro/debug_log.h) over trit's semihosting
// console (src/micro/port/semihosting.h), for the harness of bench/mcu/tflm.sh. A small formatter
// (%d %i %u %x %X %p %c %s %f %e %g, with l, ll, z, h and flags or widths skipped) instead of
// newlib's vsnprintf, which would link malloc and its sbrk; trit's firmware links neither.
#include "tensorflow/lite/micro/debug_log.h"

#include <cstdint>

extern "C" {
#include "semihosting.h"
}

namespace {

struct Out {
  char* text;
  size_t capacity;
  size_t length = 0;  // what a complete output would take, as vsnprintf returns
  void Put(char c) {
    if (length + 1 < capacity) text[length] = c;
    ++length;
  }
  void Put(const char* s) {
    while (*s) Put(*s++);
  }
  void Unsigned(unsigned long long value, unsigned base, bool upper) {
    char digits[24];
    int n = 0;
    do {
      const unsigned d = static_cast<unsigned>(value % base);
      digits[n++] = static_cast<char>(d < 10 ? '0' + d : (upper ? 'A' : 'a') + d - 10);
      value /= base;
    } while (value);
    while (n) Put(digits[--n]);
  }
  void Float(double value) {
    if (value != value) return Put("nan");
    if (value < 0) {
      Put('-');
      value = -value;
    }
    if (value > 1e18) return Put("inf");
    const auto whole = static_cast<unsigned long long>(value);
    Unsigned(whole, 10, false);
    Put('.');
    auto frac = static_cast<unsigned long long>((value - static_cast<double>(whole)) * 1e6 + 0.5);
    for (unsigned long long scale = 100000; scale; scale /= 10) {
      Put(static_cast<char>('0' + frac / scale % 10));
    }
  }
};

}  // namespace

extern "C" int DebugVsnprintf(char* buffer, size_t buf_size, const char* format, va_list args) {
  Out out{buffer, buf_size};
  for (const char* p = format; *p; ++p) {
    if (*p != '%') {
      out.Put(*p);
      continue;
    }
    ++p;
    while (*p == '-' || *p == '+' || *p == ' ' || *p == '#' || *p == '0' || *p == '.' ||
           (*p >= '1' && *p <= '9')) {
      ++p;
    }
    int longs = 0;
    bool size = false;
    for (;; ++p) {
      if (*p == 'l') {
        ++longs;
      } else if (*p == 'z') {
        size = true;
      } else if (*p != 'h') {
        break;
      }
    }
    auto get_signed = [&]() -> long long {
      if (size) return static_cast<long long>(va_arg(args, size_t));
      if (longs >= 2) return va_arg(args, long long);
      if (longs == 1) return va_arg(args, long);
      return va_arg(args, int);
    };
    auto get_unsigned = [&]() -> unsigned long long {
      if (size) return va_arg(args, size_t);
      if (longs >= 2) return va_arg(args, unsigned long long);
      if (longs == 1) return va_arg(args, unsigned long);
      return va_arg(args, unsigned);
    };
    switch (*p) {
      case 'd':
      case 'i': {
        const long long v = get_signed();
        if (v < 0) out.Put('-');
        out.Unsigned(v < 0 ? 0ull - static_cast<unsigned long long>(v) : v, 10, false);
        break;
      }
      case 'u':
        out.Unsigned(get_unsigned(), 10, false);
        break;
      case 'x':
      case 'X':
        out.Unsigned(get_unsigned(), 16, *p == 'X');
        break;
      case 'p':
        out.Put("0x");
        out.Unsigned(reinterpret_cast<uintptr_t>(va_arg(args, void*)), 16, false);
        break;
      case 'c':
        out.Put(static_cast<char>(va_arg(args, int)));
        break;
      case 's': {
        const char* s = va_arg(args, const char*);
        out.Put(s ? s : "(null)");
        break;
      }
      case 'f':
      case 'e':
      case 'g':
        out.Float(va_arg(args, double));
        break;
      case '%':
        out.Put('%');
        break;
      case '\0':
        --p;
        break;
      default:
        out.Put('%');
        out.Put(*p);
    }
  }
  if (buf_size) buffer[out.length < buf_size ? out.length : buf_size - 1] = '\0';
  return static_cast<int>(out.length);
}

extern "C" void DebugLog(const char* format, va_list args) {
  char text[256];
  DebugVsnprintf(text, sizeof text, format, args);
  trit_sh_print(text);
}
