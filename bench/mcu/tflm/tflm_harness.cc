// TensorFlow Lite Micro harness firmware for bench/mcu/tflm.sh: the counterpart of trit's test
// harness (tests/micro/firmware/harness.c). Loads a .tflite model and an input through semihosting
// files named on the command line (qemu-system-arm -append "MODEL INPUT OUTPUT [RUNS]"), allocates
// the tensors in a static arena, prints "arena bytes N" (MicroInterpreter::arena_used_bytes()),
// invokes the model RUNS times (default 1; the input is read again before each, as trit's harness
// does) and writes the output. Exit status: 0 success, 1 a TFLM error, 2 bad use.
#include <cstdint>
#include <cstring>
#include <new>

extern "C" {
#include "semihosting.h"
}
#include "tensorflow/lite/micro/micro_interpreter.h"
#include "tensorflow/lite/micro/micro_mutable_op_resolver.h"
#include "tensorflow/lite/schema/schema_generated.h"

namespace {

constexpr size_t kModelCapacity = 12u << 20;
constexpr size_t kArenaCapacity = 3u << 20;

// In the emulator's extra memory (the linker script's .host section), as in trit's harness.
__attribute__((section(".trit_host"), aligned(16))) uint8_t model_bytes[kModelCapacity];
__attribute__((section(".trit_host"), aligned(16))) uint8_t arena[kArenaCapacity];

void PrintNumber(const char* label, unsigned long value) {
  char text[64];
  char digits[24];
  int n = 0;
  do {
    digits[n++] = static_cast<char>('0' + value % 10);
    value /= 10;
  } while (value);
  size_t k = strlen(label);
  memcpy(text, label, k);
  while (n) text[k++] = digits[--n];
  text[k++] = '\n';
  text[k] = '\0';
  trit_sh_print(text);
}

int Fail(const char* what) {
  trit_sh_print("tflm_harness: ");
  trit_sh_print(what);
  trit_sh_print("\n");
  return 2;
}

}  // namespace

// No heap: TFLM's classes have virtual destructors, whose deleting variants name operator delete;
// nothing is ever allocated with new.
void operator delete(void*) noexcept {}
void operator delete(void*, size_t) noexcept {}

// TFLM's TFLITE_ABORT: newlib's abort would link signals, malloc and sbrk.
extern "C" void trit_port_exit(int status);
extern "C" void abort() {
  trit_sh_print("tflm_harness: abort\n");
  trit_port_exit(3);
  for (;;) {
  }
}

int main() {
  static char line[1024];
  if (trit_sh_command_line(line, sizeof line) <= 0) return Fail("no command line");
  // QEMU's semihosting command line is the kernel's file name, then the -append words.
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
  if (trit_sh_read_file(paths[0], model_bytes, sizeof model_bytes) < 0) {
    return Fail("cannot read the model");
  }
  const tflite::Model* model = tflite::GetModel(model_bytes);
  if (model->version() != TFLITE_SCHEMA_VERSION) return Fail("model schema version");

  // Every op bench/mcu/tflm/trit_to_tflite writes (a deployment could register fewer).
  tflite::MicroMutableOpResolver<13> resolver;
  resolver.AddQuantize();
  resolver.AddDequantize();
  resolver.AddConv2D();
  resolver.AddDepthwiseConv2D();
  resolver.AddFullyConnected();
  resolver.AddMaxPool2D();
  resolver.AddAveragePool2D();
  resolver.AddMean();
  resolver.AddAdd();
  resolver.AddReshape();
  resolver.AddRelu();
  resolver.AddRelu6();
  resolver.AddPad();

  tflite::MicroInterpreter interpreter(model, resolver, arena, sizeof arena);
  if (interpreter.AllocateTensors() != kTfLiteOk) return 1;
  TfLiteTensor* input = interpreter.input(0);
  TfLiteTensor* output = interpreter.output(0);
  if (input == nullptr || output == nullptr) return Fail("no input or output");
  PrintNumber("arena bytes ", static_cast<unsigned long>(interpreter.arena_used_bytes()));

  int runs = 1;
  if (count == 5) {
    runs = 0;
    for (const char* d = words[4]; *d >= '0' && *d <= '9'; ++d) runs = runs * 10 + (*d - '0');
  }
  for (int r = 0; r < runs; ++r) {
    if (trit_sh_read_file(paths[1], input->data.raw, input->bytes) !=
        static_cast<long>(input->bytes)) {
      return Fail("the input file does not have the input's size");
    }
    if (interpreter.Invoke() != kTfLiteOk) return 1;
  }
  if (trit_sh_write_file(paths[2], output->data.raw, output->bytes) !=
      static_cast<long>(output->bytes)) {
    return Fail("cannot write the output");
  }
  return 0;
}
