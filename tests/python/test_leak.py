"""No leak across 1e5 tensor creations: RSS and the library's live-bytes counter stay flat."""

import gc

import tenflowers as tfl
from tenflowers import _lib


def rss_kib():
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return 0


def live_bytes():
    return _lib.api.memory_stat(_lib.lib.TFL_MEMORY_LIVE_BYTES)


def churn(n):
    a = tfl.ones((4, 4))
    for i in range(n):
        t = tfl.full((4, 4), float(i)) + a
        _ = t[1:, ::2].sum()


def test_no_leak_across_1e5_creations():
    churn(2000)  # warm caches, allocator pools and the interpreter
    gc.collect()
    rss0, live0 = rss_kib(), live_bytes()
    churn(100_000)
    gc.collect()
    rss1, live1 = rss_kib(), live_bytes()
    assert live1 <= live0
    # 1e5 iterations create ~5e5 tensors; a leak of even one 64-byte block each would add > 30 MiB.
    assert rss1 - rss0 < 8 * 1024, (rss0, rss1)
