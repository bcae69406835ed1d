// Tests of the host caching allocator: alignment, size classes, counters, limit, event log, threads.
#include <catch2/catch.hpp>

#include <cstdint>
#include <cstring>
#include <thread>
#include <vector>

#include "core/allocator.h"
#include "core/error.h"
#include "core/tensor.h"

using namespace tfl;
using Catch::Contains;

namespace {

HostAllocator& alloc() { return HostAllocator::instance(); }

// Restores limit and event log whatever a test does.
struct AllocatorGuard {
  ~AllocatorGuard() {
    alloc().set_limit(0);
    alloc().set_event_log(false);
    alloc().clear_events();
  }
};

}  // namespace

TEST_CASE("allocations are 64-byte aligned", "[allocator]") {
  std::vector<std::pair<void*, size_t>> blocks;
  for (size_t n : {size_t{0}, size_t{1}, size_t{3}, size_t{63}, size_t{64}, size_t{65}, size_t{1000},
                   size_t{4097}, size_t{1} << 20, (size_t{1} << 20) + 7}) {
    void* p = alloc().allocate(n);
    CHECK(reinterpret_cast<uintptr_t>(p) % 64 == 0);
    if (n > 0) std::memset(p, 0xab, n);  // the whole request is writable
    blocks.emplace_back(p, n);
  }
  for (auto& [p, n] : blocks) alloc().deallocate(p, n);
  Tensor t = Tensor::empty(Shape{3, 5}, DType::F16);
  CHECK(reinterpret_cast<uintptr_t>(t.data_ptr()) % kAllocAlignment == 0);
  alloc().deallocate(nullptr, 100);  // no-op
}

TEST_CASE("size classes round requests up", "[allocator]") {
  // Up to 1 KiB: multiples of 64.
  CHECK(HostAllocator::size_class(0) == 64);
  CHECK(HostAllocator::size_class(1) == 64);
  CHECK(HostAllocator::size_class(64) == 64);
  CHECK(HostAllocator::size_class(65) == 128);
  CHECK(HostAllocator::size_class(1000) == 1024);
  CHECK(HostAllocator::size_class(1024) == 1024);
  // Above: eighths of the enclosing power of two.
  CHECK(HostAllocator::size_class(1025) == 1280);  // 2048 / 8 = 256
  CHECK(HostAllocator::size_class(1500) == 1536);
  CHECK(HostAllocator::size_class(2048) == 2048);
  CHECK(HostAllocator::size_class(2049) == 2560);  // 4096 / 8 = 512
  CHECK(HostAllocator::size_class(5000) == 5120);  // 8192 / 8 = 1024
  CHECK(HostAllocator::size_class(size_t{1} << 20) == size_t{1} << 20);
  CHECK(HostAllocator::size_class((size_t{1} << 20) + 1) == 1310720);  // 5/8 of 2 MiB
  // Never below the request, at most 25% above it past 1 KiB.
  for (size_t n = 1; n < 200000; n += 97) {
    size_t c = HostAllocator::size_class(n);
    REQUIRE(c >= n);
    REQUIRE(c % 64 == 0);
    if (n > 1024) REQUIRE(c <= n + n / 4);
  }
}

TEST_CASE("counters track live, peak, allocations, frees, hits, misses and cached bytes", "[allocator]") {
  alloc().empty_cache();
  MemoryStats s0 = alloc().stats();
  CHECK(s0.cached_bytes == 0);
  const size_t n = 3000;  // class 3072
  void* p = alloc().allocate(n);
  MemoryStats s1 = alloc().stats();
  CHECK(s1.allocations == s0.allocations + 1);
  CHECK(s1.cache_misses == s0.cache_misses + 1);  // the cache was empty
  CHECK(s1.cache_hits == s0.cache_hits);
  CHECK(s1.live_bytes == s0.live_bytes + 3072);
  CHECK(s1.peak_bytes >= s1.live_bytes);
  alloc().deallocate(p, n);
  MemoryStats s2 = alloc().stats();
  CHECK(s2.frees == s1.frees + 1);
  CHECK(s2.live_bytes == s0.live_bytes);
  CHECK(s2.cached_bytes == 3072);
  void* q = alloc().allocate(2900);  // same class: served from the cache
  MemoryStats s3 = alloc().stats();
  CHECK(q == p);
  CHECK(s3.cache_hits == s2.cache_hits + 1);
  CHECK(s3.cache_misses == s2.cache_misses);
  CHECK(s3.cached_bytes == 0);
  alloc().deallocate(q, 2900);

  alloc().reset_peak();
  MemoryStats s4 = alloc().stats();
  CHECK(s4.peak_bytes == s4.live_bytes);
  void* a = alloc().allocate(1 << 16);
  void* b = alloc().allocate(1 << 16);
  alloc().deallocate(a, 1 << 16);
  alloc().deallocate(b, 1 << 16);
  MemoryStats s5 = alloc().stats();
  CHECK(s5.peak_bytes == s4.live_bytes + 2 * (1 << 16));
  CHECK(s5.live_bytes == s4.live_bytes);
  CHECK(s5.cached_bytes > 0);

  alloc().empty_cache();
  CHECK(alloc().stats().cached_bytes == 0);
  void* c = alloc().allocate(1 << 16);  // nothing cached any more
  CHECK(alloc().stats().cache_misses == s5.cache_misses + 1);
  alloc().deallocate(c, 1 << 16);
}

