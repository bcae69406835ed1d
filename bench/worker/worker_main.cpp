// The C++ benchmark worker: stands for tenflowers (--lib tfl) or the machine's raw references
// (--lib raw) and answers the driver's line protocol (bench/README.md), one sample per request, so
// that the driver can alternate samples of several libraries on the same machine load.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <iostream>
#include <memory>
#include <sstream>
#include <string>

#include "bench/worker/registry.h"
#include "core/thread_pool.h"
#include "kernels/cpu/blas.h"

namespace {

using Clock = std::chrono::steady_clock;

// The process's peak resident set (VmHWM), in KiB; -1 when /proc is unavailable.
long peak_rss_kib() {
  std::ifstream in("/proc/self/status");
  std::string line;
  while (std::getline(in, line))
    if (line.rfind("VmHWM:", 0) == 0) return std::strtol(line.c_str() + 6, nullptr, 10);
  return -1;
}

std::string json_escape(const std::string& s) {
  std::string r;
  for (char c : s) {
    if (c == '"' || c == '\\') r += '\\';
    if (c == '\n') {
      r += "\\n";
      continue;
    }
    r += c;
  }
  return r;
}

double time_runs(tfl::bench::Prepared& p, long n) {
  auto t0 = Clock::now();
  for (long i = 0; i < n; ++i) p.run();
  return std::chrono::duration<double>(Clock::now() - t0).count();
}

}  // namespace

int main(int argc, char** argv) {
  std::string lib = "tfl";
  int threads = 1;
  int peak_steps = 0;
  for (int i = 1; i < argc; ++i) {
    if (!std::strcmp(argv[i], "--lib") && i + 1 < argc) lib = argv[++i];
    else if (!std::strcmp(argv[i], "--threads") && i + 1 < argc) threads = std::atoi(argv[++i]);
    else if (!std::strcmp(argv[i], "--peak-mlp") && i + 1 < argc) peak_steps = std::atoi(argv[++i]);
    else {
      std::fprintf(stderr, "usage: %s [--lib tfl|raw] [--threads N] [--peak-mlp STEPS]\n", argv[0]);
      return 2;
    }
  }
  tfl::set_num_threads(threads);  // also sets OpenBLAS's count, for the raw references as well
  if (peak_steps > 0) {
    tfl::bench::tfl_mlp_loop(peak_steps);
    std::printf("peak_rss_kib %ld\n", peak_rss_kib());
    return 0;
  }
  const tfl::BlasInfo& blas = tfl::blas_info();
  auto cases = lib == "raw" ? tfl::bench::raw_cases() : tfl::bench::tfl_cases();
  std::printf("ready {\"lib\": \"%s\", \"threads\": %d, \"blas\": {\"library\": \"%s\", \"core\": \"%s\", "
              "\"forced\": %s, \"threads\": %d}}\n",
              lib.c_str(), tfl::num_threads(), json_escape(blas.library).c_str(), json_escape(blas.core).c_str(),
              blas.core_forced_by_user ? "true" : "false", blas.threads);
  std::fflush(stdout);

  std::unique_ptr<tfl::bench::Prepared> current;
  long inner = 1;
  std::string line;
  while (std::getline(std::cin, line)) {
    std::istringstream cmd(line);
    std::string verb;
    cmd >> verb;
    try {
      if (verb == "setup") {
        std::string name;
        double target = 0.05;
        cmd >> name >> target;
        current.reset();
        const tfl::bench::Case* found = nullptr;
        for (const auto& c : cases)
          if (c.name == name) found = &c;
        if (!found) {
          std::printf("skip not implemented by %s\n", lib.c_str());
        } else {
          current = found->make();
          current->run();  // warm-up: first-touch pages, caches, lazy initialisation
          const double once = time_runs(*current, 1);
          inner = once >= target ? 1 : std::max(1L, static_cast<long>(target / std::max(once, 1e-9)));
          std::printf("ok %ld\n", inner);
        }
      } else if (verb == "sample") {
        if (!current) throw std::runtime_error("no case set up");
        std::printf("%.9e\n", time_runs(*current, inner) / static_cast<double>(inner));
      } else if (verb == "teardown") {
        current.reset();
        std::printf("ok\n");
      } else if (verb == "quit") {
        break;
      } else {
        std::printf("error unknown command %s\n", verb.c_str());
      }
    } catch (const std::exception& e) {
      std::string msg = e.what();
      for (char& c : msg)
        if (c == '\n') c = ' ';
      std::printf("error %s\n", msg.c_str());
    }
    std::fflush(stdout);
  }
  return 0;
}
