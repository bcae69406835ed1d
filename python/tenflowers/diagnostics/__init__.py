"""tfl.diagnostics: watching a training run — gradient flow per layer (vanishing/exploding warnings),
loss and metrics per step and epoch, and one self-contained HTML report that puts them together with the
op profiler, the memory profiler and the metrics.

    grad_flow = tfl.diagnostics.GradientFlowTracker(model)
    progress = tfl.diagnostics.ProgressTracker()
    ...  # per step: loss.backward(); grad_flow.record(); progress.log_step(loss=loss, n=len(yb))
    tfl.diagnostics.write_report("report.html", progress=progress, grad_flow=grad_flow)
"""

from .grad_flow import (ExplodingGradientWarning, Finding, GradientFlowTracker, GradientFlowWarning,
                        VanishingGradientWarning)
from .progress import ProgressTracker
from .report import render_report, write_report

__all__ = ["GradientFlowTracker", "GradientFlowWarning", "VanishingGradientWarning", "ExplodingGradientWarning",
           "Finding", "ProgressTracker", "write_report", "render_report"]
