"""Element types: DType objects (tfl.float32, ...) and conversions from names, Python and NumPy types."""

from typing import Any, Dict, Optional

from ._lib import lib


class DType:
    """An element type. Compares equal to itself and to its name ("float32")."""

    __slots__ = ("name", "code", "itemsize", "ctype", "typestr", "kind")

    def __init__(self, name: str, code: int, itemsize: int, ctype: str, typestr: Optional[str], kind: str) -> None:
        self.name = name
        self.code = code  # tfl_dtype value
        self.itemsize = itemsize
        self.ctype = ctype  # C element type for buffers ("" where C has none: f16, bf16)
        self.typestr = typestr  # NumPy array-interface typestr, None where NumPy has no such type (bf16)
        self.kind = kind  # "f" floating, "i" signed int, "u" unsigned int, "b" bool

    @property
    def is_floating_point(self) -> bool:
        return self.kind == "f"

    def __repr__(self) -> str:
        return "tenflowers." + self.name

    def __str__(self) -> str:
        return self.name

    def __eq__(self, other: Any) -> bool:
        if isinstance(other, DType):
            return other is self
        if isinstance(other, str):
            return other == self.name
        return NotImplemented

    def __hash__(self) -> int:
        return hash(self.name)

    def __reduce__(self):
        return (as_dtype, (self.name,))


float32 = DType("float32", lib.TFL_DTYPE_F32, 4, "float", "<f4", "f")
float64 = DType("float64", lib.TFL_DTYPE_F64, 8, "double", "<f8", "f")
float16 = DType("float16", lib.TFL_DTYPE_F16, 2, "", "<f2", "f")
bfloat16 = DType("bfloat16", lib.TFL_DTYPE_BF16, 2, "", None, "f")
int32 = DType("int32", lib.TFL_DTYPE_I32, 4, "int32_t", "<i4", "i")
int64 = DType("int64", lib.TFL_DTYPE_I64, 8, "int64_t", "<i8", "i")
uint8 = DType("uint8", lib.TFL_DTYPE_U8, 1, "uint8_t", "|u1", "u")
bool_ = DType("bool", lib.TFL_DTYPE_BOOL, 1, "bool", "|b1", "b")

ALL = (float32, float64, float16, bfloat16, int32, int64, uint8, bool_)
BY_CODE = {d.code: d for d in ALL}
_BY_NAME: Dict[str, DType] = {d.name: d for d in ALL}
_BY_NAME.update({"f32": float32, "f64": float64, "f16": float16, "bf16": bfloat16, "half": float16,
                 "float": float32, "double": float64, "i32": int32, "i64": int64, "int": int64, "long": int64,
                 "u8": uint8, "bool_": bool_})
# NumPy dtype name -> tenflowers dtype, for NumPy types tenflowers stores natively.
NUMPY_NATIVE = {"float32": float32, "float64": float64, "float16": float16, "int32": int32, "int64": int64,
                "uint8": uint8, "bool": bool_}
# NumPy types without a native equivalent are copied into the nearest wider type.
NUMPY_WIDEN = {"int8": int32, "int16": int32, "uint16": int32, "uint32": int64, "uint64": int64}

default_float = float32
default_int = int64


def as_dtype(d: Any) -> DType:
    """Converts a DType, a name, a Python type (float, int, bool) or a NumPy dtype into a DType."""
    if isinstance(d, DType):
        return d
    if isinstance(d, str):
        r = _BY_NAME.get(d)
        if r is not None:
            return r
    elif d is float:
        return default_float
    elif d is int:
        return default_int
    elif d is bool:
        return bool_
    else:
        name = getattr(d, "name", None) or getattr(d, "__name__", None)
        if name is not None:
            r = NUMPY_NATIVE.get(str(name))
            if r is not None:
                return r
    from ._lib import DTypeError

    raise DTypeError("unknown dtype %r; expected one of %s" % (d, ", ".join(x.name for x in ALL)))