TEST_CASE("tensors return their memory when the last view goes away", "[allocator]") {
  MemoryStats before = alloc().stats();
  {
    Tensor t = Tensor::empty(Shape{100}, DType::F64);  // 800 bytes -> class 832
    Tensor view = t.as_strided(Shape{10}, Strides{2}, 1);
    CHECK(alloc().stats().live_bytes == before.live_bytes + 832);
    t = Tensor();
    CHECK(alloc().stats().live_bytes == before.live_bytes + 832);  // the view keeps it alive
  }
  MemoryStats after = alloc().stats();
  CHECK(after.live_bytes == before.live_bytes);
  CHECK(after.frees == before.frees + 1);
}

TEST_CASE("the memory limit raises OutOfMemoryError naming the op", "[allocator]") {
  AllocatorGuard guard;
  REQUIRE_THROWS_AS(alloc().set_limit(-1), InvalidArgumentError);
  int64_t live = alloc().stats().live_bytes;
  alloc().set_limit(live + 4096);
  CHECK(alloc().stats().limit_bytes == live + 4096);
  void* ok = alloc().allocate(4096);  // exactly at the limit is allowed
  alloc().deallocate(ok, 4096);
  {
    MemoryOpScope scope("my_big_op");
    REQUIRE_THROWS_AS(alloc().allocate(8192), OutOfMemoryError);
    REQUIRE_THROWS_WITH(alloc().allocate(8192), Contains("[my_big_op]") && Contains("8192 bytes") &&
                                                    Contains("memory limit of " + std::to_string(live + 4096)));
    REQUIRE_THROWS_AS(Tensor::empty(Shape{4096}, DType::F32), OutOfMemoryError);
  }
  REQUIRE_THROWS_WITH(alloc().allocate(8192), Contains("[unknown]"));
  MemoryStats s = alloc().stats();
  CHECK(s.live_bytes == live);  // failed requests leave nothing behind
  alloc().set_limit(0);
  void* p = alloc().allocate(8192);
  alloc().deallocate(p, 8192);
}

TEST_CASE("the event log records op names from MemoryOpScope", "[allocator]") {
  AllocatorGuard guard;
  alloc().clear_events();
  void* p0 = alloc().allocate(10);  // logging off: not recorded
  alloc().deallocate(p0, 10);
  CHECK(alloc().events().empty());
  alloc().set_event_log(true);
  {
    MemoryOpScope outer("outer_op");
    void* a = alloc().allocate(100);
    {
      MemoryOpScope inner("inner_op");
      void* b = alloc().allocate(2000);
      alloc().deallocate(b, 2000);
    }
    alloc().deallocate(a, 100);  // back to the outer name
  }
  void* c = alloc().allocate(64);
  alloc().deallocate(c, 64);
  alloc().set_event_log(false);
  auto ev = alloc().events();
  REQUIRE(ev.size() == 6);
  CHECK(ev[0].kind == MemoryEventKind::Alloc);
  CHECK(std::string(ev[0].op) == "outer_op");
  CHECK(ev[0].bytes == 128);
  CHECK(ev[1].kind == MemoryEventKind::Alloc);
  CHECK(std::string(ev[1].op) == "inner_op");
  CHECK(ev[1].bytes == 2048);
  CHECK(ev[2].kind == MemoryEventKind::Free);
  CHECK(std::string(ev[2].op) == "inner_op");
  CHECK(ev[3].kind == MemoryEventKind::Free);
  CHECK(std::string(ev[3].op) == "outer_op");
  CHECK(ev[3].bytes == 128);
  CHECK(std::string(ev[4].op) == "unknown");
  CHECK(std::string(ev[5].op) == "unknown");
  for (size_t i = 1; i < ev.size(); ++i) CHECK(ev[i].time_ns >= ev[i - 1].time_ns);
  alloc().clear_events();
  CHECK(alloc().events().empty());
}

TEST_CASE("the allocator is safe under concurrent use", "[allocator][threads]") {
  MemoryStats before = alloc().stats();
  const int kThreads = 4, kIters = 2000;
  std::vector<std::thread> threads;
  std::vector<int> corrupt(kThreads, 0);
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([t, &corrupt] {
      std::vector<std::pair<unsigned char*, size_t>> held;
      for (int i = 0; i < kIters; ++i) {
        size_t n = 16 + static_cast<size_t>((i * 7919 + t * 104729) % 5000);
        auto* p = static_cast<unsigned char*>(alloc().allocate(n));
        std::memset(p, t + 1, n);  // each thread writes its own pattern
        held.emplace_back(p, n);
        if (held.size() > 8) {
          auto [q, m] = held.front();
          for (size_t k = 0; k < m; ++k) corrupt[static_cast<size_t>(t)] += q[k] != t + 1;
          alloc().deallocate(q, m);
          held.erase(held.begin());
        }
      }
      for (auto& [q, m] : held) alloc().deallocate(q, m);
    });
  }
  for (auto& th : threads) th.join();
  for (int c : corrupt) CHECK(c == 0);  // no block was handed to two threads at once
  MemoryStats after = alloc().stats();
  CHECK(after.allocations - before.allocations == kThreads * kIters);
  CHECK(after.frees - before.frees == kThreads * kIters);
  CHECK(after.live_bytes == before.live_bytes);
  CHECK(after.cache_hits + after.cache_misses - before.cache_hits - before.cache_misses == kThreads * kIters);
}
