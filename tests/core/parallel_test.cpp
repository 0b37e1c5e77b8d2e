// The one thread helper (src/core/parallel.hpp): every index runs exactly once whatever the
// thread count, and a worker's exception reaches the caller after all threads joined.
#include "core/parallel.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <stdexcept>
#include <string>
#include <vector>

namespace entente::parallel {
namespace {

TEST(Parallel, OnThreadsRunsEveryWorkerOnce) {
  for (std::size_t workers : {1U, 2U, 5U}) {
    std::vector<std::atomic<int>> runs(workers);
    on_threads(workers, [&](std::size_t t) { ++runs[t]; });
    for (std::size_t t = 0; t < workers; ++t) EXPECT_EQ(runs[t].load(), 1) << workers;
  }
}

TEST(Parallel, OnThreadsRethrowsAWorkersExceptionAfterAllFinished) {
  std::atomic<int> finished{0};
  EXPECT_THROW(on_threads(4,
                          [&](std::size_t t) {
                            if (t == 2) throw std::runtime_error("worker 2");
                            ++finished;
                          }),
               std::runtime_error);
  EXPECT_EQ(finished.load(), 3);
}

TEST(Parallel, ParallelForVisitsEveryIndexOnce) {
  for (std::size_t threads : {1U, 2U, 3U, 64U}) {
    std::vector<int> hits(1000, 0);
    parallel_for(hits.size(), threads, [&](std::size_t i) { ++hits[i]; });
    for (std::size_t i = 0; i < hits.size(); ++i) ASSERT_EQ(hits[i], 1) << i << " " << threads;
  }
}

TEST(Parallel, ParallelForRethrowsTheLowestFailingIndexSeen) {
  // One thread takes the indices in order, so the first failure is index 10 and nothing
  // after it starts.
  std::atomic<int> started{0};
  try {
    parallel_for(100, 1, [&](std::size_t i) {
      ++started;
      if (i % 10 == 0 && i > 0) throw std::runtime_error(std::to_string(i));
    });
    FAIL() << "no exception";
  } catch (const std::runtime_error& e) {
    EXPECT_STREQ(e.what(), "10");
  }
  EXPECT_EQ(started.load(), 11);
  // On many threads every index below the lowest failing one is still reported as such.
  try {
    parallel_for(100, 4, [&](std::size_t i) {
      if (i == 7 || i == 93) throw std::runtime_error(std::to_string(i));
    });
    FAIL() << "no exception";
  } catch (const std::runtime_error& e) {
    EXPECT_TRUE(std::string(e.what()) == "7" || std::string(e.what()) == "93") << e.what();
  }
}

TEST(Parallel, ThreadGroupJoinsOnDestructionAndRethrowsOnJoin) {
  std::atomic<int> done{0};
  {
    ThreadGroup group;
    EXPECT_EQ(group.start(3, 0, [&](std::size_t) { ++done; }), 3U);
  }  // destroyed: joined, not terminated
  EXPECT_EQ(done.load(), 3);
  ThreadGroup group;
  group.start(2, 0, [](std::size_t t) {
    if (t == 1) throw std::logic_error("one");
  });
  EXPECT_THROW(group.join(), std::logic_error);
  EXPECT_NO_THROW(group.join());  // reported once
}

}  // namespace
}  // namespace entente::parallel
