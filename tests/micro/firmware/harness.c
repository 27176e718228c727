/* Test harness firmware: loads a model, an input and writes the output, all through semihosting
 * files named on the command line (qemu-system-arm -append "MODEL INPUT OUTPUT [RUNS]"), then
 * prints the arena used. RUNS invokes the model that many times (bench/mcu/models.sh). Exit status:
 * 0 success, 1 a runtime error (its message printed), 2 bad use. */
#include <stdint.h>
#include <string.h>

#include "semihosting.h"
#include "trit/trit_micro.h"

#define MODEL_CAPACITY (12u << 20)
#define ARENA_CAPACITY (3u << 20)

__attribute__((section(".trit_host"), aligned(16))) static uint8_t model[MODEL_CAPACITY];
__attribute__((section(".trit_host"), aligned(16))) static uint8_t arena[ARENA_CAPACITY];

static void PrintNumber(const char* label, unsigned long value) {
  char text[64];
  char digits[24];
  int n = 0;
  do {
    digits[n++] = (char)('0' + value % 10);
    value /= 10;
  } while (value);
  size_t k = strlen(label);
  memcpy(text, label, k);
  while (n) text[k++] = digits[--n];
  text[k++] = '\n';
  text[k] = '\0';
  trit_sh_print(text);
}

static int Fail(const char* what) {
  trit_sh_print("harness: ");
  trit_sh_print(what);
  trit_sh_print("\n");
  return 2;
}

int main(void) {
  static char line[1024];
  if (trit_sh_command_line(line, sizeof line) <= 0) return Fail("no command line");
  /* QEMU's semihosting command line is the kernel's file name, then the -append words. */
  char* words[5];
  int count = 0;
  for (char* p = line; *p && count < 5;) {
    while (*p == ' ') *p++ = '\0';
    if (!*p) break;
    words[count++] = p;
    while (*p && *p != ' ') ++p;
  }
  for (char* p = line; *p; ++p) {
    if (*p == ' ') *p = '\0';
  }
  if (count < 4) return Fail("usage: -append \"MODEL INPUT OUTPUT [RUNS]\"");
  char** paths = words + 1;
  const long model_bytes = trit_sh_read_file(paths[0], model, sizeof model);
  if (model_bytes < 0) return Fail("cannot read the model");
  trit_micro* m = 0;
  if (trit_micro_load(model, (size_t)model_bytes, arena, sizeof arena, &m) != TRIT_MICRO_OK) {
    trit_sh_print(trit_micro_last_error());
    trit_sh_print("\n");
    return 1;
  }
  trit_micro_tensor input, output;
  if (trit_micro_input(m, 0, &input) != TRIT_MICRO_OK ||
      trit_micro_output(m, 0, &output) != TRIT_MICRO_OK) {
    return Fail("no input or output");
  }
  /* RUNS invocations (default 1): instruction counts at 1 and 2 give one inference's. */
  int runs = 1;
  if (count == 5) {
    runs = 0;
    for (const char* d = words[4]; *d >= '0' && *d <= '9'; ++d) runs = runs * 10 + (*d - '0');
  }
  for (int r = 0; r < runs; ++r) {
    /* Read for every run: the arena reuses the input's bytes once they are consumed. */
    if (trit_sh_read_file(paths[1], input.data, input.bytes) != (long)input.bytes) {
      return Fail("the input file does not have the input's size");
    }
    if (trit_micro_invoke(m) != TRIT_MICRO_OK) {
      trit_sh_print(trit_micro_last_error());
      trit_sh_print("\n");
      return 1;
    }
  }
  if (trit_sh_write_file(paths[2], output.data, output.bytes) != (long)output.bytes) {
    return Fail("cannot write the output");
  }
  PrintNumber("arena bytes ", (unsigned long)trit_micro_arena_used(m));
  return 0;
}
