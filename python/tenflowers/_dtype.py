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

    @property
    def is_integer(self) -> bool:
        """True for the integer types (bool is not one)."""
        return self.kind in "iu"

    @property
    def is_signed(self) -> bool:
        """True for floating types and signed integers."""
        return self.kind in "fi"

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
int8 = DType("int8", lib.TFL_DTYPE_I8, 1, "int8_t", "|i1", "i")
int16 = DType("int16", lib.TFL_DTYPE_I16, 2, "int16_t", "<i2", "i")
uint16 = DType("uint16", lib.TFL_DTYPE_U16, 2, "uint16_t", "<u2", "u")
uint32 = DType("uint32", lib.TFL_DTYPE_U32, 4, "uint32_t", "<u4", "u")
uint64 = DType("uint64", lib.TFL_DTYPE_U64, 8, "uint64_t", "<u8", "u")

# In code order (the tfl_dtype values).
ALL = (float32, float64, float16, bfloat16, int32, int64, uint8, bool_, int8, int16, uint16, uint32, uint64)
BY_CODE = {d.code: d for d in ALL}
_BY_NAME: Dict[str, DType] = {d.name: d for d in ALL}
_BY_NAME.update({"f32": float32, "f64": float64, "f16": float16, "bf16": bfloat16, "half": float16,
                 "float": float32, "double": float64, "i32": int32, "i64": int64, "int": int64, "long": int64,
                 "u8": uint8, "bool_": bool_, "i8": int8, "i16": int16, "u16": uint16, "u32": uint32,
                 "u64": uint64, "short": int16})
# NumPy dtype name -> tenflowers dtype, for NumPy types tenflowers stores natively.
NUMPY_NATIVE = {"float32": float32, "float64": float64, "float16": float16, "int32": int32, "int64": int64,
                "uint8": uint8, "bool": bool_, "int8": int8, "int16": int16, "uint16": uint16, "uint32": uint32,
                "uint64": uint64}
# NumPy types without a native equivalent are copied into the nearest wider type (none left: every NumPy
# integer and float type but float128/complex has a native equivalent).
NUMPY_WIDEN: Dict[str, DType] = {}

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


def _dtype_of(x: Any) -> DType:
    d = getattr(x, "dtype", None)
    return as_dtype(x if d is None or isinstance(x, (DType, str, type)) else d)


def result_type(*arrays_and_dtypes: Any) -> DType:
    """The dtype a binary op gives for operands of these dtypes (or tensors), folded left to right over the
    array API promotion table every op uses; DTypeError where the table has no entry (int with float,
    uint64 with a signed integer, bool with a number)."""
    if not arrays_and_dtypes:
        from ._lib import InvalidArgumentError

        raise InvalidArgumentError("[result_type] needs at least one dtype or tensor")
    from ._lib import api

    r = _dtype_of(arrays_and_dtypes[0])
    for x in arrays_and_dtypes[1:]:
        r = BY_CODE[int(api.dtype_result_type(r.code, _dtype_of(x).code))]
    return r


def can_cast(from_: Any, to: Any) -> bool:
    """Whether casting from_ (a dtype or tensor) to dtype `to` keeps every value exactly (NumPy's "safe"
    casting, except that int64/uint64 -> float64, which rounds, is not safe here)."""
    from ._lib import api

    return bool(api.dtype_can_cast(_dtype_of(from_).code, as_dtype(to).code))
