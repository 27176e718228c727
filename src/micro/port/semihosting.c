#include "semihosting.h"

#include <stdint.h>
#include <string.h>

enum {
  kSysOpen = 0x01,
  kSysClose = 0x02,
  kSysWrite0 = 0x04,
  kSysWrite = 0x05,
  kSysRead = 0x06,
  kSysFlen = 0x0C,
  kSysGetCmdline = 0x15,
  kSysExitExtended = 0x20,
};

static long Call(int operation, void* argument) {
  register long r0 __asm__("r0") = operation;
  register void* r1 __asm__("r1") = argument;
  __asm__ volatile("bkpt 0xAB" : "+r"(r0) : "r"(r1) : "memory");
  return r0;
}

void trit_sh_print(const char* text) { Call(kSysWrite0, (void*)text); }

static long Open(const char* path, long mode) {
  uintptr_t block[3] = {(uintptr_t)path, (uintptr_t)mode, (uintptr_t)strlen(path)};
  return Call(kSysOpen, block);
}

long trit_sh_read_file(const char* path, void* data, size_t capacity) {
  const long handle = Open(path, 1); /* "rb" */
  if (handle < 0) return -1;
  uintptr_t flen[1] = {(uintptr_t)handle};
  const long length = Call(kSysFlen, flen);
  long result = -1;
  if (length >= 0 && (size_t)length <= capacity) {
    uintptr_t block[3] = {(uintptr_t)handle, (uintptr_t)data, (uintptr_t)length};
    if (Call(kSysRead, block) == 0) result = length; /* returns the bytes NOT read */
  }
  uintptr_t close[1] = {(uintptr_t)handle};
  Call(kSysClose, close);
  return result;
}

long trit_sh_write_file(const char* path, const void* data, size_t bytes) {
  const long handle = Open(path, 5); /* "wb" */
  if (handle < 0) return -1;
  uintptr_t block[3] = {(uintptr_t)handle, (uintptr_t)data, (uintptr_t)bytes};
  const long left = Call(kSysWrite, block);
  uintptr_t close[1] = {(uintptr_t)handle};
  Call(kSysClose, close);
  return left == 0 ? (long)bytes : -1;
}

int trit_sh_command_line(char* text, size_t capacity) {
  uintptr_t block[2] = {(uintptr_t)text, (uintptr_t)capacity};
  if (Call(kSysGetCmdline, block) != 0) return -1;
  return (int)block[1];
}

void trit_port_exit(int status) {
  /* ADP_Stopped_ApplicationExit with the status: QEMU exits with it. */
  uintptr_t block[2] = {0x20026u, (uintptr_t)status};
  Call(kSysExitExtended, block);
  for (;;) {
  }
}

void trit_port_fault(void) {
  trit_sh_print("trit: hard fault\n");
  trit_port_exit(3);
}
