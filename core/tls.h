// The storage model of the library's hot per-thread state.
#pragma once

// Note [Thread-local model]
// In a shared library the default (global-dynamic) model reaches every thread_local through a call to
// __tls_get_addr; a 1-element op touches such state ~10 times (grad mode, memory tags, the handle and
// tensor block caches), which measured ~165 instructions of the ~1200 an op costs. The initial-exec
// model reads it at a fixed offset from the thread pointer instead. Its price: a library loaded with
// dlopen (Python's cffi does) takes its TLS from glibc's static surplus (512 bytes by default), so only
// small hot state uses it — keep the total of TFL_HOT_THREAD_LOCAL variables well under that.
#define TFL_HOT_THREAD_LOCAL thread_local __attribute__((tls_model("initial-exec")))
