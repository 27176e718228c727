#include "train/trainer.h"

#include <dlfcn.h>

#include <chrono>
#include <cmath>
#include <filesystem>
#include <thread>

#include "core/error.h"
#include "train/torch_graph.h"

namespace trit::train {
namespace {

torch::Tensor ToTensor(const std::vector<float>& images, int64_t count, const Shape& sample) {
  return torch::from_blob(const_cast<float*>(images.data()),
                          {count, sample[0], sample[1], sample[2]}, torch::kFloat32)
      .clone();
}

double LearningRate(const TrainOptions& o, int64_t epoch, int64_t step, int64_t steps) {
  const double progress = (static_cast<double>(epoch) + static_cast<double>(step) / steps) /
                          static_cast<double>(o.epochs);
  if (o.schedule == "cosine") return o.learning_rate * 0.5 * (1.0 + std::cos(M_PI * progress));
  if (o.schedule == "step") {
    return o.learning_rate * (progress < 0.5 ? 1.0 : (progress < 0.75 ? 0.1 : 0.01));
  }
  return o.learning_rate;
}

std::unique_ptr<torch::optim::Optimizer> MakeOptimizer(TrainableGraph& module,
                                                       const TrainOptions& o) {
  if (o.optimizer == "sgd") {
    return std::make_unique<torch::optim::SGD>(module.parameters(),
                                               torch::optim::SGDOptions(o.learning_rate)
                                                   .momentum(0.9)
                                                   .nesterov(true)
                                                   .weight_decay(o.weight_decay));
  }
  if (o.optimizer == "adam") {
    return std::make_unique<torch::optim::Adam>(
        module.parameters(),
        torch::optim::AdamOptions(o.learning_rate).weight_decay(o.weight_decay));
  }
  throw Error(ErrorCode::kInvalidArgument, "unknown optimizer '" + o.optimizer + "' (sgd, adam)");
}

void SetLearningRate(torch::optim::Optimizer& optimizer, double lr) {
  for (auto& group : optimizer.param_groups()) group.options().set_lr(lr);
}

}  // namespace

double Accuracy(TrainableGraph& module, const data::Dataset& set, const data::BatchOptions& base) {
  data::BatchOptions options = base;
  options.shuffle = false;
  options.crop_padding = 0;
  options.horizontal_flip = false;
  options.batch_size = std::min<int64_t>(base.batch_size, 64);  // big batches page-fault
  data::Batcher batcher(set, options);
  module.eval();
  torch::NoGradGuard no_grad;
  std::vector<float> images;
  std::vector<int32_t> labels;
  int64_t correct = 0;
  while (batcher.Next(images, labels)) {
    const auto count = static_cast<int64_t>(labels.size());
    const torch::Tensor logits = module.forward(ToTensor(images, count, options.input_shape));
    const torch::Tensor predicted = logits.argmax(1);
    for (int64_t i = 0; i < count; ++i)
      correct += predicted[i].item<int64_t>() == labels[static_cast<size_t>(i)];
  }
  return static_cast<double>(correct) / static_cast<double>(set.count());
}

Graph Train(const Graph& graph, const data::Dataset& train_set, const data::Dataset* test_set,
            const TrainOptions& o, const std::function<void(const EpochReport&)>& report) {
  torch::manual_seed(o.seed);  // the module's own initialisation is deterministic too
  TorchGraph module(graph);
  if (o.recurrent_sparsity > 0) module.PruneRecurrent(o.recurrent_sparsity);
  return TrainModule(module, train_set, test_set, o, report);
}

Graph TrainModule(TrainableGraph& module, const data::Dataset& train_set,
                  const data::Dataset* test_set, const TrainOptions& o,
                  const std::function<void(const EpochReport&)>& report) {
  if (o.epochs < 1 || o.batch_size < 1 || !(o.learning_rate > 0)) {
    throw Error(ErrorCode::kInvalidArgument, "epochs, batch and learning rate must be positive");
  }
  torch::manual_seed(o.seed);
  // LibTorch splits its ops across threads itself; an OpenBLAS below it (Debian's
  // libopenblas0-pthread, the BLAS of LibTorch's matrix products) with threads of its own would
  // fight it for the cores (3x slower here), so OpenBLAS runs single-threaded inside each.
  using SetThreads = void (*)(int);
  if (auto* set = reinterpret_cast<SetThreads>(dlsym(RTLD_DEFAULT, "openblas_set_num_threads"))) {
    set(1);
  }
  // All cores unless told otherwise (LibTorch's own default may be one thread here).
  torch::set_num_threads(o.threads > 0
                             ? o.threads
                             : static_cast<int>(std::max(1u, std::thread::hardware_concurrency())));
  const Shape& input = module.graph().value(module.graph().inputs()[0]).shape;
  data::BatchOptions batch_options = o.augment;
  batch_options.batch_size = o.batch_size;
  batch_options.shuffle = true;
  batch_options.seed = o.seed;
  batch_options.input_shape = Shape(input.begin() + 1, input.end());
  data::Batcher batcher(train_set, batch_options);
  auto optimizer = MakeOptimizer(module, o);

  std::unique_ptr<TorchGraph> teacher;
  if (o.teacher) {
    teacher = std::make_unique<TorchGraph>(*o.teacher);
    teacher->eval();
  }

  int64_t first_epoch = 0;
  if (o.resume) {
    if (o.checkpoint.empty() || !std::filesystem::exists(o.checkpoint)) {
      throw Error(ErrorCode::kIo, "--resume needs an existing checkpoint: '" + o.checkpoint + "'");
    }
    torch::serialize::InputArchive archive;
    archive.load_from(o.checkpoint);
    module.load(archive);
    torch::serialize::InputArchive optimizer_archive;
    archive.read("optimizer", optimizer_archive);
    optimizer->load(optimizer_archive);
    torch::Tensor epoch;
    archive.read("epoch", epoch);
    first_epoch = epoch.item<int64_t>();
  }

  const int64_t steps = batcher.batches_per_epoch();
  const auto start = std::chrono::steady_clock::now();
  int64_t samples_seen = 0;
  std::vector<float> images;
  std::vector<int32_t> labels;
  for (int64_t epoch = first_epoch; epoch < o.epochs; ++epoch) {
    module.train();
    batcher.StartEpoch(epoch);
    double loss_sum = 0.0;
    int64_t correct = 0, seen = 0, step = 0;
    while (batcher.Next(images, labels)) {
      SetLearningRate(*optimizer, LearningRate(o, epoch, step, steps));
      module.BeginStep((static_cast<double>(epoch) + static_cast<double>(step) / steps) /
                       static_cast<double>(o.epochs));
      const auto count = static_cast<int64_t>(labels.size());
      const torch::Tensor x = ToTensor(images, count, batch_options.input_shape);
      const torch::Tensor y =
          torch::from_blob(labels.data(), {count}, torch::kInt32).to(torch::kLong);
      optimizer->zero_grad();
      const torch::Tensor logits = module.forward(x);
      torch::Tensor loss = torch::nn::functional::cross_entropy(logits, y);
      if (teacher) {
        torch::Tensor teacher_logits;
        {
          torch::NoGradGuard no_grad;
          teacher_logits = teacher->forward(x);
        }
        const double t = o.temperature;
        const torch::Tensor soft =
            torch::kl_div(torch::log_softmax(logits / t, 1), torch::softmax(teacher_logits / t, 1),
                          at::Reduction::Mean) *
            (t * t) * logits.size(1);
        loss = (1.0 - o.distill_alpha) * loss + o.distill_alpha * soft;
      }
      loss.backward();
      optimizer->step();
      loss_sum += loss.item<double>() * static_cast<double>(count);
      correct += logits.argmax(1).eq(y).sum().item<int64_t>();
      seen += count;
      samples_seen += count;
      ++step;
      const double elapsed =
          std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
      EpochReport r;
      r.epoch = epoch + 1;
      r.epochs = o.epochs;
      r.step = step;
      r.steps = steps;
      r.loss = loss_sum / static_cast<double>(seen);
      r.accuracy = static_cast<double>(correct) / static_cast<double>(seen);
      r.samples_per_second = static_cast<double>(samples_seen) / elapsed;
      const double total = static_cast<double>((o.epochs - first_epoch) * train_set.count());
      r.seconds_left = (total - static_cast<double>(samples_seen)) / r.samples_per_second;
      if (step == steps) {
        r.epoch_done = true;
        if (test_set) r.test_accuracy = Accuracy(module, *test_set, batch_options);
      }
      report(r);
    }
    if (!o.checkpoint.empty()) {
      torch::serialize::OutputArchive archive;
      module.save(archive);
      torch::serialize::OutputArchive optimizer_archive;
      optimizer->save(optimizer_archive);
      archive.write("optimizer", optimizer_archive);
      archive.write("epoch", torch::tensor(epoch + 1, torch::kLong));
      const std::string temp = o.checkpoint + ".tmp";
      archive.save_to(temp);
      std::filesystem::rename(temp, o.checkpoint);
    }
  }
  module.eval();
  return module.ExportGraph();
}

}  // namespace trit::train
