// Runs an ONNX model in ONNX Runtime's AArch64 build (libonnxruntime.so from the npm package
// onnxruntime-node) RUNS times on one thread, for bench/arm/count.sh: the instructions of N runs
// minus those of 1 run give the instructions per inference. Built outside the repo by count.sh.
// Only the OrtApi entries used here are declared, at their positions in ORT's C API table
// (append-only since version 1, so any newer library serves this prefix).
// Usage: ort_run LIBONNXRUNTIME MODEL.onnx INPUT_NAME D0,D1,... INPUT.f32 OUTPUT_NAME RUNS
#include <dlfcn.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct OrtStatus OrtStatus;
typedef struct OrtEnv OrtEnv;
typedef struct OrtSession OrtSession;
typedef struct OrtSessionOptions OrtSessionOptions;
typedef struct OrtMemoryInfo OrtMemoryInfo;
typedef struct OrtValue OrtValue;

typedef OrtStatus* (*CreateEnvFn)(int level, const char* id, OrtEnv** out);
typedef OrtStatus* (*CreateSessionFn)(const OrtEnv* env, const char* path,
                                      const OrtSessionOptions* options, OrtSession** out);
typedef OrtStatus* (*RunFn)(OrtSession* session, const void* run_options,
                            const char* const* input_names, const OrtValue* const* inputs,
                            size_t inputs_count, const char* const* output_names,
                            size_t outputs_count, OrtValue** outputs);
typedef OrtStatus* (*CreateSessionOptionsFn)(OrtSessionOptions** out);
typedef OrtStatus* (*SetThreadsFn)(OrtSessionOptions* options, int threads);
typedef OrtStatus* (*CreateTensorFn)(const OrtMemoryInfo* info, void* data, size_t bytes,
                                     const int64_t* shape, size_t rank, int type, OrtValue** out);
typedef OrtStatus* (*CreateCpuMemoryInfoFn)(int allocator, int mem_type, OrtMemoryInfo** out);
typedef const char* (*GetErrorMessageFn)(const OrtStatus* status);
typedef void (*ReleaseValueFn)(OrtValue* value);

// Positions in OrtApi.
enum {
  kGetErrorMessage = 2,
  kCreateEnv = 3,
  kCreateSession = 7,
  kRun = 9,
  kCreateSessionOptions = 10,
  kSetIntraOpNumThreads = 24,
  kSetInterOpNumThreads = 25,
  kCreateTensorWithDataAsOrtValue = 49,
  kCreateCpuMemoryInfo = 69,
  kReleaseValue = 96,
};
typedef struct {
  const void* (*GetApi)(uint32_t version);
  const char* (*GetVersionString)(void);
} OrtApiBase;

static void* const* api;

static void Check(OrtStatus* status, const char* what) {
  if (status) {
    fprintf(stderr, "ort_run: %s: %s\n", what, ((GetErrorMessageFn)api[kGetErrorMessage])(status));
    exit(1);
  }
}

int main(int argc, char** argv) {
  if (argc != 8) {
    fprintf(stderr,
            "usage: ort_run LIBONNXRUNTIME MODEL INPUT_NAME D0,D1,.. INPUT.f32 OUTPUT_NAME RUNS\n");
    return 2;
  }
  void* library = dlopen(argv[1], RTLD_NOW);
  if (!library) {
    fprintf(stderr, "ort_run: %s\n", dlerror());
    return 1;
  }
  const OrtApiBase* (*get_base)(void) =
      (const OrtApiBase* (*)(void))dlsym(library, "OrtGetApiBase");
  if (!get_base) return 1;
  // Version 1's table is a prefix of every later one and holds every entry used here.
  api = (void* const*)get_base()->GetApi(1);
  if (!api) return 1;
  int64_t shape[8];
  size_t rank = 0, count = 1;
  for (char* dim = strtok(argv[4], ","); dim && rank < 8; dim = strtok(NULL, ",")) {
    shape[rank] = atoll(dim);
    count *= (size_t)shape[rank++];
  }
  float* input = malloc(count * sizeof(float));
  FILE* file = fopen(argv[5], "rb");
  if (!file || fread(input, sizeof(float), count, file) != count) {
    fprintf(stderr, "ort_run: cannot read %zu floats from %s\n", count, argv[5]);
    return 1;
  }
  fclose(file);
  OrtEnv* env;
  Check(((CreateEnvFn)api[kCreateEnv])(3, "ort_run", &env), "CreateEnv");
  OrtSessionOptions* options;
  Check(((CreateSessionOptionsFn)api[kCreateSessionOptions])(&options), "CreateSessionOptions");
  Check(((SetThreadsFn)api[kSetIntraOpNumThreads])(options, 1), "SetIntraOpNumThreads");
  Check(((SetThreadsFn)api[kSetInterOpNumThreads])(options, 1), "SetInterOpNumThreads");
  OrtSession* session;
  Check(((CreateSessionFn)api[kCreateSession])(env, argv[2], options, &session), "CreateSession");
  OrtMemoryInfo* memory;
  Check(((CreateCpuMemoryInfoFn)api[kCreateCpuMemoryInfo])(0, 0, &memory), "CreateCpuMemoryInfo");
  OrtValue* tensor;
  Check(((CreateTensorFn)api[kCreateTensorWithDataAsOrtValue])(memory, input, count * sizeof(float),
                                                               shape, rank, 1, &tensor),
        "CreateTensor");
  const char* input_names[] = {argv[3]};
  const char* output_names[] = {argv[6]};
  const int runs = atoi(argv[7]);
  for (int i = 0; i < runs; ++i) {
    OrtValue* output = NULL;
    Check(((RunFn)api[kRun])(session, NULL, input_names, (const OrtValue* const*)&tensor, 1,
                             output_names, 1, &output),
          "Run");
    ((ReleaseValueFn)api[kReleaseValue])(output);
  }
  printf("ort_run: %d runs of %s\n", runs, argv[2]);
  return 0;
}
