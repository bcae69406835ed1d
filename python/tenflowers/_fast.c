/* tenflowers._fast: the compiled fast path of tfl.Tensor (optional; the package falls back to pure Python).
 *
 * Why: through cffi's ABI mode a 1-element `a + b` costs two libffi calls (the op and, at garbage
 * collection, the release, each releasing and re-taking the GIL) plus an ffi.gc wrapper object, several
 * times the C work itself. Here the hot operators call the C ABI directly and the tensor object owns its
 * handle: _TensorBase keeps the raw tfl_tensor pointer and releases it in tp_dealloc.
 *
 * Compatibility with the rest of the package (which passes cffi handles to the generated wrappers):
 * `t._h` still reads and writes a cffi cdata. Assigning one stores it (it owns its reference, as before)
 * and reads its pointer. Reading `_h` of a tensor made here creates, once, an owning cdata over a new
 * reference (tfl_tensor_retain + ffi.gc), so a handle taken from a tensor stays valid after the tensor
 * is gone. The C functions are not linked: init() receives their addresses from the loaded cffi library,
 * so this module always talks to the very library the loader checked.
 *
 * Errors are not translated here: on a non-OK status the operation is re-run through the Python path
 * (the checked wrappers), which raises the mapped exception. Failed ops change nothing, so a re-run
 * is safe.
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <stddef.h>
#include <stdint.h>
#include <structmember.h>

typedef struct tfl_tensor tfl_tensor;
typedef int (*binary_fn)(tfl_tensor** out, const tfl_tensor* a, const tfl_tensor* b);
typedef int (*unary_fn)(tfl_tensor** out, const tfl_tensor* t);
typedef int (*handle_fn)(tfl_tensor* t);

/* Layout of the head of cffi's CData objects (stable across cffi 1.x and 2.x): the pointer value of a
 * pointer cdata is c_data. Checked at init() against ffi.cast before the fast path is enabled. */
typedef struct {
  PyObject_HEAD
  void* c_type;
  char* c_data;
} CDataHead;

enum { OP_ADD, OP_SUB, OP_MUL, OP_DIV, OP_MATMUL, N_BINARY };
static const char* binary_names[N_BINARY] = {"add", "sub", "mul", "div", "matmul"};
#define UNARY_LIST(X) \
  X(abs) X(ceil) X(cos) X(exp) X(expm1) X(floor) X(isfinite) X(isinf) X(isnan) X(log) X(log1p) \
  X(logical_not) X(neg) X(relu) X(round) X(rsqrt) X(sigmoid) X(sign) X(silu) X(sin) X(sqrt) \
  X(square) X(tan) X(tanh)
#define UNARY_ENUM(n) U_##n,
enum { UNARY_LIST(UNARY_ENUM) N_UNARY };
#define UNARY_NAME(n) #n,
static const char* unary_names[N_UNARY] = {UNARY_LIST(UNARY_NAME)};

static binary_fn binary_fns[N_BINARY];
static unary_fn unary_fns[N_UNARY];
static handle_fn retain_fn, release_fn;
static PyTypeObject* cdata_type;   /* cffi's CData base type */
static PyObject* make_handle;      /* Python: addr -> owning cdata (ffi.gc(ffi.cast(...), release)) */
static PyObject* slow_binary;      /* Python: (name, a, b) -> result through the checked wrappers */
static PyObject* slow_unary;       /* Python: (name, t) -> result through the checked wrappers */
static PyTypeObject* tensor_type;  /* tfl.Tensor, the type of results */

typedef struct {
  PyObject_HEAD
  tfl_tensor* raw;     /* the handle; owned (released in dealloc) when owned != 0 */
  int owned;
  PyObject* h;         /* the cffi cdata given to Python code (NULL until assigned or first read) */
  PyObject* shape;     /* cached shape tuple (None until computed) */
  PyObject* dtype;     /* cached DType (None until computed) */
  PyObject* weakrefs;
} TensorBase;

static PyTypeObject TensorBaseType;

