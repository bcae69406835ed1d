// Emits the generated low layer of the Python package (tenflowers._lib): the cffi cdef, the exception
// classes and one checked wrapper per C function, with the handle-release wiring.
#include <algorithm>
#include <map>
#include <set>
#include <sstream>

#include "gen/emitter.h"

namespace tflgen {
namespace {

const std::string kDir = "python/tenflowers/_lib/";

std::string trim(const std::string& s) {
  size_t b = s.find_first_not_of(' '), e = s.find_last_not_of(' ');
  return b == std::string::npos ? "" : s.substr(b, e - b + 1);
}

// "tfl_tensor_add" -> "tensor_add"; "tfl_tensor" -> "tensor".
std::string strip_prefix(const std::string& name) { return name.rfind("tfl_", 0) == 0 ? name.substr(4) : name; }

// Python keywords cannot be parameter names; a C parameter named like one gets a trailing underscore.
std::string py_name(const std::string& name) {
  static const std::set<std::string> keywords = {
      "False", "None",   "True",    "and",   "as",     "assert", "async", "await",    "break",
      "class", "continue", "def",   "del",   "elif",   "else",   "except", "finally", "for",
      "from",  "global", "if",      "import", "in",    "is",     "lambda", "nonlocal", "not",
      "or",    "pass",   "raise",   "return", "try",   "while",  "with",  "yield"};
  return keywords.count(name) ? name + "_" : name;
}

// The summary of a doc comment (its text up to the first blank or @-tag line, joined), as the body of
// a Python string literal.
std::string first_doc_line(const std::string& doc) {
  std::stringstream ss(doc);
  std::string line, text;
  while (std::getline(ss, line)) {
    line = trim(line);
    if (line.empty() || line[0] == '@') break;
    text += (text.empty() ? "" : " ") + line;
  }
  std::string out;
  for (char c : text) {
    if (c == '\\' || c == '"') out += '\\';
    out += c;
  }
  return out;
}

// Python-side policy for each status suffix: the class name and the built-in it also subclasses, so
// users catch tenflowers errors with the exceptions they already know. Codes added later fall back to
// <CamelCase>Error deriving from RuntimeError.
struct PyError {
  const char* cls;
  const char* builtin;
};
const std::map<std::string, PyError> kErrorPolicy = {
    {"INVALID_ARGUMENT", {"InvalidArgumentError", "ValueError"}},
    {"SHAPE", {"ShapeError", "ValueError"}},
    {"DTYPE", {"DTypeError", "TypeError"}},
    {"DEVICE", {"DeviceError", "RuntimeError"}},
    {"OUT_OF_MEMORY", {"OutOfMemoryError", "MemoryError"}},
    {"INDEX", {"OutOfRangeError", "IndexError"}},
    {"NOT_IMPLEMENTED", {"UnimplementedError", "NotImplementedError"}},
    {"IO", {"IOFailureError", "OSError"}},
    {"INTERNAL", {"InternalError", "RuntimeError"}},
    {"GRADIENT", {"GradientError", "RuntimeError"}},
    {"NUMERICAL", {"NumericalError", "FloatingPointError"}},
    {"TENSOR_OP", {"TensorOpError", "RuntimeError"}},
    {"LAYER_CONFIG", {"LayerConfigError", "ValueError"}},
    {"OPTIMIZER", {"OptimizerError", "ValueError"}},
    {"SERIALIZATION", {"SerializationError", "ValueError"}},
    {"DATA_LOADING", {"DataLoadingError", "OSError"}},
    {"CHECKPOINT", {"CheckpointError", "RuntimeError"}},
};

std::string camel(const std::string& upper_snake) {
  std::string out;
  bool up = true;
  for (char c : upper_snake) {
    if (c == '_') {
      up = true;
      continue;
    }
    out += up ? static_cast<char>(std::toupper(static_cast<unsigned char>(c)))
              : static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    up = false;
  }
  return out;
}

const Enum* find_enum(const Api& api, const std::string& name) {
  for (const Enum& e : api.enums)
    if (e.name == name) return &e;
  return nullptr;
}

bool has_function(const Api& api, const std::string& name) {
  return std::any_of(api.functions.begin(), api.functions.end(), [&](const Function& f) { return f.name == name; });
}

// The handle type named in a parameter's C type, when the parameter is a handle.
std::string handle_of(const Api& api, const Param& p) {
  if (!p.is_handle) return "";
  for (const Handle& h : api.handles) {
    const std::string& t = p.c_type;
    size_t at = t.find(h.name);
    while (at != std::string::npos) {
      size_t end = at + h.name.size();
      bool word_start = at == 0 || !(std::isalnum(static_cast<unsigned char>(t[at - 1])) || t[at - 1] == '_');
      bool word_end = end == t.size() || !(std::isalnum(static_cast<unsigned char>(t[end])) || t[end] == '_');
      if (word_start && word_end) return h.name;
      at = t.find(h.name, at + 1);
    }
  }
  return "";
}

// Handles with a release function are owned when they come back through an out-parameter.
bool releasable(const Api& api, const std::string& handle) {
  return !handle.empty() && has_function(api, handle + "_release");
}

// c_type minus one level of pointer: "tfl_tensor **" -> "tfl_tensor *", "int64_t *" -> "int64_t".
std::string pointee(const std::string& c_type) {
  std::string t = trim(c_type);
  if (!t.empty() && t.back() == '*') t.pop_back();
  return trim(t);
}

std::string unconst(std::string t) {
  t = trim(t);
  if (t.rfind("const ", 0) == 0) t = t.substr(6);
  return t;
}

// ---- _cdef.py -------------------------------------------------------------------------------------

class CdefEmitter : public Emitter {
 public:
  std::string path() const override { return kDir + "_cdef.py"; }

