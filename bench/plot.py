"""Plots the suite's ratios (time tenflowers / time reference, log scale, 1 = parity) from results.json
into PNGs: one bar chart per reference library.  plot.py results.json OUT_DIR"""
import json
import os
import sys

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402


def main():
    res = json.load(open(sys.argv[1]))
    out = sys.argv[2]
    os.makedirs(out, exist_ok=True)
    refs = sorted({r["ref"] for r in res["rows"]})
    for ref in refs:
        rows = [r for r in res["rows"] if r["ref"] == ref]
        labels = [f"{r['case']} ({r['threads']}t)" for r in rows]
        ratios = [r["ratio"] for r in rows]
        fig, ax = plt.subplots(figsize=(8, 0.32 * len(rows) + 1.4))
        colors = ["#2a9d8f" if x <= 1 else "#e76f51" for x in ratios]
        ax.barh(range(len(rows)), ratios, color=colors)
        ax.set_yticks(range(len(rows)))
        ax.set_yticklabels(labels, fontsize=8)
        ax.invert_yaxis()
        ax.set_xscale("log")
        ax.axvline(1.0, color="black", linewidth=0.8)
        for i, x in enumerate(ratios):
            ax.text(x, i, f" {x:.2f}", va="center", fontsize=7)
        ax.set_xlabel("time tenflowers / time reference (log; < 1: tenflowers faster)")
        ax.set_title(f"tenflowers vs {ref} ({res['date'][:10]}, {res['machine']['cpu']})", fontsize=9)
        fig.tight_layout()
        path = os.path.join(out, f"bench_vs_{ref}.png")
        fig.savefig(path, dpi=110)
        plt.close(fig)
        print("plot.py: wrote", path)


if __name__ == "__main__":
    main()
