// The host caching allocator. See Note [Size classes].
#include <chrono>
#include <cstdlib>
#include <array>
#include <atomic>
#include <mutex>
#include <thread>
#include <unordered_set>

#include "core/allocator.h"
#include "core/error.h"
#include "core/op_profiler.h"
#include "core/tls.h"

namespace tfl {

// Note [Size classes]
// Up to 1 KiB requests round to 64-byte multiples; above, to an eighth of the enclosing power of two
// (so at most 20% slack). Equal classes make a freed block reusable for any request of its class,
// which is what lets a loop of same-shaped ops run on recycled, already-faulted pages.
size_t HostAllocator::size_class(size_t nbytes) {
  if (nbytes == 0) return kAllocAlignment;
  if (nbytes <= 1024) return (nbytes + kAllocAlignment - 1) / kAllocAlignment * kAllocAlignment;
  size_t pow2 = size_t{1} << (64 - __builtin_clzll(nbytes - 1));
  size_t step = pow2 / 8;  // classes at 5/8, 6/8, 7/8, 8/8 of pow2
  return (nbytes + step - 1) / step * step;
}

namespace {
constexpr const char* kUnknownOp = "unknown";
// The op name and the innermost MemoryOpTag the op profiler times (or null), together so that a tag's
// destructor reaches both through one thread-local address computation.
struct OpTagState {
  const char* current_op;
  const void* timed_tag;
};
TFL_HOT_THREAD_LOCAL OpTagState t_op_tag{kUnknownOp, nullptr};
TFL_HOT_THREAD_LOCAL const char* t_current_module = "";
// The innermost MemoryModuleScope of this thread that the op profiler times, or null.
TFL_HOT_THREAD_LOCAL const void* t_timed_module = nullptr;

// Module names are dynamic strings; events keep a pointer, so each distinct name lives for the process.
const char* intern_module_name(const std::string& name) {
  static std::mutex* mu = new std::mutex();
  static auto* names = new std::unordered_set<std::string>();
  std::lock_guard<std::mutex> lock(*mu);
  return names->insert(name).first->c_str();
}

// Index of a size class (see Note [Size classes]): 16 classes of 64-byte steps up to 1 KiB, then 4 per
// power of two. An array indexed by it replaces a hash lookup on every allocation.
constexpr size_t kNumClasses = 16 + 4 * 54;
size_t class_index(size_t cls) {
  if (cls <= 1024) return cls / kAllocAlignment - 1;
  int log2_pow2 = 64 - __builtin_clzll(cls - 1);  // cls in (pow2/2, pow2]
  size_t step = (size_t{1} << log2_pow2) / 8;
  return 16 + static_cast<size_t>(log2_pow2 - 11) * 4 + (cls / step - 5);
}

// Inverse of class_index.
size_t class_of_index(size_t i) {
  if (i < 16) return (i + 1) * kAllocAlignment;
  const size_t j = i - 16;
  const size_t step = (size_t{1} << (j / 4 + 11)) / 8;
  return (j % 4 + 5) * step;
}

int64_t now_ns() {
  static const auto start = std::chrono::steady_clock::now();
  return std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::steady_clock::now() - start)
      .count();
}
}  // namespace

// The allocator's critical sections are a few loads and stores: a spin lock costs a fraction of a
// mutex when uncontended and yields the core when another thread holds it for long.
class SpinLock {
 public:
  void lock() {
    for (int spins = 0; flag_.exchange(true, std::memory_order_acquire); ++spins) {
      while (flag_.load(std::memory_order_relaxed)) {
        if (++spins > 64) std::this_thread::yield();
        else __builtin_ia32_pause();
      }
    }
  }
  void unlock() { flag_.store(false, std::memory_order_release); }

 private:
  std::atomic<bool> flag_{false};
};

struct HostAllocator::State {
  mutable SpinLock mu;
  std::array<std::vector<void*>, kNumClasses> free_lists;  // by class_index
  MemoryStats stats;
  bool log_events = false;
  std::vector<MemoryEvent> events;

  void release_cache_locked() {
    for (auto& blocks : free_lists) {
      for (void* p : blocks) std::free(p);
      blocks.clear();
    }
    stats.cached_bytes = 0;
  }
};

HostAllocator& HostAllocator::instance() {
  // Leaked on purpose: tensors held in static objects may be freed after exit handlers run.
  static HostAllocator* inst = new HostAllocator();
  return *inst;
}

HostAllocator::State& HostAllocator::state() const {
  static State* s = new State();
  return *s;
}

