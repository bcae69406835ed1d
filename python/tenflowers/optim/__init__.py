"""tfl.optim: optimizers (SGD, Adam, AdamW, RMSprop, Adagrad, Lion) and tfl.optim.lr_scheduler, on the
core's tfl_optimizer / tfl_scheduler."""

from . import lr_scheduler
from .optimizer import SGD, Adagrad, Adam, AdamW, Lion, Optimizer, RMSprop

__all__ = ["Optimizer", "SGD", "Adam", "AdamW", "RMSprop", "Adagrad", "Lion", "lr_scheduler"]

# --- more optimizers (issue 9) ---
from .optim_more import AdaBelief, Adadelta, NAdam, RAdam  # noqa: E402

__all__ += ["AdaBelief", "RAdam", "NAdam", "Adadelta"]
