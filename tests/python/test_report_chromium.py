# The training report opened in headless Chromium (Debian's chromium package, which scripts/setup.sh
# installs): its screenshot must show every plot, found by the exact colour each plot draws its data in.
# Chromium missing is a failure, not a skip: setup installs it.
import os
import shutil
import subprocess

import numpy as np
import pytest

from png_decode import decode_png
from report_fixture import PLOT_COLORS, build_inputs
from tenflowers.diagnostics import write_report

WIDTH, HEIGHT = 1200, 2000


def _chromium():
    for name in ("chromium", "chromium-browser", "google-chrome"):
        path = shutil.which(name)
        if path:
            return path
    pytest.fail("headless Chromium is not installed (scripts/setup.sh installs Debian's chromium package)")


def test_png_decoder_on_a_known_image(tmp_path):
    # A 3x2 RGB image written with each filter type by hand: the decoder must undo all five.
    import struct
    import zlib

    pix = np.array([[[10, 20, 30], [200, 100, 50], [255, 0, 7]],
                    [[11, 22, 33], [190, 110, 40], [0, 255, 9]]], dtype=np.uint8)
    h, w, bpp = pix.shape
    rows = []
    prev = np.zeros(w * bpp, dtype=np.int32)
    for r, ftype in enumerate((4, 3)):  # Paeth then Average (row 0 exercises a zero previous row)
        cur = pix[r].reshape(-1).astype(np.int32)
        filt = []
        for x in range(w * bpp):
            a = cur[x - bpp] if x >= bpp else 0
            b = prev[x]
            c = prev[x - bpp] if x >= bpp else 0
            if ftype == 3:
                pred = (a + b) // 2
            else:
                p = a + b - c
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                pred = a if pa <= pb and pa <= pc else b if pb <= pc else c
            filt.append((cur[x] - pred) & 255)
        rows.append(bytes([ftype]) + bytes(filt))
        prev = cur

    def chunk(kind, body):
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))

    png = (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, 8, 2, 0, 0, 0))
           + chunk(b"IDAT", zlib.compress(b"".join(rows))) + chunk(b"IEND", b""))
    path = tmp_path / "t.png"
    path.write_bytes(png)
    np.testing.assert_array_equal(decode_png(str(path)), pix)


def test_report_screenshot_in_headless_chromium_shows_every_plot(tmp_path):
    exe = _chromium()
    p, grad, prof, mem, metrics = build_inputs()
    report = write_report(str(tmp_path / "report.html"), progress=p, grad_flow=grad, profiler=prof, memory=mem,
                          metrics=metrics)
    shot = tmp_path / "report.png"
    cmd = [exe, "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars", "--no-first-run",
           "--user-data-dir=%s" % (tmp_path / "profile"), "--screenshot=%s" % shot,
           "--window-size=%d,%d" % (WIDTH, HEIGHT), "file://" + os.path.abspath(report)]
    res = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, timeout=300)
    assert res.returncode == 0 and shot.exists(), res.stdout.decode("utf-8", "replace")[-2000:]
    img = decode_png(str(shot))
    assert img.shape[:2] == (HEIGHT, WIDTH)
    rgb = img[:, :, :3]
    assert (rgb == 255).all(axis=2).mean() < 0.99  # not a blank page
    boxes = {}
    for pid, color in PLOT_COLORS.items():
        want = np.array([int(color[k:k + 2], 16) for k in (1, 3, 5)], dtype=np.uint8)
        ys, xs = np.nonzero((rgb == want).all(axis=2))
        # The data of each plot, not only its legend swatch (14x4 pixels): hundreds of pixels spread over
        # most of the plot's width.
        assert len(xs) >= 300, "%s: only %d pixels of %s in the screenshot" % (pid, len(xs), color)
        assert xs.max() - xs.min() >= 200, "%s: pixels of %s span only %d px" % (pid, color, xs.max() - xs.min())
        boxes[pid] = (xs.min(), xs.max(), ys.min(), ys.max())
    # Each plot in its own place: the regions holding the colours do not overlap.
    ids = list(boxes)
    for i, a in enumerate(ids):
        for b in ids[i + 1:]:
            (ax0, ax1, ay0, ay1), (bx0, bx1, by0, by1) = boxes[a], boxes[b]
            assert ax1 < bx0 or bx1 < ax0 or ay1 < by0 or by1 < ay0, "plots %s and %s overlap: %s %s" % (
                a, b, boxes[a], boxes[b])