  std::string emit(const Api& api) const override {
    std::vector<int> v = version_numbers(api.version);
    std::ostringstream os;
    os << banner("#") << "\"\"\"The C declarations of libtenflowers for cffi: plain C, no macros or attributes.\n\n"
       << "Read at build time by _build_ffi.py (which pre-compiles them into the pure-Python module _ffi.py),\n"
       << "and at import time only when _ffi.py is missing.\n\"\"\"\n\n";
    os << "VERSION = \"" << api.version << "\"\n";
    os << "# tfl_version_abi() of the library this layer was generated from: MAJOR * 1000 + MINOR.\n";
    os << "ABI_VERSION = " << v[0] * 1000 + v[1] << "\n\n";
    os << "CDEF = r\"\"\"\n";
    for (const Enum& e : api.enums) {
      os << "typedef enum " << e.name << " {";
      for (size_t i = 0; i < e.values.size(); ++i)
        os << (i ? ", " : " ") << e.values[i].name << " = " << e.values[i].value;
      os << " } " << e.name << ";\n";
    }
    for (const Handle& h : api.handles) os << "typedef struct " << h.name << " " << h.name << ";\n";
    for (const Callback& c : api.callbacks) os << c.c_decl << "\n";
    for (const Function& f : api.functions) {
      os << f.return_type << (f.return_type.back() == '*' ? "" : " ") << f.name << "(";
      if (f.params.empty()) os << "void";
      for (size_t i = 0; i < f.params.size(); ++i) os << (i ? ", " : "") << f.params[i].decl;
      os << ");\n";
    }
    os << "\"\"\"\n";
    return os.str();
  }
};

// ---- _errors.py -----------------------------------------------------------------------------------

class ErrorsEmitter : public Emitter {
 public:
  std::string path() const override { return kDir + "_errors.py"; }

