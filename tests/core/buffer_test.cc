#include "core/buffer.h"

#include <gtest/gtest.h>

#include <atomic>
#include <thread>
#include <vector>

namespace trit {
namespace {

TEST(Buffer, DeferredBytesAreProducedOnceOnFirstRead) {
  std::atomic<int> calls{0};
  const Buffer buffer = Buffer::Deferred(3, [&calls] {
    ++calls;
    return std::vector<uint8_t>{7, 8, 9};
  });
  const Buffer shared = buffer;  // a copy shares the bytes, and their producer
  EXPECT_EQ(buffer.size(), 3u);
  EXPECT_FALSE(buffer.produced());
  EXPECT_EQ(calls.load(), 0);
  std::vector<std::thread> readers;
  std::vector<const uint8_t*> seen(4);
  for (size_t t = 0; t < seen.size(); ++t) {
    readers.emplace_back([&, t] { seen[t] = (t % 2 ? shared : buffer).data(); });
  }
  for (std::thread& reader : readers) reader.join();
  EXPECT_EQ(calls.load(), 1);
  EXPECT_TRUE(buffer.produced());
  EXPECT_TRUE(shared.produced());
  for (const uint8_t* data : seen) EXPECT_EQ(data, buffer.data());
  EXPECT_EQ(buffer.as<uint8_t>()[2], 9);
}

TEST(Buffer, OwnedAndViewedBytesAreProduced) {
  EXPECT_TRUE(Buffer::Copy("ab", 2).produced());
  EXPECT_TRUE(Buffer().produced());
}

}  // namespace
}  // namespace trit
