/* Arm semihosting (the debugger's or QEMU's console and files): what trit deploy --validate and
 * the tests use to feed inputs to the firmware and read its outputs. Not needed on a board. */
#ifndef TRIT_MICRO_PORT_SEMIHOSTING_H_
#define TRIT_MICRO_PORT_SEMIHOSTING_H_

#include <stddef.h>

void trit_sh_print(const char* text);
/* Reads or writes a whole host file; returns the bytes moved, or -1. */
long trit_sh_read_file(const char* path, void* data, size_t capacity);
long trit_sh_write_file(const char* path, const void* data, size_t bytes);
/* The command line QEMU was given with -append (or ""); returns its length, or -1. */
int trit_sh_command_line(char* text, size_t capacity);

#endif