static void drop_raw(TensorBase* self) {
  tfl_tensor* raw = self->raw;
  int owned = self->owned;
  self->raw = NULL;
  self->owned = 0;
  if (raw && owned) release_fn(raw);
}

static int tb_traverse(TensorBase* self, visitproc visit, void* arg) {
  Py_VISIT(self->h);
  Py_VISIT(self->shape);
  Py_VISIT(self->dtype);
  return 0;
}

static int tb_clear(TensorBase* self) {
  Py_CLEAR(self->h);
  Py_CLEAR(self->shape);
  Py_CLEAR(self->dtype);
  return 0;
}

static void tb_dealloc(TensorBase* self) {
  PyObject_GC_UnTrack(self);
  if (self->weakrefs) PyObject_ClearWeakRefs((PyObject*)self);
  drop_raw(self);
  tb_clear(self);
  Py_TYPE(self)->tp_free((PyObject*)self);
}

/* A new result tensor owning `raw`. */
static PyObject* wrap_raw(tfl_tensor* raw) {
  TensorBase* t = (TensorBase*)tensor_type->tp_alloc(tensor_type, 0);
  if (!t) {
    release_fn(raw);
    return NULL;
  }
  t->raw = raw;
  t->owned = 1;
  return (PyObject*)t;
}

static PyObject* tb_get_h(TensorBase* self, void* closure) {
  (void)closure;
  if (self->h) {
    Py_INCREF(self->h);
    return self->h;
  }
  if (!self->raw) Py_RETURN_NONE;
  /* An independent owning reference, so the cdata outlives this object safely. */
  if (retain_fn(self->raw) != 0) {
    PyErr_SetString(PyExc_RuntimeError, "tfl_tensor_retain failed");
    return NULL;
  }
  PyObject* addr = PyLong_FromVoidPtr(self->raw);
  PyObject* h = addr ? PyObject_CallFunctionObjArgs(make_handle, addr, NULL) : NULL;
  Py_XDECREF(addr);
  if (!h) {
    release_fn(self->raw);
    return NULL;
  }
  self->h = h;
  Py_INCREF(h);
  return h;
}

static int tb_set_h(TensorBase* self, PyObject* value, void* closure) {
  (void)closure;
  if (value == NULL || value == Py_None) {
    Py_CLEAR(self->h);
    drop_raw(self);
    return 0;
  }
  if (!PyObject_TypeCheck(value, cdata_type)) {
    PyErr_Format(PyExc_TypeError, "Tensor._h must be a cffi tfl_tensor handle, got %s", Py_TYPE(value)->tp_name);
    return -1;
  }
  tfl_tensor* raw = (tfl_tensor*)((CDataHead*)value)->c_data;
  Py_INCREF(value);
  Py_XSETREF(self->h, value);
  drop_raw(self);
  self->raw = raw;  /* borrowed: the cdata owns the reference */
  return 0;
}

static PyGetSetDef tb_getset[] = {
    {"_h", (getter)tb_get_h, (setter)tb_set_h, "the cffi tfl_tensor handle", NULL},
    {NULL, NULL, NULL, NULL, NULL},
};

static PyMemberDef tb_members[] = {
    {"_shape", T_OBJECT, offsetof(TensorBase, shape), 0, NULL},
    {"_dtype", T_OBJECT, offsetof(TensorBase, dtype), 0, NULL},
    {NULL, 0, 0, 0, NULL},
};

static PyObject* binary(int op, PyObject* self, PyObject* other) {
  if (PyObject_TypeCheck(other, &TensorBaseType)) {
    tfl_tensor* a = ((TensorBase*)self)->raw;
    tfl_tensor* b = ((TensorBase*)other)->raw;
    if (a && b) {
      tfl_tensor* out = NULL;
      if (binary_fns[op](&out, a, b) == 0 && out) return wrap_raw(out);
    }
  }
  return PyObject_CallFunction(slow_binary, "sOO", binary_names[op], self, other);
}

