// Training end to end on a small generated task: the loss falls, the runtime's accuracy on
// the exported graph equals LibTorch's, checkpoints resume to the same weights, and a teacher
// can be distilled.
#include "train/trainer.h"

#include <gtest/gtest.h>

#include <filesystem>

#include "core/error.h"
#include "format/model_file.h"
#include "runtime/session.h"
#include "train/input_normalization.h"
#include "zoo/graph_builder.h"

namespace trit::train {
namespace {

// 4x4 grey images; class = quadrant holding the bright pixel (4 classes).
data::Dataset Quadrants(int count, uint64_t seed) {
  data::Dataset d;
  d.name = "quadrants";
  d.sample_shape = {4, 4, 1};
  zoo::Random random(seed);
  for (int i = 0; i < count; ++i) {
    const int y = static_cast<int>(random.Next() % 4), x = static_cast<int>(random.Next() % 4);
    for (int p = 0; p < 16; ++p) d.samples.push_back(0.1f * random.Uniform(0.0f, 1.0f));
    d.samples[static_cast<size_t>(i * 16 + y * 4 + x)] = 1.0f;
    d.labels.push_back((y / 2) * 2 + x / 2);
  }
  d.num_classes = 4;
  return d;
}

Graph SmallNet(uint64_t seed) {
  zoo::GraphBuilder b(seed);
  ValueId x = b.Input({1, 4, 4, 1});
  x = b.Relu(b.Conv(x, 4, 3, 1, {1, 1, 1, 1}, true));
  x = b.Flatten(x);
  return b.Finish(b.Dense(x, 4));
}

double RuntimeAccuracy(const Graph& graph, const data::Dataset& d) {
  auto session = runtime::Session::FromGraph(graph);
  int correct = 0;
  for (int64_t i = 0; i < d.count(); ++i) {
    std::memcpy(session->input_data(0), d.sample(i), 16 * sizeof(float));
    session->Run();
    const auto* y = static_cast<const float*>(session->output_data(0));
    correct += std::max_element(y, y + 4) - y == d.labels[static_cast<size_t>(i)];
  }
  return static_cast<double>(correct) / static_cast<double>(d.count());
}

TrainOptions Options() {
  TrainOptions o;
  o.epochs = 4;
  o.batch_size = 16;
  o.learning_rate = 0.05;
  o.threads = 1;
  o.seed = 3;
  return o;
}

TEST(Trainer, LearnsAndTheRuntimeAgreesWithLibTorch) {
  const data::Dataset train = Quadrants(512, 1), test = Quadrants(200, 2);
  double first_loss = -1, last_loss = 0, libtorch_accuracy = 0;
  const Graph trained = Train(SmallNet(1), train, &test, Options(), [&](const EpochReport& r) {
    if (first_loss < 0) first_loss = r.loss;
    if (r.epoch_done) {
      last_loss = r.loss;
      libtorch_accuracy = r.test_accuracy;
    }
  });
  EXPECT_LT(last_loss, first_loss * 0.5);
  EXPECT_GT(libtorch_accuracy, 0.9);
  EXPECT_NEAR(RuntimeAccuracy(trained, test), libtorch_accuracy, 1e-9);
}

TEST(Trainer, SameSeedSameWeightsAndResumeContinues) {
  const data::Dataset train = Quadrants(256, 4);
  const auto quiet = [](const EpochReport&) {};
  const Graph a = Train(SmallNet(2), train, nullptr, Options(), quiet);
  const Graph b = Train(SmallNet(2), train, nullptr, Options(), quiet);
  EXPECT_EQ(format::SerializeModel(a), format::SerializeModel(b));

  // Two epochs, then resume to four: the same as four in one go.
  const std::string checkpoint =
      (std::filesystem::temp_directory_path() / ("trit_trainer_" + std::to_string(::getpid())))
          .string();
  TrainOptions first = Options();
  first.epochs = 4;
  first.checkpoint = checkpoint;
  TrainOptions halfway = first;
  // Train 2 of 4 epochs by stopping through an exception after epoch 2's checkpoint.
  struct Stop {};
  try {
    Train(SmallNet(2), train, nullptr, halfway, [](const EpochReport& r) {
      if (r.epoch == 3 && r.step == 1) throw Stop{};
    });
  } catch (const Stop&) {
  }
  TrainOptions resumed = first;
  resumed.resume = true;
  const Graph c = Train(SmallNet(2), train, nullptr, resumed, quiet);
  const std::vector<uint8_t> full = format::SerializeModel(a),
                             continued = format::SerializeModel(c);
  ASSERT_EQ(full.size(), continued.size());
  EXPECT_EQ(full, continued);
  std::filesystem::remove(checkpoint);
}

TEST(Trainer, DistillationFromATeacherRuns) {
  const data::Dataset train = Quadrants(256, 5), test = Quadrants(100, 6);
  const auto quiet = [](const EpochReport&) {};
  TrainOptions o = Options();
  o.teacher = Train(SmallNet(3), train, nullptr, Options(), quiet);
  o.distill_alpha = 0.7;
  double accuracy = 0;
  Train(SmallNet(4), train, &test, o, [&](const EpochReport& r) {
    if (r.epoch_done) accuracy = r.test_accuracy;
  });
  EXPECT_GT(accuracy, 0.8);
}

TEST(Trainer, NormalizationIsFoldedIntoTheModel) {
  const Graph plain = SmallNet(5);
  const Graph normalized = PrependNormalization(plain, {0.5f}, {0.25f});
  auto a = runtime::Session::FromGraph(plain);
  auto b = runtime::Session::FromGraph(normalized);
  std::vector<float> x(16), x_normalized(16);
  for (int i = 0; i < 16; ++i) {
    x[static_cast<size_t>(i)] = static_cast<float>(i) / 16.0f;
    x_normalized[static_cast<size_t>(i)] = (x[static_cast<size_t>(i)] - 0.5f) / 0.25f;
  }
  std::memcpy(a->input_data(0), x_normalized.data(), 64);
  std::memcpy(b->input_data(0), x.data(), 64);
  a->Run();
  b->Run();
  const auto* ya = static_cast<const float*>(a->output_data(0));
  const auto* yb = static_cast<const float*>(b->output_data(0));
  for (int i = 0; i < 4; ++i) EXPECT_NEAR(ya[i], yb[i], 1e-5f);
  EXPECT_THROW(PrependNormalization(plain, {0.1f, 0.2f}, {}), Error);
}

}  // namespace
}  // namespace trit::train