void* HostAllocator::allocate(size_t nbytes) {
  size_t cls = size_class(nbytes);
  State& s = state();
  std::lock_guard<SpinLock> lock(s.mu);
  if (s.stats.limit_bytes > 0 && s.stats.live_bytes + static_cast<int64_t>(cls) > s.stats.limit_bytes)
    TFL_THROW(OutOfMemoryError, t_op_tag.current_op, "allocating ", nbytes, " bytes would exceed the memory limit of ",
              s.stats.limit_bytes, " bytes (", s.stats.live_bytes, " bytes live)");
  void* p = nullptr;
  bool from_cache = false;
  std::vector<void*>& bin = s.free_lists[class_index(cls)];
  if (!bin.empty()) {
    p = bin.back();
    bin.pop_back();
    s.stats.cached_bytes -= static_cast<int64_t>(cls);
    ++s.stats.cache_hits;
    from_cache = true;
  } else {
    p = std::aligned_alloc(kAllocAlignment, cls);
    if (p == nullptr) {
      // The cache may hold what the system cannot give: return it and try once more.
      s.release_cache_locked();
      p = std::aligned_alloc(kAllocAlignment, cls);
    }
    if (p == nullptr)
      TFL_THROW(OutOfMemoryError, t_op_tag.current_op, "the system could not provide ", nbytes, " bytes");
    ++s.stats.cache_misses;
  }
  ++s.stats.allocations;
  s.stats.live_bytes += static_cast<int64_t>(cls);
  if (s.stats.live_bytes > s.stats.peak_bytes) s.stats.peak_bytes = s.stats.live_bytes;
  if (s.log_events)
    s.events.push_back({MemoryEventKind::Alloc, static_cast<int64_t>(cls), now_ns(), t_op_tag.current_op, t_current_module,
                        s.stats.live_bytes, s.stats.cached_bytes, from_cache});
  return p;
}

void HostAllocator::deallocate(void* ptr, size_t nbytes) {
  if (ptr == nullptr) return;
  size_t cls = size_class(nbytes);
  State& s = state();
  std::lock_guard<SpinLock> lock(s.mu);
  s.free_lists[class_index(cls)].push_back(ptr);
  s.stats.cached_bytes += static_cast<int64_t>(cls);
  s.stats.live_bytes -= static_cast<int64_t>(cls);
  ++s.stats.frees;
  if (s.log_events)
    s.events.push_back({MemoryEventKind::Free, static_cast<int64_t>(cls), now_ns(), t_op_tag.current_op, t_current_module,
                        s.stats.live_bytes, s.stats.cached_bytes, false});
}

MemoryStats HostAllocator::stats() const {
  std::lock_guard<SpinLock> lock(state().mu);
  return state().stats;
}

std::vector<CachedClass> HostAllocator::cached_blocks() const {
  std::vector<CachedClass> out;
  std::lock_guard<SpinLock> lock(state().mu);
  for (size_t i = 0; i < kNumClasses; ++i)
    if (!state().free_lists[i].empty())
      out.push_back({class_of_index(i), static_cast<int64_t>(state().free_lists[i].size())});
  return out;  // ascending: class_index is monotonic in the class
}

void HostAllocator::reset_peak() {
  std::lock_guard<SpinLock> lock(state().mu);
  state().stats.peak_bytes = state().stats.live_bytes;
}

void HostAllocator::empty_cache() {
  std::lock_guard<SpinLock> lock(state().mu);
  state().release_cache_locked();
}

void HostAllocator::set_limit(int64_t bytes) {
  if (bytes < 0) TFL_THROW(InvalidArgumentError, "memory_set_limit", "limit must be >= 0, got ", bytes);
  std::lock_guard<SpinLock> lock(state().mu);
  state().stats.limit_bytes = bytes;
}

void HostAllocator::set_event_log(bool enabled) {
  std::lock_guard<SpinLock> lock(state().mu);
  state().log_events = enabled;
}

std::vector<MemoryEvent> HostAllocator::events() const {
  std::lock_guard<SpinLock> lock(state().mu);
  return state().events;
}

void HostAllocator::clear_events() {
  std::lock_guard<SpinLock> lock(state().mu);
  state().events.clear();
}

const char* current_memory_op() { return t_op_tag.current_op == kUnknownOp ? nullptr : t_op_tag.current_op; }

MemoryOpScope::MemoryOpScope(const char* op) : prev_(t_op_tag.current_op) { t_op_tag.current_op = op; }
MemoryOpScope::~MemoryOpScope() { t_op_tag.current_op = prev_; }

// Op entry points open this tag, which makes it the op profiler's choke point (Note [Op profiler]): one
// relaxed load when the profiler is off, and a compare in the destructor. The tag (whose layout is ABI of
// every op file) has no room for a flag, so the innermost timed tag's address marks it instead: addresses
// of live tags on one thread are distinct, and the profiler's frame keeps the address it replaced.
// The profiler's side of a tag, out of line so that the common path needs no stack frame.
__attribute__((noinline)) static void time_op_tag(const MemoryOpTag* tag, const char* op) {
  if (profiler_detail::op_enter(op, false, t_op_tag.timed_tag)) t_op_tag.timed_tag = tag;
}
__attribute__((noinline)) static void end_op_tag() { t_op_tag.timed_tag = profiler_detail::op_exit(); }

MemoryOpTag::MemoryOpTag(const char* op) {
  OpTagState& st = t_op_tag;
  prev_ = st.current_op;
  if (st.current_op == kUnknownOp) st.current_op = op;
  if (__builtin_expect(op_profiler_active(), 0)) time_op_tag(this, op);
}
MemoryOpTag::~MemoryOpTag() {
  OpTagState& st = t_op_tag;
  st.current_op = prev_;
  if (__builtin_expect(st.timed_tag == this, 0)) end_op_tag();
}

MemoryModuleScope::MemoryModuleScope(const std::string& module) : prev_(t_current_module) {
  t_current_module = intern_module_name(module);
  if (op_profiler_active() && profiler_detail::module_enter(t_current_module, t_timed_module)) t_timed_module = this;
}
MemoryModuleScope::~MemoryModuleScope() {
  if (t_timed_module == this) t_timed_module = profiler_detail::module_exit();
  t_current_module = prev_;
}
const char* MemoryModuleScope::current() { return t_current_module; }

}  // namespace tfl
