"""tfl.optim: optimizers and learning-rate schedulers. The classes arrive with the C optimizer API
(tfl_optimizer, tfl_scheduler); their generated wrappers appear in tenflowers._lib.api on regenerate."""

__all__: list = []