static PyObject* unary(int op, PyObject* self) {
  tfl_tensor* a = ((TensorBase*)self)->raw;
  if (a) {
    tfl_tensor* out = NULL;
    if (unary_fns[op](&out, a) == 0 && out) return wrap_raw(out);
  }
  return PyObject_CallFunction(slow_unary, "sO", unary_names[op], self);
}

static PyObject* tb_add(PyObject* s, PyObject* o) { return binary(OP_ADD, s, o); }
static PyObject* tb_sub(PyObject* s, PyObject* o) { return binary(OP_SUB, s, o); }
static PyObject* tb_mul(PyObject* s, PyObject* o) { return binary(OP_MUL, s, o); }
static PyObject* tb_div(PyObject* s, PyObject* o) { return binary(OP_DIV, s, o); }
static PyObject* tb_matmul(PyObject* s, PyObject* o) { return binary(OP_MATMUL, s, o); }
#define UNARY_METHOD(n) \
  static PyObject* tb_u_##n(PyObject* s, PyObject* unused) { (void)unused; return unary(U_##n, s); }
UNARY_LIST(UNARY_METHOD)

#define UNARY_DEF(n) {"_fast_" #n, (PyCFunction)tb_u_##n, METH_NOARGS, NULL},
static PyMethodDef tb_methods[] = {
    {"_fast_add", (PyCFunction)tb_add, METH_O, NULL},
    {"_fast_sub", (PyCFunction)tb_sub, METH_O, NULL},
    {"_fast_mul", (PyCFunction)tb_mul, METH_O, NULL},
    {"_fast_div", (PyCFunction)tb_div, METH_O, NULL},
    {"_fast_matmul", (PyCFunction)tb_matmul, METH_O, NULL},
    UNARY_LIST(UNARY_DEF)
    {NULL, NULL, 0, NULL},
};

static PyTypeObject TensorBaseType = {
    PyVarObject_HEAD_INIT(NULL, 0)
    .tp_name = "tenflowers._fast._TensorBase",
    .tp_basicsize = sizeof(TensorBase),
    .tp_dealloc = (destructor)tb_dealloc,
    .tp_flags = Py_TPFLAGS_DEFAULT | Py_TPFLAGS_BASETYPE | Py_TPFLAGS_HAVE_GC,
    .tp_doc = "the compiled base of tfl.Tensor (owns the tfl_tensor handle)",
    .tp_traverse = (traverseproc)tb_traverse,
    .tp_clear = (inquiry)tb_clear,
    .tp_weaklistoffset = offsetof(TensorBase, weakrefs),
    .tp_methods = tb_methods,
    .tp_members = tb_members,
    .tp_getset = tb_getset,
};

static void* address_of(PyObject* addrs, const char* name) {
  PyObject* v = PyDict_GetItemString(addrs, name);
  if (!v) {
    PyErr_Format(PyExc_KeyError, "no address for %s", name);
    return NULL;
  }
  return PyLong_AsVoidPtr(v);
}

/* init(addrs, cdata_type, probe, probe_addr, make_handle): wires the library functions (addrs:
 * {"tfl_tensor_add": int, ...}) and checks the layout of cffi objects on probe = ffi.cast("tfl_tensor *",
 * probe_addr). Raises ImportError when the layout differs: the package then uses its pure-Python base. */
