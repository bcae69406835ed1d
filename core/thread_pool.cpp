// A fixed pool of worker threads that split one parallel_for at a time into contiguous chunks.
#include "core/thread_pool.h"

#include <algorithm>
#include <condition_variable>
#include <exception>
#include <mutex>
#include <thread>
#include <vector>

#include "core/error.h"
#include "core/tls.h"
#include "kernels/cpu/blas.h"

namespace tfl {
namespace {

TFL_HOT_THREAD_LOCAL bool t_in_pool_task = false;

class ThreadPool {
 public:
  explicit ThreadPool(int n) { resize(n); }
  ~ThreadPool() { stop_workers(); }

  int size() const { return size_; }

  void resize(int n) {
    std::lock_guard<std::mutex> run_lock(run_mu_);
    stop_workers();
    size_ = n;
    stop_ = false;
    for (int i = 1; i < n; ++i) workers_.emplace_back([this] { worker_loop(); });
  }

  void run(int64_t n, int64_t grain, detail::RangeFn fn, void* ctx) {
    std::lock_guard<std::mutex> run_lock(run_mu_);  // one parallel region at a time
    int64_t max_chunks = (n + grain - 1) / grain;
    int64_t chunks = std::min<int64_t>(size_, max_chunks);
    uint64_t gen;
    {
      std::lock_guard<std::mutex> lock(mu_);
      fn_ = fn;
      ctx_ = ctx;
      n_ = n;
      chunks_ = chunks;
      next_chunk_ = 0;
      pending_ = chunks;
      error_ = nullptr;
      gen = ++generation_;
    }
    cv_.notify_all();
    work(gen);  // the caller is one of the threads
    std::unique_lock<std::mutex> lock(mu_);
    done_cv_.wait(lock, [this] { return pending_ == 0; });
    if (error_) std::rethrow_exception(error_);
  }

 private:
  // Claims and runs chunks of region `gen` until none is left. Claims happen under mu_ and check the
  // generation: a worker that wakes late for a finished region must not take (or read the job of) the
  // next one while run() is still setting it up.
  void work(uint64_t gen) {
    t_in_pool_task = true;
    for (;;) {
      int64_t begin, end;
      detail::RangeFn fn;
      void* ctx;
      {
        std::lock_guard<std::mutex> lock(mu_);
        if (generation_ != gen || next_chunk_ >= chunks_) break;
        int64_t c = next_chunk_++;
        begin = n_ * c / chunks_;
        end = n_ * (c + 1) / chunks_;
        fn = fn_;
        ctx = ctx_;
      }
      try {
        fn(ctx, begin, end);
      } catch (...) {
        std::lock_guard<std::mutex> lock(mu_);
        if (!error_) error_ = std::current_exception();
      }
      std::lock_guard<std::mutex> lock(mu_);
      if (--pending_ == 0) done_cv_.notify_all();
    }
    t_in_pool_task = false;
  }

  void worker_loop() {
    uint64_t seen = 0;
    for (;;) {
      {
        std::unique_lock<std::mutex> lock(mu_);
        cv_.wait(lock, [&] { return stop_ || generation_ != seen; });
        if (stop_) return;
        seen = generation_;
      }
      work(seen);
    }
  }

  void stop_workers() {
    {
      std::lock_guard<std::mutex> lock(mu_);
      stop_ = true;
    }
    cv_.notify_all();
    for (auto& t : workers_) t.join();
    workers_.clear();
  }

  std::mutex run_mu_;
  std::mutex mu_;
  std::condition_variable cv_, done_cv_;
  std::vector<std::thread> workers_;
  int size_ = 1;
  bool stop_ = false;
  uint64_t generation_ = 0;
  detail::RangeFn fn_ = nullptr;
  void* ctx_ = nullptr;
  int64_t n_ = 0, chunks_ = 0, pending_ = 0;
  int64_t next_chunk_ = 0;  // guarded by mu_
  std::exception_ptr error_;
};

int default_threads() {
  unsigned hc = std::thread::hardware_concurrency();
  return hc == 0 ? 1 : static_cast<int>(hc);
}

ThreadPool& pool() {
  // Leaked on purpose: joining threads during static destruction can deadlock at exit.
  static ThreadPool* p = new ThreadPool(default_threads());
  return *p;
}

}  // namespace

int num_threads() { return pool().size(); }

void set_num_threads(int n) {
  if (n < 1) TFL_THROW(InvalidArgumentError, "set_num_threads", "thread count must be >= 1, got ", n);
  if (t_in_pool_task) TFL_THROW(InvalidArgumentError, "set_num_threads", "cannot resize the pool from a pool task");
  pool().resize(n);
  blas_set_num_threads(n);
}

namespace detail {
void parallel_for_impl(int64_t n, int64_t grain, RangeFn fn, void* ctx) {
  if (t_in_pool_task || pool().size() == 1) {
    fn(ctx, 0, n);
    return;
  }
  pool().run(n, std::max<int64_t>(grain, 1), fn, ctx);
}
}  // namespace detail

}  // namespace tfl
