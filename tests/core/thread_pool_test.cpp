// Tests of the intra-op thread pool: coverage, exceptions, resizing.
#include <catch2/catch.hpp>

#include <atomic>
#include <memory>
#include <stdexcept>
#include <vector>

#include "core/error.h"
#include "core/thread_pool.h"

using namespace tfl;
using Catch::Contains;

namespace {

// Restores the thread count a test changed, even when it fails.
struct ThreadCountGuard {
  int saved = num_threads();
  ~ThreadCountGuard() { set_num_threads(saved); }
};

// Runs parallel_for(n, grain) and checks every index in [0, n) was visited exactly once, by chunks
// that are non-empty, ordered ranges inside [0, n).
void check_coverage(int64_t n, int64_t grain) {
  auto hits = std::make_unique<std::atomic<int>[]>(static_cast<size_t>(n > 0 ? n : 1));
  for (int64_t i = 0; i < n; ++i) hits[static_cast<size_t>(i)] = 0;
  std::atomic<bool> bad_range{false};
  parallel_for(n, grain, [&](int64_t b, int64_t e) {
    if (b < 0 || e > n || b >= e) bad_range = true;
    for (int64_t i = b; i < e && i < n && i >= 0; ++i) hits[static_cast<size_t>(i)].fetch_add(1);
  });
  INFO("n=" << n << " grain=" << grain << " threads=" << num_threads());
  CHECK_FALSE(bad_range.load());
  int64_t wrong = 0;
  for (int64_t i = 0; i < n; ++i) wrong += hits[static_cast<size_t>(i)].load() != 1;
  CHECK(wrong == 0);
}

}  // namespace

TEST_CASE("parallel_for visits every index exactly once", "[thread_pool]") {
  ThreadCountGuard guard;
  for (int threads : {1, 2, 3, 4}) {
    set_num_threads(threads);
    CHECK(num_threads() == threads);
    for (int64_t n : {0, 1, 2, 3, 7, 64, 100, 1000, 4097, 32769, 100003})
      for (int64_t grain : {0, 1, 2, 3, 7, 64, 1000, 100000}) check_coverage(n, grain);
  }
}

TEST_CASE("parallel_for stays correct over many back-to-back small regions", "[thread_pool]") {
  // Many short regions exercise the hand-over between one region and the next (workers waking late).
  ThreadCountGuard guard;
  for (int threads : {2, 3}) {
    set_num_threads(threads);
    std::atomic<int64_t> total{0};
    int64_t expected = 0;
    for (int rep = 0; rep < 20000; ++rep) {
      int64_t n = 2 + rep % 5;
      expected += n;
      parallel_for(n, 1, [&](int64_t b, int64_t e) { total.fetch_add(e - b); });
    }
    CHECK(total.load() == expected);
  }
}

TEST_CASE("parallel_for with n <= 0 calls nothing", "[thread_pool]") {
  int calls = 0;
  parallel_for(0, 1, [&](int64_t, int64_t) { ++calls; });
  parallel_for(-5, 1, [&](int64_t, int64_t) { ++calls; });
  CHECK(calls == 0);
}

TEST_CASE("parallel_for below the grain runs once on the caller", "[thread_pool]") {
  int calls = 0;
  int64_t got_b = -1, got_e = -1;
  parallel_for(10, 10, [&](int64_t b, int64_t e) {
    ++calls;
    got_b = b;
    got_e = e;
  });
  CHECK(calls == 1);
  CHECK(got_b == 0);
  CHECK(got_e == 10);
}

TEST_CASE("exceptions inside parallel_for reach the caller", "[thread_pool]") {
  ThreadCountGuard guard;
  for (int threads : {1, 2, 3}) {
    set_num_threads(threads);
    INFO("threads=" << threads);
    // Thrown by the chunk holding index 5000, whichever thread runs it.
    auto body = [](int64_t b, int64_t e) {
      if (b <= 5000 && 5000 < e) TFL_THROW(InvalidArgumentError, "test_op", "boom at ", 5000);
    };
    REQUIRE_THROWS_AS(parallel_for(10000, 100, body), InvalidArgumentError);
    REQUIRE_THROWS_WITH(parallel_for(10000, 100, body), Contains("[test_op] boom at 5000"));
    // Every chunk throws: still exactly one exception, and a plain std exception keeps its type.
    REQUIRE_THROWS_AS(parallel_for(10000, 10, [](int64_t, int64_t) { throw std::runtime_error("all"); }),
                      std::runtime_error);
    // The pool still works afterwards.
    check_coverage(50000, 100);
  }
}

TEST_CASE("nested parallel_for runs serially inside a task", "[thread_pool]") {
  ThreadCountGuard guard;
  set_num_threads(3);
  std::atomic<int64_t> total{0};
  parallel_for(1000, 10, [&](int64_t b, int64_t e) {
    for (int64_t i = b; i < e; ++i) parallel_for(100, 1, [&](int64_t ib, int64_t ie) { total += ie - ib; });
  });
  CHECK(total.load() == 1000 * 100);
}

TEST_CASE("set_num_threads validates its argument", "[thread_pool]") {
  ThreadCountGuard guard;
  REQUIRE_THROWS_AS(set_num_threads(0), InvalidArgumentError);
  REQUIRE_THROWS_WITH(set_num_threads(0), Contains("[set_num_threads]") && Contains("got 0"));
  REQUIRE_THROWS_AS(set_num_threads(-3), InvalidArgumentError);
  set_num_threads(1);
  CHECK(num_threads() == 1);
  set_num_threads(2);
  CHECK(num_threads() == 2);
  set_num_threads(3);
  CHECK(num_threads() == 3);
  // Resizing from inside a pool task is refused (the pool would join itself).
  REQUIRE_THROWS_WITH(parallel_for(1000, 1, [](int64_t, int64_t) { set_num_threads(2); }),
                      Contains("from a pool task"));
  CHECK(num_threads() == 3);
}
