// Sessions that run at the same time share only what none of them writes. Several threads each
// create a session through the C API from ONE model buffer, while others run sessions with
// four-thread pools through the C++ runtime over the same bytes; every output must equal a
// single-threaded run's bytes. The tsan preset runs this under ThreadSanitizer.
#include <gtest/gtest.h>

#include <cstdint>
#include <cstring>
#include <exception>
#include <latch>
#include <string>
#include <thread>
#include <vector>

#include "format/model_file.h"
#include "runtime/session.h"
#include "trit/trit.h"
#include "zoo/zoo.h"

namespace {

using Bytes = std::vector<uint8_t>;

constexpr int kCApiThreads = 3;
constexpr int kPooledThreads = 2;
constexpr int kPoolThreads = 4;  // per pooled session, the caller included
constexpr int kRunsPerThread = 3;
constexpr int kInputs = 4;  // thread t's run r reads input (t + r) % kInputs

// Different inputs at the same moment, so that bytes crossing between sessions would show.
Bytes MakeInput(size_t bytes, int index) {
  std::vector<float> values(bytes / sizeof(float));
  for (size_t i = 0; i < values.size(); ++i) {
    values[i] = static_cast<float>((i * 7 + static_cast<size_t>(index) * 13) % 29) / 29.0f - 0.5f;
  }
  Bytes input(bytes);
  std::memcpy(input.data(), values.data(), bytes);
  return input;
}

trit::runtime::SessionOptions Threads(int threads) {
  trit::runtime::SessionOptions options;
  options.threads = threads;
  return options;
}

// What one thread saw: its outputs in run order, or the error that stopped it.
struct ThreadRun {
  std::vector<Bytes> outputs;
  std::string error;
};

void RunThroughCApi(const Bytes& model, const std::vector<Bytes>& inputs, int first,
                    std::latch& start, ThreadRun& run) {
  start.arrive_and_wait();
  trit_session* session = nullptr;
  trit_tensor_info output;
  if (trit_session_create_from_memory(model.data(), model.size(), &session) != TRIT_OK ||
      trit_session_output_info(session, 0, &output) != TRIT_OK) {
    run.error = trit_last_error();
    trit_session_destroy(session);
    return;
  }
  for (int r = 0; r < kRunsPerThread; ++r) {
    const Bytes& input = inputs[static_cast<size_t>((first + r) % kInputs)];
    Bytes result(output.bytes);
    if (trit_session_set_input(session, 0, input.data(), input.size()) != TRIT_OK ||
        trit_session_run(session) != TRIT_OK ||
        trit_session_get_output(session, 0, result.data(), result.size()) != TRIT_OK) {
      run.error = trit_last_error();
      break;
    }
    run.outputs.push_back(std::move(result));
  }
  trit_session_destroy(session);
}

Bytes RunSession(trit::runtime::Session& session, const Bytes& input) {
  std::memcpy(session.input_data(0), input.data(), input.size());
  session.Run();
  const auto* output = static_cast<const uint8_t*>(session.output_data(0));
  return Bytes(output, output + session.output_bytes(0));
}

void RunPooled(const Bytes& model, const std::vector<Bytes>& inputs, int first, std::latch& start,
               ThreadRun& run) {
  start.arrive_and_wait();
  try {
    trit::format::ModelFile file = trit::format::ReadModelBytes(model.data(), model.size(), {});
    auto session = trit::runtime::Session::FromGraph(std::move(file.graph), Threads(kPoolThreads));
    for (int r = 0; r < kRunsPerThread; ++r) {
      run.outputs.push_back(
          RunSession(*session, inputs[static_cast<size_t>((first + r) % kInputs)]));
    }
  } catch (const std::exception& e) {
    run.error = e.what();
  }
}

TEST(ConcurrentSessions, CApiAndPooledSessionsOverOneBufferMatchOneThread) {
  for (const char* name : {"lenet5", "convnet"}) {
    const Bytes model = trit::format::SerializeModel(trit::zoo::BuildZooModel(name, 5));

    auto single = trit::runtime::Session::FromGraph(
        trit::format::ReadModelBytes(model.data(), model.size(), {}).graph, Threads(1));
    std::vector<Bytes> inputs, expected;
    for (int i = 0; i < kInputs; ++i) {
      inputs.push_back(MakeInput(single->input_bytes(0), i));
      expected.push_back(RunSession(*single, inputs.back()));
    }

    const int thread_count = kCApiThreads + kPooledThreads;
    std::vector<ThreadRun> runs(thread_count);
    std::latch start(thread_count);
    std::vector<std::thread> threads;
    for (int t = 0; t < thread_count; ++t) {
      if (t < kCApiThreads) {
        threads.emplace_back(RunThroughCApi, std::cref(model), std::cref(inputs), t,
                             std::ref(start), std::ref(runs[t]));
      } else {
        threads.emplace_back(RunPooled, std::cref(model), std::cref(inputs), t, std::ref(start),
                             std::ref(runs[t]));
      }
    }
    for (std::thread& thread : threads) thread.join();

    for (int t = 0; t < thread_count; ++t) {
      const ThreadRun& run = runs[static_cast<size_t>(t)];
      ASSERT_EQ(run.error, "") << name << ", thread " << t;
      ASSERT_EQ(run.outputs.size(), static_cast<size_t>(kRunsPerThread)) << name;
      for (int r = 0; r < kRunsPerThread; ++r) {
        EXPECT_EQ(run.outputs[static_cast<size_t>(r)],
                  expected[static_cast<size_t>((t + r) % kInputs)])
            << name << ", thread " << t << " (" << (t < kCApiThreads ? "C API" : "pooled")
            << "), run " << r;
      }
    }
  }
}

}  // namespace
