"""tfl.data: NumPy .npy files and a DataLoader over tensors (core/data through the C API's tfl_dataloader)."""

import os
from typing import Any, Iterator, List, Optional, Tuple, Union

from ._lib import api
from ._tensor import Tensor, _as_tensor, _wrap

PathLike = Union[str, "os.PathLike[str]"]

__all__ = ["load_npy", "save_npy", "DataLoader"]


def load_npy(path: PathLike) -> Tensor:
    """Reads a .npy file written by numpy.save (C order, little-endian float16/32/64, int32/64, uint8,
    bool) into a new tensor. OSError (IoError) when it cannot be opened; DataLoadingError when it is not a
    .npy file this library can load (truncated, malformed header, fortran_order, big-endian, ...)."""
    return _wrap(api.data_load_npy(os.fsencode(path)))


def save_npy(path: PathLike, tensor: Any) -> None:
    """Writes a tensor as a version 1.0 .npy file that numpy.load reads back."""
    t = tensor if isinstance(tensor, Tensor) else _as_tensor(tensor, None)
    api.data_save_npy(os.fsencode(path), t._h)


class DataLoader:
    """Batches over tensors whose first dimension indexes samples, like torch.utils.data.DataLoader over a
    TensorDataset: iterating yields tuples of tensors (one per dataset tensor) of batch_size rows, the last
    batch smaller unless drop_last. With shuffle, each epoch (each iteration over the loader) visits a new
    permutation determined by seed and the epoch number. DataLoadingError for tensors whose first
    dimensions differ, 0-d tensors or batch_size < 1."""

    def __init__(self, *tensors: Any, batch_size: int = 1, shuffle: bool = False, seed: int = 0,
                 drop_last: bool = False) -> None:
        if len(tensors) == 1 and isinstance(tensors[0], (list, tuple)):
            tensors = tuple(tensors[0])
        self._tensors = [t if isinstance(t, Tensor) else _as_tensor(t, None) for t in tensors]
        self.batch_size = batch_size
        self.shuffle = shuffle
        self.drop_last = drop_last
        self._h = api.dataloader_create([t._h for t in self._tensors], batch_size, shuffle, seed, drop_last)
        self._n = len(self._tensors)
        self._started = False

    def __len__(self) -> int:
        return api.dataloader_len(self._h)

    @property
    def num_samples(self) -> int:
        return api.dataloader_num_samples(self._h)

    def __iter__(self) -> Iterator[Tuple[Tensor, ...]]:
        # The loader's first epoch is ready at creation; each later iteration starts the next one.
        if self._started:
            api.dataloader_reset(self._h)
        self._started = True
        while True:
            batch = self._next()
            if batch is None:
                return
            yield batch

    def _next(self) -> Optional[Tuple[Tensor, ...]]:
        handles, count = api.dataloader_next(self._n, self._h)
        if count == 0:
            return None
        return tuple(_wrap(h) for h in handles[:count])

    def __repr__(self) -> str:
        return "DataLoader(num_samples=%d, batch_size=%d, shuffle=%s, drop_last=%s)" % (
            self.num_samples, self.batch_size, self.shuffle, self.drop_last)
