"""tfl.cuda: GPU availability and device information (works in every build; without a usable GPU the
count is 0 and unavailable_reason() says why)."""

from typing import Any, Dict, List

from ._lib import api

__all__ = ["is_available", "device_count", "unavailable_reason", "get_device_name", "get_device_properties",
           "device_info", "synchronize"]


def is_available() -> bool:
    return bool(api.cuda_is_available())


def device_count() -> int:
    return int(api.cuda_device_count())


def unavailable_reason() -> str:
    """Why CUDA cannot be used ('' when it can)."""
    r = api.cuda_unavailable_reason()
    return r.decode() if isinstance(r, bytes) else (r or "")


def get_device_name(device: int = 0) -> str:
    r = api.cuda_device_name(int(device))
    return r.decode() if isinstance(r, bytes) else r


def get_device_properties(device: int = 0) -> Dict[str, Any]:
    """Name, total_memory (bytes), major, minor (compute capability) and multiprocessors of one GPU."""
    for d in device_info()["devices"]:
        if d["type"] == "cuda" and d["index"] == int(device):
            return d
    get_device_name(int(device))  # raises DeviceError naming the problem
    raise RuntimeError("no CUDA device %d" % device)


def device_info() -> Dict[str, Any]:
    """All devices as a dict (see tfl.device_info)."""
    from ._utilities import device_info as impl

    return impl()


def devices() -> List[Dict[str, Any]]:
    return [d for d in device_info()["devices"] if d["type"] == "cuda"]


def synchronize(device: int = 0) -> None:
    api.cuda_synchronize(int(device))