static PyObject* fast_init(PyObject* mod, PyObject* args) {
  (void)mod;
  PyObject *addrs, *ctype, *probe, *probe_addr, *mk;
  if (!PyArg_ParseTuple(args, "O!OOOO", &PyDict_Type, &addrs, &ctype, &probe, &probe_addr, &mk)) return NULL;
  if (!PyType_Check(ctype) || !PyObject_TypeCheck(probe, (PyTypeObject*)ctype) || !PyCallable_Check(mk)) {
    PyErr_SetString(PyExc_ImportError, "_fast.init: unexpected cffi objects");
    return NULL;
  }
  void* want = PyLong_AsVoidPtr(probe_addr);
  if (PyErr_Occurred()) return NULL;
  if ((void*)((CDataHead*)probe)->c_data != want) {
    PyErr_SetString(PyExc_ImportError, "_fast.init: unexpected cffi object layout");
    return NULL;
  }
  char name[64];
  for (int i = 0; i < N_BINARY; ++i) {
    snprintf(name, sizeof name, "tfl_tensor_%s", binary_names[i]);
    if (!(binary_fns[i] = (binary_fn)address_of(addrs, name))) return NULL;
  }
  for (int i = 0; i < N_UNARY; ++i) {
    snprintf(name, sizeof name, "tfl_tensor_%s", unary_names[i]);
    if (!(unary_fns[i] = (unary_fn)address_of(addrs, name))) return NULL;
  }
  if (!(retain_fn = (handle_fn)address_of(addrs, "tfl_tensor_retain"))) return NULL;
  if (!(release_fn = (handle_fn)address_of(addrs, "tfl_tensor_release"))) return NULL;
  Py_INCREF(ctype);
  Py_XSETREF(cdata_type, (PyTypeObject*)ctype);
  Py_INCREF(mk);
  Py_XSETREF(make_handle, mk);
  Py_RETURN_NONE;
}

/* bind(tensor_type, slow_binary, slow_unary): the type of results (tfl.Tensor, a subclass of _TensorBase)
 * and the Python paths used for other operands and for errors. Call before using the _fast_* methods. */
static PyObject* fast_bind(PyObject* mod, PyObject* args) {
  (void)mod;
  PyObject *tt, *sb, *su;
  if (!PyArg_ParseTuple(args, "O!OO", &PyType_Type, &tt, &sb, &su)) return NULL;
  if (!PyType_IsSubtype((PyTypeObject*)tt, &TensorBaseType) || !cdata_type) {
    PyErr_SetString(PyExc_TypeError, "_fast.bind: call init first, with a subclass of _TensorBase");
    return NULL;
  }
  Py_INCREF(sb);
  Py_XSETREF(slow_binary, sb);
  Py_INCREF(su);
  Py_XSETREF(slow_unary, su);
  Py_INCREF(tt);
  Py_XSETREF(tensor_type, (PyTypeObject*)tt);
  Py_RETURN_NONE;
}

static PyObject* fast_names(PyObject* mod, PyObject* unused) {
  (void)mod;
  (void)unused;
  PyObject* b = PyTuple_New(N_BINARY);
  PyObject* u = PyTuple_New(N_UNARY);
  if (!b || !u) {
    Py_XDECREF(b);
    Py_XDECREF(u);
    return NULL;
  }
  for (int i = 0; i < N_BINARY; ++i) PyTuple_SET_ITEM(b, i, PyUnicode_FromString(binary_names[i]));
  for (int i = 0; i < N_UNARY; ++i) PyTuple_SET_ITEM(u, i, PyUnicode_FromString(unary_names[i]));
  return Py_BuildValue("NN", b, u);
}

static PyMethodDef fast_methods[] = {
    {"init", fast_init, METH_VARARGS, "wires the fast path to the loaded library (see the module comment)"},
    {"bind", fast_bind, METH_VARARGS, "sets the result type and the Python fallbacks"},
    {"names", fast_names, METH_NOARGS, "(binary op names, unary op names) with _fast_<name> methods"},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef fast_module = {
    PyModuleDef_HEAD_INIT, "tenflowers._fast", "the compiled fast path of tfl.Tensor", -1, fast_methods,
    NULL, NULL, NULL, NULL,
};

PyMODINIT_FUNC PyInit__fast(void) {
  /* object's own tp_new, so that object.__new__(Tensor) (used by the package) accepts subclasses. */
  TensorBaseType.tp_new = PyBaseObject_Type.tp_new;
  if (PyType_Ready(&TensorBaseType) < 0) return NULL;
  PyObject* m = PyModule_Create(&fast_module);
  if (!m) return NULL;
  Py_INCREF(&TensorBaseType);
  if (PyModule_AddObject(m, "_TensorBase", (PyObject*)&TensorBaseType) < 0) {
    Py_DECREF(&TensorBaseType);
    Py_DECREF(m);
    return NULL;
  }
  return m;
}
