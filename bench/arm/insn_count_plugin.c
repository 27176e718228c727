// A QEMU TCG plugin that counts the guest instructions executed, per translation block, for
// bench/arm/count.sh: at exit it writes one line per block, "vaddr instructions executions",
// to the file named by its argument out=FILE. Built outside the repo by count.sh against QEMU
// 7.2's plugin interface (version 1), whose few entry points are declared here.
//
// Counting: each block gets an inline 64-bit add of 1 at its start (no helper call), so the
// count costs little; instructions executed = sum(instructions x executions). A block left
// early by an exception counts in full (rare: faults, not in the runs measured). The adds are
// not atomic: run the guest on one thread.
#include <inttypes.h>
#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef uint64_t qemu_plugin_id_t;
typedef struct {
  const char* target_name;
  struct {
    int min, cur;
  } version;
  bool system_emulation;
  union {
    struct {
      int smp_vcpus, max_vcpus;
    } system;
  };
} qemu_info_t;
struct qemu_plugin_tb;
enum qemu_plugin_op { QEMU_PLUGIN_INLINE_ADD_U64 };

void qemu_plugin_register_vcpu_tb_trans_cb(qemu_plugin_id_t id,
                                           void (*cb)(qemu_plugin_id_t, struct qemu_plugin_tb*));
void qemu_plugin_register_vcpu_tb_exec_inline(struct qemu_plugin_tb* tb, enum qemu_plugin_op op,
                                              void* ptr, uint64_t imm);
size_t qemu_plugin_tb_n_insns(const struct qemu_plugin_tb* tb);
uint64_t qemu_plugin_tb_vaddr(const struct qemu_plugin_tb* tb);
void qemu_plugin_register_atexit_cb(qemu_plugin_id_t id, void (*cb)(qemu_plugin_id_t, void*),
                                    void* userdata);

__attribute__((visibility("default"))) int qemu_plugin_version = 1;

struct Block {
  uint64_t executions;  // first: the inline add's target
  uint64_t vaddr;
  uint64_t instructions;
};

enum { kChunk = 65536 };
static struct Block** chunks;  // blocks never move: the inline adds hold their addresses
static size_t used, capacity;  // blocks handed out, chunk pointers allocated
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static char out_path[4096];

static struct Block* NewBlock(void) {
  pthread_mutex_lock(&lock);
  if (used % kChunk == 0 && used / kChunk == capacity) {
    capacity = capacity ? 2 * capacity : 64;
    chunks = realloc(chunks, capacity * sizeof *chunks);
    if (!chunks) abort();
  }
  if (used % kChunk == 0) {
    chunks[used / kChunk] = calloc(kChunk, sizeof(struct Block));
    if (!chunks[used / kChunk]) abort();
  }
  struct Block* block = &chunks[used / kChunk][used % kChunk];
  ++used;
  pthread_mutex_unlock(&lock);
  return block;
}

static void Translated(qemu_plugin_id_t id, struct qemu_plugin_tb* tb) {
  struct Block* block = NewBlock();
  block->vaddr = qemu_plugin_tb_vaddr(tb);
  block->instructions = qemu_plugin_tb_n_insns(tb);
  qemu_plugin_register_vcpu_tb_exec_inline(tb, QEMU_PLUGIN_INLINE_ADD_U64, &block->executions, 1);
}

static void Exited(qemu_plugin_id_t id, void* userdata) {
  FILE* out = fopen(out_path, "w");
  if (!out) {
    fprintf(stderr, "insn_count_plugin: cannot write %s\n", out_path);
    return;
  }
  for (size_t i = 0; i < used; ++i) {
    const struct Block* b = &chunks[i / kChunk][i % kChunk];
    if (b->executions) {
      fprintf(out, "%" PRIx64 " %" PRIu64 " %" PRIu64 "\n", b->vaddr, b->instructions,
              b->executions);
    }
  }
  fclose(out);
}

__attribute__((visibility("default"))) int qemu_plugin_install(qemu_plugin_id_t id,
                                                               const qemu_info_t* info, int argc,
                                                               char** argv) {
  for (int i = 0; i < argc; ++i) {
    if (strncmp(argv[i], "out=", 4) == 0) snprintf(out_path, sizeof out_path, "%s", argv[i] + 4);
  }
  if (!out_path[0]) {
    fprintf(stderr, "insn_count_plugin: needs out=FILE\n");
    return -1;
  }
  qemu_plugin_register_vcpu_tb_trans_cb(id, Translated);
  qemu_plugin_register_atexit_cb(id, Exited, NULL);
  return 0;
}