  std::string emit(const Api& api) const override {
    std::ostringstream os;
    os << banner("#") << "\"\"\"One exception class per tfl_status code, all under TenflowersError.\"\"\"\n\n";
    os << "from typing import Dict, Type\n\n\n";
    os << "class TenflowersError(Exception):\n"
       << "    \"\"\"Base of every error raised by tenflowers. `status` is the tfl_status code.\"\"\"\n\n"
       << "    status: int = -1\n";
    std::vector<std::pair<long long, std::string>> table;
    std::vector<std::string> names = {"TenflowersError"};
    if (const Enum* status = find_enum(api, "tfl_status")) {
      for (const EnumValue& ev : status->values) {
        if (ev.value == 0) continue;  // TFL_OK
        std::string suffix = ev.name.rfind("TFL_ERR_", 0) == 0 ? ev.name.substr(8) : strip_prefix(ev.name);
        auto it = kErrorPolicy.find(suffix);
        std::string cls = it != kErrorPolicy.end() ? it->second.cls : camel(suffix) + "Error";
        std::string builtin = it != kErrorPolicy.end() ? it->second.builtin : "RuntimeError";
        os << "\n\nclass " << cls << "(TenflowersError, " << builtin << "):\n"
           << "    \"\"\"" << first_doc_line(ev.doc.empty() ? ev.name : ev.doc) << " (" << ev.name << ").\"\"\"\n\n"
           << "    status = " << ev.value << "\n";
        table.emplace_back(ev.value, cls);
        names.push_back(cls);
      }
    }
    os << "\n\n# tfl_status code -> exception class.\nSTATUS_ERRORS: Dict[int, Type[TenflowersError]] = {\n";
    for (const auto& [value, cls] : table) os << "    " << value << ": " << cls << ",\n";
    os << "}\n\n__all__ = [\n";
    for (const std::string& n : names) os << "    \"" << n << "\",\n";
    os << "    \"STATUS_ERRORS\",\n]\n";
    return os.str();
  }
};

// ---- _api.py --------------------------------------------------------------------------------------

const char* kApiPrelude = R"PY("""Checked wrappers of every C function (the names drop the tfl_ prefix).

Conventions, derived from the annotations in capi/:
- out-parameters are allocated here and returned (one value, or a tuple in C order); owned handles come
  back wrapped with ffi.gc(<release>) (None for NULL), so each reference is released exactly once, by
  the garbage collector or earlier by close();
- an input array and its length parameter become one Python sequence argument;
- a non-OK status raises the mapped exception (STATUS_ERRORS) with tfl_last_error_message(); an
  exception raised by a Python callback during the call (see set_callback_error) is re-raised instead.
"""

import threading as _threading

from ._errors import STATUS_ERRORS, TenflowersError
from ._loader import ffi, lib

_NULL = ffi.NULL
_new = ffi.new
_gc = ffi.gc
_string = ffi.string
_pending = _threading.local()

# Out-parameter cells are recycled through per-type free lists instead of one ffi.new per call. list.pop
# and list.append are atomic, so a cell is never shared: not between threads (cffi releases the GIL
# during the C call) nor with a nested call made on the same thread from a Python callback (a hook).
# A cell is returned to its list only after its value has been read.
_POOL_SIZE = 8


def _pool(ctype):
    cells = [_new(ctype) for _ in range(_POOL_SIZE)]
    return cells.pop, cells.append


def set_callback_error(exc: BaseException) -> None:
    """Stores an exception raised inside a Python callback; the failing call re-raises it."""
    if getattr(_pending, "exc", None) is None:
        _pending.exc = exc


def take_callback_error():
    """Returns and clears the stored callback exception of this thread (None when there is none)."""
    exc = getattr(_pending, "exc", None)
    _pending.exc = None
    return exc


def _raise(status: int):
    exc = getattr(_pending, "exc", None)
    if exc is not None:
        _pending.exc = None
        raise exc
    message = _string(lib.tfl_last_error_message()).decode("utf-8", "replace")
    raise STATUS_ERRORS.get(status, TenflowersError)(message)


def _cstr(s):
    return s.encode("utf-8") if isinstance(s, str) else s


def _str(p):
    return None if p == _NULL else _string(p).decode("utf-8", "replace")


def close(handle) -> None:
    """Releases an owned handle now instead of at garbage collection (at most once)."""
    if handle is not None:
        ffi.release(handle)
)PY";

struct Plan {
  std::vector<std::string> args;     // wrapper parameters
  std::vector<std::string> setup;    // lines before the call
  std::vector<std::string> call;     // C arguments
  std::vector<std::string> results;  // returned expressions
  std::vector<std::string> reads;    // lines after a successful call that read pooled cells into locals
  std::vector<std::pair<std::string, std::string>> pooled;  // (cell variable, pool id) to give back
};

class ApiEmitter : public Emitter {
 public:
  std::string path() const override { return kDir + "_api.py"; }

  std::string emit(const Api& api) const override {
    std::ostringstream os;
    os << banner("#") << kApiPrelude;
    // Type objects are looked up once, not per call.
    std::map<std::string, std::string> ctypes;
    auto ctype = [&](const std::string& spelling) {
      auto it = ctypes.find(spelling);
      if (it != ctypes.end()) return it->second;
      std::string id = "_T" + std::to_string(ctypes.size());
      ctypes[spelling] = id;
      return id;
    };
    std::set<std::string> pools;
    std::ostringstream body;
    // Handle wiring: own_<x> takes over a reference, borrow_<x> adds one (for borrowed callback arguments).
    body << "\n\n# ---- handles " << std::string(86, '-') << "\n";
    std::vector<std::string> handle_names;
    for (const Handle& h : api.handles) {
      if (!releasable(api, h.name)) continue;
      std::string x = strip_prefix(h.name);
      handle_names.push_back(h.name);
      body << "\n\ndef own_" << x << "(p):\n    \"\"\"Wraps an owned " << h.name
           << " reference so that it is released exactly once.\"\"\"\n"
           << "    return None if p == _NULL else _gc(p, lib." << h.name << "_release)\n";
      if (has_function(api, h.name + "_retain")) {
        body << "\n\ndef borrow_" << x << "(p):\n    \"\"\"Takes a new reference to a borrowed " << h.name
             << " and wraps it like own_" << x << ".\"\"\"\n"
             << "    if p == _NULL:\n        return None\n"
             << "    status = lib." << h.name << "_retain(p)\n    if status:\n        _raise(status)\n"
             << "    return _gc(p, lib." << h.name << "_release)\n";
      }
    }
    body << "\n\n# handle type -> (release function name, retain function name or None)\nHANDLES = {\n";
    for (const std::string& h : handle_names)
      body << "    \"" << h << "\": (\"" << h << "_release\", "
           << (has_function(api, h + "_retain") ? "\"" + h + "_retain\"" : "None") << "),\n";
    body << "}\n";

    std::string object;
    for (const Function& f : api.functions) {
      if (f.object != object) {
        object = f.object;
        body << "\n\n# ---- " << object << " " << std::string(std::max<int>(4, 92 - int(object.size())), '-') << "\n";
      }
      body << "\n\n" << wrapper(api, f, ctype, pools);
    }
    os << "\n";
    for (const auto& [spelling, id] : ctypes) os << id << " = ffi.typeof(\"" << spelling << "\")\n";
    os << "\n# Free lists of out-parameter cells (see _pool).\n";
    for (const std::string& t : pools) os << "_P" << t.substr(2) << "_pop, _P" << t.substr(2) << "_push = _pool(" << t << ")\n";
    os << "\n# Release functions of the owned handle types, bound once.\n";
    for (const Handle& h : api.handles)
      if (releasable(api, h.name)) os << "_release_" << strip_prefix(h.name) << " = lib." << h.name << "_release\n";
    os << body.str();
    return os.str();
  }

 private:
  template <typename CType>
  std::string wrapper(const Api& api, const Function& f, CType& ctype, std::set<std::string>& pools) const {
    // Length parameters of input arrays are computed from the sequences; those of output arrays are
    // capacities the caller chooses.
    std::map<std::string, std::vector<const Param*>> input_arrays_of_len;
    std::set<std::string> out_capacity;
    for (const Param& p : f.params) {
      if (p.array_len.empty()) continue;
      if (p.out) out_capacity.insert(p.array_len);
      else input_arrays_of_len[p.array_len].push_back(&p);
    }
    Plan plan;
    for (const Param& p : f.params) {
      std::string n = py_name(p.name);
      std::string handle = handle_of(api, p);
      bool void_buffer = unconst(p.c_type) == "void *";
      if (p.out && !void_buffer) {
        std::string elem = pointee(p.c_type);
        if (!p.array_len.empty()) {
          std::string cap = py_name(p.array_len);
          plan.setup.push_back(n + " = _new(" + ctype(elem + "[]") + ", " + cap + ")");
          plan.call.push_back(n);
          if (releasable(api, handle) && pointee(elem) == handle)
            plan.results.push_back("[own_" + strip_prefix(handle) + "(p) for p in " + n + "]");
          else if (unconst(elem) == "char")
            plan.results.push_back("ffi.unpack(" + n + ", " + cap + ")");
          else
            plan.results.push_back("list(" + n + ")");
        } else {
          std::string t = ctype(p.c_type);
          std::string pool = "_P" + t.substr(2);
          pools.insert(t);
          plan.setup.push_back("try:\n        " + n + " = " + pool + "_pop()\n    except IndexError:\n        " + n +
                               " = _new(" + t + ")");
          plan.pooled.emplace_back(n, pool);
          plan.call.push_back(n);
          std::string v = "v_" + n;
          if (releasable(api, handle) && pointee(pointee(p.c_type)) == handle) {
            // Inlined own_<x>: a NULL cdata pointer is false.
            plan.reads.push_back(v + " = " + n + "[0]");
            plan.results.push_back("_gc(" + v + ", _release_" + strip_prefix(handle) + ") if " + v + " else None");
          } else if (unconst(elem) == "char *") {
            plan.reads.push_back(v + " = _str(" + n + "[0])");
            plan.results.push_back(v);
          } else {
            plan.reads.push_back(v + " = " + n + "[0]");
            plan.results.push_back(v);
          }
        }
        continue;
      }
      if (input_arrays_of_len.count(p.name) && !out_capacity.count(p.name)) {
        // The length of the first non-None sequence using it.
        const auto& arrays = input_arrays_of_len[p.name];
        std::string expr;
        for (size_t i = 0; i < arrays.size(); ++i) {
          std::string a = py_name(arrays[i]->name);
          if (arrays[i]->nullable)
            expr += "len(" + a + ") if " + a + " is not None else ";
          else {
            expr += "len(" + a + ")";
            break;
          }
          if (i + 1 == arrays.size()) expr += "0";
        }
        plan.call.push_back(expr);
        continue;
      }
      plan.args.push_back(n);
      if (!p.array_len.empty()) {
        // Sequences (lists, tuples, cdata arrays) convert to temporary C arrays in cffi.
        plan.call.push_back(p.nullable ? "_NULL if " + n + " is None else " + n : n);
      } else if (p.is_pointer && !p.is_handle && !void_buffer && unconst(p.c_type) == "char *") {
        plan.call.push_back(p.nullable ? "_NULL if " + n + " is None else _cstr(" + n + ")" : "_cstr(" + n + ")");
      } else if (p.is_pointer && !p.is_handle && !void_buffer && !p.out) {
        // A pointer to one scalar: the value, boxed in a one-element array.
        plan.call.push_back(p.nullable ? "_NULL if " + n + " is None else [" + n + "]" : "[" + n + "]");
      } else {
        plan.call.push_back(p.nullable ? "_NULL if " + n + " is None else " + n : n);
      }
    }
    std::ostringstream os;
    std::string name = strip_prefix(f.name);
    os << "def " << name << "(";
    for (size_t i = 0; i < plan.args.size(); ++i) os << (i ? ", " : "") << plan.args[i];
    os << "):\n    \"\"\"" << first_doc_line(f.doc) << "\"\"\"\n";
    for (const std::string& s : plan.setup) os << "    " << s << "\n";
    // lib.<name>, not a module-level binding: binding all ~350 functions at import costs more (dlsym and
    // type set-up each) than the attribute lookup saves per call.
    std::string call = "lib." + f.name + "(";
    for (size_t i = 0; i < plan.call.size(); ++i) call += (i ? ", " : "") + plan.call[i];
    call += ")";
    std::string ret = trim(f.return_type);
    std::string give_back;
    for (const auto& [cell, pool] : plan.pooled) give_back += "        " + pool + "_push(" + cell + ")\n";
    if (ret == "tfl_status") {
      os << "    status = " << call << "\n    if status:\n" << give_back << "        _raise(status)\n";
    } else if (ret == "void") {
      os << "    " << call << "\n";
    } else if (unconst(ret) == "char *") {
      plan.results.insert(plan.results.begin(), "_str(r)");
      os << "    r = " << call << "\n";
    } else {
      plan.results.insert(plan.results.begin(), "r");
      os << "    r = " << call << "\n";
    }
    for (const std::string& r : plan.reads) os << "    " << r << "\n";
    for (const auto& [cell, pool] : plan.pooled) os << "    " << pool << "_push(" << cell << ")\n";
    if (plan.results.size() == 1) {
      os << "    return " << plan.results[0] << "\n";
    } else if (plan.results.size() > 1) {
      os << "    return (";
      for (size_t i = 0; i < plan.results.size(); ++i) os << (i ? ", " : "") << plan.results[i];
      os << ")\n";
    }
    return os.str();
  }
};

}  // namespace

std::vector<std::unique_ptr<Emitter>> make_python_emitters() {
  std::vector<std::unique_ptr<Emitter>> out;
  out.push_back(std::make_unique<CdefEmitter>());
  out.push_back(std::make_unique<ErrorsEmitter>());
  out.push_back(std::make_unique<ApiEmitter>());
  return out;
}

}  // namespace tflgen
