#include "evaluate.h"

#include <algorithm>
#include <cstring>
#include <thread>

#include "core/error.h"
#include "data/batcher.h"
#include "model_io.h"
#include "rank_classes.h"
#include "runtime/session.h"

namespace trit::cli {
namespace {

constexpr int64_t kBatch = 50;

struct Partial {
  int64_t top1 = 0, top5 = 0;
  std::vector<std::vector<int64_t>> confusion;
};

}  // namespace

Evaluation Evaluate(const Graph& graph, const data::Dataset& dataset, int threads, int64_t limit) {
  const int64_t total = limit > 0 ? std::min(limit, dataset.count()) : dataset.count();
  const Value& input = graph.value(graph.inputs().at(0));
  const Shape sample(input.shape.begin() + 1, input.shape.end());
  data::CheckFit(dataset, sample);
  Graph batched = graph;
  batched.value(batched.inputs()[0]).shape[0] = kBatch;
  batched.InferShapes();  // throws kShape if the graph cannot take a batch
  const int64_t classes = NumElements(batched.value(batched.outputs()[0]).shape) / kBatch;
  Evaluation result;
  result.samples = total;
  result.num_classes = static_cast<int32_t>(std::max<int64_t>(classes, dataset.num_classes));

  result.predictions.assign(static_cast<size_t>(total), -1);
  threads = std::max(1, threads);
  std::vector<Partial> partials(static_cast<size_t>(threads));
  std::vector<std::exception_ptr> errors(static_cast<size_t>(threads));
  const int64_t batches = (total + kBatch - 1) / kBatch;
  auto work = [&](int t) {
    try {
      auto session = runtime::Session::FromGraph(batched);
      Partial& p = partials[static_cast<size_t>(t)];
      p.confusion.assign(static_cast<size_t>(result.num_classes),
                         std::vector<int64_t>(static_cast<size_t>(result.num_classes), 0));
      data::BatchOptions options;
      options.batch_size = kBatch;
      options.input_shape = sample;
      data::Batcher batcher(dataset, options);
      std::vector<float> images;
      std::vector<int32_t> labels;
      for (int64_t b = 0; batcher.Next(images, labels); ++b) {
        if (b % threads != t || b >= batches) continue;
        const int64_t count =
            std::min<int64_t>(static_cast<int64_t>(labels.size()), total - b * kBatch);
        images.resize(static_cast<size_t>(kBatch * batcher.sample_size()),
                      0.0f);  // pad the last batch
        const Value& in = session->input(0);
        if (in.dtype != DType::kF32)
          throw Error(ErrorCode::kUnsupported, "eval of quantized inputs");
        std::memcpy(session->input_data(0), images.data(), session->input_bytes(0));
        session->Run();
        const std::vector<float> logits = OutputAsFloat(*session, 0);
        for (int64_t i = 0; i < count; ++i) {
          const float* row = logits.data() + i * classes;
          const std::vector<int64_t> order = RankClasses(row, classes, 5);
          const int32_t label = labels[static_cast<size_t>(i)];
          result.predictions[static_cast<size_t>(b * kBatch + i)] = static_cast<int32_t>(order[0]);
          p.top1 += order[0] == label;
          p.top5 += std::find(order.begin(), order.end(), label) != order.end();
          if (label < result.num_classes) {
            ++p.confusion[static_cast<size_t>(label)][static_cast<size_t>(order[0])];
          }
        }
      }
    } catch (...) {
      errors[static_cast<size_t>(t)] = std::current_exception();
    }
  };
  std::vector<std::thread> pool;
  for (int t = 1; t < threads; ++t) pool.emplace_back(work, t);
  work(0);
  for (auto& thread : pool) thread.join();
  for (const auto& e : errors) {
    if (e) std::rethrow_exception(e);
  }
  int64_t top1 = 0, top5 = 0;
  result.confusion.assign(static_cast<size_t>(result.num_classes),
                          std::vector<int64_t>(static_cast<size_t>(result.num_classes), 0));
  for (const Partial& p : partials) {
    top1 += p.top1;
    top5 += p.top5;
    for (size_t i = 0; i < p.confusion.size(); ++i) {
      for (size_t j = 0; j < p.confusion[i].size(); ++j)
        result.confusion[i][j] += p.confusion[i][j];
    }
  }
  result.top1 = static_cast<double>(top1) / static_cast<double>(total);
  if (classes > 5) result.top5 = static_cast<double>(top5) / static_cast<double>(total);
  return result;
}

}  // namespace trit::cli
