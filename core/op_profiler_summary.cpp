// Op profiler text: the summary table and the bottleneck sentence. See Note [Bottleneck sentence].
#include <algorithm>
#include <cctype>
#include <cstdio>
#include <string>

#include "core/op_profiler.h"

namespace tfl {

// Note [Bottleneck sentence]
// One sentence a user can act on. When more than half of the recorded wall time is outside every op, the
// ops are too small for their per-call cost (or the caller does much work between them), and no op is
// the bottleneck: the sentence says so. Otherwise it names the op with the largest self time, its
// category's share and the remedy for that category (GEMMs are compute-bound; elementwise ops and copies
// are memory-bound and gain from fusion and fewer temporaries).

namespace {

std::string fmt_ms(int64_t ns) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.3f", static_cast<double>(ns) * 1e-6);
  return buf;
}

std::string fmt_pct(int64_t part, int64_t whole) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.1f%%", whole > 0 ? 100.0 * static_cast<double>(part) / static_cast<double>(whole) : 0.0);
  return buf;
}

std::string fmt_us(double ns) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.1f us", ns * 1e-3);
  return buf;
}

const char* advice(OpCategory c) {
  switch (c) {
    case OpCategory::Blas:
      return "matrix multiplication is compute-bound: this is expected for dense models; to go faster use fewer "
             "or smaller layers, a lower precision (f16/bf16) or a GPU";
    case OpCategory::Elementwise:
      return "elementwise ops are memory-bound: fuse them (fused activations and losses), avoid temporaries and "
             "use the out= / in-place forms";
    case OpCategory::Reduction:
      return "reduce over contiguous axes, and avoid reducing the same tensor several times";
    case OpCategory::NN:
      return "convolution, pooling, attention and normalisation kernels dominate: reduce spatial sizes, channels "
             "or sequence length, or move to a GPU";
    case OpCategory::Memory:
      return "copies, casts and layout changes dominate: keep tensors in one dtype and layout, avoid contiguous() "
             "and repeated casts inside the loop";
    case OpCategory::Optimizer:
      return "the optimizer's update dominates: use a cheaper optimizer or fewer, larger parameter tensors";
    case OpCategory::Autograd:
      return "backward bookkeeping dominates: record less (no_grad for evaluation, detach what needs no gradient)";
    case OpCategory::Other:
      return "look at what calls it most often";
  }
  return "";
}

}  // namespace

std::string op_profile_bottleneck(const OpProfileReport& r) {
  if (r.total_ns <= 0 || r.ops.empty())
    return "Nothing was recorded: start the profiler (tfl_profiler_start) before running the model.";
  int64_t calls = 0;
  for (const auto& e : r.ops) calls += e.calls;
  if (2 * r.framework_overhead_ns > r.total_ns) {
    const double mean_op = calls > 0 ? static_cast<double>(r.op_ns) / static_cast<double>(calls) : 0.0;
    return "Framework overhead dominates: " + fmt_pct(r.framework_overhead_ns, r.total_ns) +
           " of the time is spent outside ops (" + std::to_string(calls) + " op calls averaging " + fmt_us(mean_op) +
           "); the ops are too small to amortise their per-call cost, so do more work per call (larger batches, "
           "fused ops) and less work between ops in the caller.";
  }
  const OpProfileEntry& top = r.ops.front();  // decreasing self time
  int best = 0;
  for (int c = 1; c < kNumOpCategories; ++c)
    if (r.category_ns[c] > r.category_ns[best]) best = c;
  const auto cat = static_cast<OpCategory>(best);
  const double mean = top.calls > 0 ? static_cast<double>(top.total_ns) / static_cast<double>(top.calls) : 0.0;
  std::string s = "Bottleneck: '" + top.name + "' (" + op_category_name(top.category) + ") takes " +
                  fmt_pct(top.self_ns, r.total_ns) + " of the time (" + std::to_string(top.calls) + " calls, " +
                  fmt_us(mean) + " each); the " + op_category_name(cat) + " category takes " +
                  fmt_pct(r.category_ns[best], r.total_ns) + " and framework overhead " +
                  fmt_pct(r.framework_overhead_ns, r.total_ns) + ". ";
  const std::string a = advice(top.category);
  s += static_cast<char>(std::toupper(static_cast<unsigned char>(a[0])));
  s += a.substr(1) + ".";
  return s;
}

std::string OpProfiler::summary(int max_rows) const {
  const OpProfileReport r = report();
  std::string out;
  char line[256];
  out += "Op profile: " + fmt_ms(r.total_ns) + " ms recorded, " + fmt_ms(r.op_ns) + " ms inside ops, " +
         fmt_ms(r.framework_overhead_ns) + " ms framework overhead" + (r.running ? " (still recording)" : "") + "\n\n";
  std::snprintf(line, sizeof line, "%-32s %-12s %8s %12s %12s %7s\n", "op", "category", "calls", "total ms",
                "self ms", "self %");
  out += line;
  int rows = 0;
  for (const auto& e : r.ops) {
    if (rows++ == max_rows) {
      out += "... " + std::to_string(r.ops.size() - static_cast<size_t>(max_rows)) + " more ops\n";
      break;
    }
    std::snprintf(line, sizeof line, "%-32.32s %-12s %8lld %12s %12s %7s\n", e.name.c_str(),
                  op_category_name(e.category), static_cast<long long>(e.calls), fmt_ms(e.total_ns).c_str(),
                  fmt_ms(e.self_ns).c_str(), fmt_pct(e.self_ns, r.total_ns).c_str());
    out += line;
  }
  out += "\ncategories (self time):\n";
  for (int c = 0; c < kNumOpCategories; ++c) {
    if (r.category_ns[c] == 0) continue;
    std::snprintf(line, sizeof line, "  %-20s %12s ms %7s\n", op_category_name(static_cast<OpCategory>(c)),
                  fmt_ms(r.category_ns[c]).c_str(), fmt_pct(r.category_ns[c], r.total_ns).c_str());
    out += line;
  }
  std::snprintf(line, sizeof line, "  %-20s %12s ms %7s\n", "framework_overhead", fmt_ms(r.framework_overhead_ns).c_str(),
                fmt_pct(r.framework_overhead_ns, r.total_ns).c_str());
  out += line;
  if (!r.modules.empty()) {
    out += "\nmodules:\n";
    rows = 0;
    for (const auto& m : r.modules) {
      if (rows++ == max_rows) break;
      std::snprintf(line, sizeof line, "  %-40.40s %8lld calls %12s ms total %12s ms self\n", m.path.c_str(),
                    static_cast<long long>(m.calls), fmt_ms(m.total_ns).c_str(), fmt_ms(m.self_ns).c_str());
      out += line;
    }
  }
  out += "\n" + r.bottleneck + "\n";
  return out;
}

}  // namespace tfl
