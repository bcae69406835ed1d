// The storage model of the library's hot per-thread state.
#pragma once

// Note [Thread-local model]
// In a shared library the default model reaches every thread_local through a call to __tls_get_addr;
// a 1-element op touches such state ~10 times (grad mode, memory tags, the handle and tensor block
// caches), which measured ~165 instructions of the ~1300 an op costs. The initial-exec model (a fixed
// offset from the thread pointer) removed them, but it marks the library STATIC_TLS: loaded with dlopen
// (Python's cffi does) it must then fit all its TLS — 12 KiB once the static CUDA runtime is linked in —
// into glibc's small static surplus, and the load failed ("cannot allocate memory in static TLS
// block"). So the library keeps the dynamic model but is compiled with TLS descriptors
// (-mtls-dialect=gnu2, CMakeLists.txt), whose accessor returns a precomputed offset without a call into
// __tls_get_addr when the library's TLS sits in the static block, and still works under dlopen.
// The object-pool cache stays trivially destructible so that it needs no TLS guard variable.
#define TFL_HOT_THREAD_LOCAL thread_local
