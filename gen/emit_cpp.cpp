// Emits bindings/cpp/include/tenflowers/tenflowers.hpp: the header-only C++17 binding over the C ABI.
//
// Everything here is derived from the IR: one RAII class per handle (tfl_<x> with tfl_<x>_retain and
// tfl_<x>_release), one enum class per enum, one exception class per non-OK tfl_status value, and one
// C++ function per C function. A function named tfl_<x>_<verb> whose first input is a tfl_<x> handle is
// a method of the class; other tfl_<x>_* functions are static members; the rest are free functions
// named without the tfl_ prefix. A parameter shape the mapping below does not know is an error, so a
// new C function is never skipped silently.
#include <algorithm>
#include <cctype>
#include <map>
#include <set>
#include <sstream>
#include <stdexcept>

#include "gen/emitter.h"

namespace tflgen {
namespace {

std::string pascal(const std::string& snake) {
  std::string out;
  bool up = true;
  for (char c : snake) {
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

// C++ keywords and the names the handle classes reserve for themselves get a trailing underscore.
std::string ident(const std::string& name) {
  static const std::set<std::string> reserved = {
      "alignas", "alignof", "and", "and_eq", "asm", "auto", "bitand", "bitor", "bool", "break", "case",
      "catch", "char", "char16_t", "char32_t", "char8_t", "class", "co_await", "co_return", "co_yield",
      "compl", "concept", "const", "const_cast", "constexpr", "continue", "decltype", "default", "delete",
      "do", "double", "dynamic_cast", "else", "enum", "explicit", "export", "extern", "false", "float",
      "for", "friend", "goto", "if", "inline", "int", "long", "mutable", "namespace", "new", "noexcept",
      "not", "not_eq", "nullptr", "operator", "or", "or_eq", "private", "protected", "public", "register",
      "reinterpret_cast", "requires", "return", "short", "signed", "sizeof", "static", "static_assert",
      "static_cast", "struct", "switch", "template", "this", "thread_local", "throw", "true", "try",
      "typedef", "typeid", "typename", "union", "unsigned", "using", "virtual", "void", "volatile",
      "wchar_t", "while", "xor", "xor_eq",
      // members of every handle class and helpers of the namespace
      "borrow", "release", "adopt", "share", "swap", "check", "detail"};
  return reserved.count(name) ? name + "_" : name;
}

// A C type split into its base name, pointer depth and whether the pointee is const.
struct CType {
  std::string base;
  int depth = 0;
  bool const_pointee = false;
};

CType parse_type(const std::string& c) {
  CType t;
  std::string tok;
  auto flush = [&] {
    if (tok == "const") {
      if (t.base.empty()) t.const_pointee = true;
    } else if (!tok.empty()) {
      t.base = tok;
    }
    tok.clear();
  };
  for (char ch : c) {
    if (ch == '*') {
      flush();
      ++t.depth;
    } else if (ch == ' ') {
      flush();
    } else {
      tok += ch;
    }
  }
  flush();
  return t;
}

bool is_scalar(const std::string& b) {
  static const std::set<std::string> s = {"bool",    "float",   "double",  "int",      "int8_t",
                                          "int16_t", "int32_t", "int64_t", "uint8_t",  "uint16_t",
                                          "uint32_t", "uint64_t", "size_t", "ptrdiff_t"};
  return s.count(b) != 0;
}

std::string brief(const std::string& doc) {
  std::stringstream ss(doc);
  std::string line, out;
  while (std::getline(ss, line)) {
    if (!line.empty() && line[0] == '@') break;
    out += "  /// " + line + "\n";
  }
  return out;
}

class CppModel {
 public:
  explicit CppModel(const Api& api) : api_(api) {
    for (const Enum& e : api.enums) enums_[e.name] = &e;
    for (const Handle& h : api.handles) handles_[h.name] = pascal(h.name.substr(4));
    for (const Callback& c : api.callbacks) callbacks_.insert(c.name);
  }

  bool is_handle(const std::string& b) const { return handles_.count(b) != 0; }
  std::string cls(const std::string& b) const { return handles_.at(b); }
  bool is_enum(const std::string& b) const { return enums_.count(b) != 0; }
  std::string enum_cls(const std::string& b) const { return pascal(b.substr(4)); }
  bool is_callback(const std::string& b) const { return callbacks_.count(b) != 0; }

  // The handle whose name prefixes the function's (longest match), or "".
  std::string owner(const std::string& fname) const {
    std::string best;
    for (const auto& kv : handles_)
      if (fname.rfind(kv.first + "_", 0) == 0 && kv.first.size() > best.size()) best = kv.first;
    return best;
  }

  const Api& api_;
  std::map<std::string, const Enum*> enums_;
  std::map<std::string, std::string> handles_;  // tfl_tensor -> Tensor
  std::set<std::string> callbacks_;
};

// One C function turned into a C++ function.
struct Binding {
  const Function* f = nullptr;
  std::string cls;          // class for members, "" for free functions
  std::string name;         // C++ name
  bool is_static = false;   // static member
  bool is_const = false;    // const member
  std::vector<std::string> params;
  std::string ret = "void";
  std::string body;
};

[[noreturn]] void fail(const Function& f, const std::string& why) {
  throw std::runtime_error(f.file + ":" + std::to_string(f.line) + ": " + f.name + ": the C++ binding " + why);
}

Binding bind(const CppModel& m, const Function& f) {
  Binding b;
  b.f = &f;
  std::string owner = m.owner(f.name);
  // The receiver: the first input handle (docs/conventions.md names functions after it), when it is
  // of the class's own type.
  const Param* self = nullptr;
  for (const Param& p : f.params) {
    if (p.out || !p.is_handle) continue;
    CType t = parse_type(p.c_type);
    if (!owner.empty() && t.base == owner && t.depth == 1 && !p.nullable) self = &p;
    break;
  }
  if (!owner.empty()) {
    b.cls = m.cls(owner);
    b.name = ident(f.name.substr(owner.size() + 1));
    b.is_static = self == nullptr;
    b.is_const = self && parse_type(self->c_type).const_pointee;
  } else {
    b.name = ident(f.name.substr(4));
  }

  // Which parameters are element counts, and of which arrays.
  std::map<std::string, std::vector<const Param*>> arrays_of;
  const Param* out_array = nullptr;
  for (const Param& p : f.params) {
    if (p.array_len.empty()) continue;
    arrays_of[p.array_len].push_back(&p);
    if (p.out) {
      if (out_array) fail(f, "supports one output array per function");
      out_array = &p;
    }
  }
  const Param* count = nullptr;  // TFL_OUT size_t* next to an output array: the size-query protocol
  if (out_array) {
    for (const Param& p : f.params) {
      CType t = parse_type(p.c_type);
      if (p.out && p.array_len.empty() && t.base == "size_t" && t.depth == 1) count = &p;
    }
  }

  std::ostringstream pre;                   // statements before the call
  std::ostringstream alloc;                 // sizes the output array (after the size query)
  std::vector<std::string> args, args0;     // call arguments (args0: the size query)
  std::vector<std::string> rtypes, rexprs;  // results
  std::string post;                         // statements after the call
  for (const Param& p : f.params) {
    CType t = parse_type(p.c_type);
    std::string n = ident(p.name);
    std::string local = "c_" + p.name;
    auto arg = [&](const std::string& a, const std::string& a0 = "") {
      args.push_back(a);
      args0.push_back(a0.empty() ? a : a0);
    };
    if (&p == self) {
      arg("h_");
    } else if (&p == count) {
      arg("&" + local);
    } else if (&p == out_array) {
      std::string cap = out_array->array_len;
      if (m.is_handle(t.base) && t.depth == 2) {
        std::string c = m.cls(t.base);
        std::string n_expr = count ? "c_" + count->name : ident(cap);
        alloc << "  std::vector<" << t.base << "*> " << local << "(" << n_expr << ", nullptr);\n"
              << "  std::vector<" << c << "> " << n << "(" << local << ".size());\n";
        post += "  for (size_t i = 0; i < " + local + ".size(); ++i) " + n + "[i] = " + c + "::adopt(" + local +
                "[i]);\n";
        if (count) post += "  " + n + ".resize(std::min(" + n + ".size(), c_" + count->name + "));\n";
        arg(local + ".data()", "nullptr");
        rtypes.push_back("std::vector<" + c + ">");
      } else if (t.base == "char" && t.depth == 1 && !t.const_pointee && count) {
        alloc << "  std::string " << local << "(c_" << count->name << " + 1, '\\0');\n";
        post += "  " + local + ".resize(std::min(" + local + ".size() - 1, c_" + count->name + "));\n";
        arg("&" + local + "[0]", "nullptr");
        rtypes.push_back("std::string");
        n = local;
      } else if ((is_scalar(t.base) || m.is_enum(t.base)) && t.depth == 1 && !t.const_pointee) {
        std::string n_expr = count ? "c_" + count->name : ident(cap);
        bool en = m.is_enum(t.base);
        std::string et = en ? m.enum_cls(t.base) : t.base;
        alloc << "  std::vector<" << et << "> " << local << "(" << n_expr << ");\n";
        if (count) post += "  " + local + ".resize(std::min(" + local + ".size(), c_" + count->name + "));\n";
        arg(en ? "reinterpret_cast<" + t.base + "*>(" + local + ".data())" : local + ".data()", "nullptr");
        n = local;
        rtypes.push_back("std::vector<" + et + ">");
      } else {
        fail(f, "cannot map the output array '" + p.name + "' (" + p.c_type + ")");
      }
      rexprs.push_back(n);
    } else if (out_array && p.name == out_array->array_len) {
      if (count) {
        arg("c_" + out_array->name + ".size()", "0");
      } else {
        b.params.push_back("size_t " + ident(p.name));
        arg(ident(p.name));
      }
    } else if (p.out) {
      if (!p.array_len.empty()) fail(f, "cannot map output array '" + p.name + "'");
      if (m.is_handle(t.base) && t.depth == 2 && !t.const_pointee) {
        pre << "  " << t.base << "* " << local << " = nullptr;\n";
        rtypes.push_back(m.cls(t.base));
        rexprs.push_back(m.cls(t.base) + "::adopt(" + local + ")");
      } else if ((is_scalar(t.base) || m.is_enum(t.base)) && t.depth == 1 && !t.const_pointee) {
        pre << "  " << t.base << " " << local << "{};\n";
        if (m.is_enum(t.base)) {
          rtypes.push_back(m.enum_cls(t.base));
          rexprs.push_back("static_cast<" + m.enum_cls(t.base) + ">(" + local + ")");
        } else {
          rtypes.push_back(t.base);
          rexprs.push_back(local);
        }
      } else if (t.base == "char" && t.depth == 2 && t.const_pointee) {
        pre << "  const char* " << local << " = nullptr;\n";
        rtypes.push_back("std::string");
        rexprs.push_back("std::string(" + local + " ? " + local + " : \"\")");
      } else if (t.base == "void" && t.depth == 2) {
        pre << "  void* " << local << " = nullptr;\n";
        rtypes.push_back("void*");
        rexprs.push_back(local);
      } else if (t.base == "void" && t.depth == 1 && !t.const_pointee) {
        // A caller-owned buffer the callee fills; its size is a separate parameter.
        b.params.push_back("void* " + n);
        arg(n);
        continue;
      } else {
        fail(f, "cannot map the output '" + p.name + "' (" + p.c_type + ")");
      }
      // The size query must not take a reference it would then overwrite: a handle output is left out
      // of it (hence must be nullable); scalar outputs are simply written twice.
      bool handle_out = m.is_handle(t.base) && t.depth == 2;
      if (count && handle_out && !p.nullable)
        fail(f, "the handle output '" + p.name + "' beside a size-queried array must be TFL_NULLABLE");
      arg("&" + local, count && handle_out ? "nullptr" : "");
    } else if (arrays_of.count(p.name)) {
      // An element count: the size of the first (non-optional when possible) array that names it;
      // the other arrays that share it must have the same size.
      const auto& arrs = arrays_of.at(p.name);
      const Param* first = arrs.front();
      for (const Param* a : arrs)
        if (!a->nullable) {
          first = a;
          break;
        }
      std::string fn = ident(first->name);
      arg(first->nullable ? "(" + fn + " ? " + fn + "->size() : 0)" : fn + ".size()");
      for (const Param* a : arrs) {
        if (a == first) continue;
        std::string an = ident(a->name);
        std::string size = a->nullable ? an + "->size()" : an + ".size()";
        pre << "  " << (a->nullable ? "if (" + an + ") " : "") << "detail::check_length(\"" << f.name << "\", \""
            << a->name << "\", " << size << ", \"" << first->name << "\", " << args.back() << ");\n";
      }
    } else if (!p.array_len.empty()) {
      std::string elem;
      if (m.is_handle(t.base) && t.depth == 2) {
        std::string c = m.cls(t.base);
        std::string ptr = (t.const_pointee ? "const " : "") + t.base + "*";
        b.params.push_back(p.nullable ? "const std::optional<Span<" + c + ">>& " + n : "Span<" + c + "> " + n);
        pre << "  std::vector<" << ptr << "> " << local << ";\n";
        if (p.nullable) {
          pre << "  if (" << n << ") for (const " << c << "& x : *" << n << ") " << local
              << ".push_back(x.borrow());\n";
          arg(n + " ? " + local + ".data() : nullptr");
        } else {
          pre << "  " << local << ".reserve(" << n << ".size());\n  for (const " << c << "& x : " << n << ") "
              << local << ".push_back(x.borrow());\n";
          arg(local + ".data()");
        }
        continue;
      }
      if (t.base == "char" && t.depth == 2 && t.const_pointee) {
        // An array of names: NUL-terminated copies, then their pointers.
        std::string v = "const std::vector<std::string>&";
        b.params.push_back(p.nullable ? "const std::optional<std::vector<std::string>>& " + n : v + " " + n);
        std::string src = p.nullable ? "*" + n : n;
        pre << "  std::vector<const char*> " << local << ";\n";
        pre << "  " << (p.nullable ? "if (" + n + ") " : "") << "for (const std::string& s : " << src << ") "
            << local << ".push_back(s.c_str());\n";
        arg(p.nullable ? n + " ? " + local + ".data() : nullptr" : local + ".data()");
        continue;
      }
      if (!(t.depth == 1 && t.const_pointee && (is_scalar(t.base) || m.is_enum(t.base))))
        fail(f, "cannot map the input array '" + p.name + "' (" + p.c_type + ")");
      bool en = m.is_enum(t.base);
      std::string et = en ? m.enum_cls(t.base) : t.base;
      std::string data = p.nullable ? n + "->data()" : n + ".data()";
      if (en) data = "reinterpret_cast<const " + t.base + "*>(" + data + ")";
      b.params.push_back(p.nullable ? "const std::optional<Span<" + et + ">>& " + n : "Span<" + et + "> " + n);
      arg(p.nullable ? n + " ? " + data + " : nullptr" : data);
    } else if (m.is_handle(t.base) && t.depth == 1) {
      std::string c = m.cls(t.base);
      if (t.const_pointee) {
        b.params.push_back(p.nullable ? "const std::optional<" + c + ">& " + n : "const " + c + "& " + n);
      } else {
        b.params.push_back(p.nullable ? c + "* " + n : c + "& " + n);
      }
      arg(p.nullable ? n + " ? " + n + "->borrow() : nullptr" : n + ".borrow()");
    } else if (t.base == "char" && t.depth == 1 && t.const_pointee) {
      b.params.push_back(p.nullable ? "std::optional<std::string_view> " + n : "std::string_view " + n);
      pre << "  std::string " << local << (p.nullable ? "(" + n + " ? *" + n + " : std::string_view())"
                                                     : "(" + n + ")")
          << ";\n";
      arg(p.nullable ? n + " ? " + local + ".c_str() : nullptr" : local + ".c_str()");
    } else if ((is_scalar(t.base) || m.is_enum(t.base)) && t.depth == 1 && t.const_pointee) {
      // A single optional value (NULL = absent) or a value passed by address.
      std::string et = m.is_enum(t.base) ? m.enum_cls(t.base) : t.base;
      if (m.is_enum(t.base)) fail(f, "cannot map the enum pointer '" + p.name + "'");
      b.params.push_back(p.nullable ? "std::optional<" + et + "> " + n : et + " " + n);
      arg(p.nullable ? n + " ? &*" + n + " : nullptr" : "&" + n);
    } else if (t.base == "void" && t.depth == 1) {
      b.params.push_back(std::string(t.const_pointee ? "const " : "") + "void* " + n);
      arg(n);
    } else if (m.is_callback(t.base) && t.depth == 0) {
      b.params.push_back(t.base + " " + n);
      arg(n);
    } else if (m.is_enum(t.base) && t.depth == 0) {
      b.params.push_back(m.enum_cls(t.base) + " " + n);
      arg("static_cast<" + t.base + ">(" + n + ")");
    } else if (is_scalar(t.base) && t.depth == 0) {
      b.params.push_back(t.base + " " + n);
      arg(n);
    } else {
      fail(f, "cannot map the parameter '" + p.name + "' (" + p.c_type + ")");
    }
  }

  auto call = [&](const std::vector<std::string>& a) {
    std::string s = "::" + f.name + "(";
    for (size_t i = 0; i < a.size(); ++i) s += (i ? ", " : "") + a[i];
    return s + ")";
  };
  std::ostringstream body;
  if (count) {
    // Ask for the size first (out = NULL, capacity = 0), then size the output array and fetch.
    body << "  size_t c_" << count->name << " = 0;\n" << pre.str() << "  check(" << call(args0) << ");\n";
  } else {
    body << pre.str();
  }
  body << alloc.str();
  CType rt = parse_type(f.return_type);
  if (f.return_type == "tfl_status") {
    body << "  check(" << call(args) << ");\n" << post;
  } else if (rt.base == "char" && rt.depth == 1) {
    if (!rtypes.empty()) fail(f, "returns a value and has outputs");
    body << "  const char* r = " << call(args) << ";\n";
    rtypes.push_back("std::string");
    rexprs.push_back("std::string(r ? r : \"\")");
  } else if (is_scalar(rt.base) && rt.depth == 0) {
    if (!rtypes.empty()) fail(f, "returns a value and has outputs");
    body << "  " << rt.base << " r = " << call(args) << ";\n";
    rtypes.push_back(rt.base);
    rexprs.push_back("r");
  } else if (f.return_type == "void") {
    body << "  " << call(args) << ";\n";
  } else {
    fail(f, "cannot map the return type " + f.return_type);
  }
  if (rtypes.size() == 1) {
    b.ret = rtypes[0];
    body << "  return " << rexprs[0] << ";\n";
  } else if (rtypes.size() > 1) {
    std::string tt = "std::tuple<";
    std::string te = "{";
    for (size_t i = 0; i < rtypes.size(); ++i) {
      tt += (i ? ", " : "") + rtypes[i];
      te += (i ? ", " : "") + rexprs[i];
    }
    b.ret = tt + ">";
    body << "  return " << b.ret << te << "};\n";
  }
  b.body = body.str();
  return b;
}

std::string param_list(const Binding& b) {
  std::string s;
  for (size_t i = 0; i < b.params.size(); ++i) s += (i ? ", " : "") + b.params[i];
  return s;
}

// Written once, after the error classes: the array view, the status check and callback plumbing.
const char* kSpanAndCheck = R"(// ---- views and checks ------------------------------------------------------------------------

/// A read-only view of contiguous elements (C++17 has no std::span), built from a braced list, a
/// std::vector, a std::array, a C array or a pointer and a size. It owns nothing: a braced list lives
/// until the end of the full expression, which covers the call it is passed to.
template <class T>
class Span {
 public:
  constexpr Span() noexcept = default;
  constexpr Span(const T* data, size_t size) noexcept : data_(data), size_(size) {}
// The view is meant to die with the braced list it looks at (the call's full expression).
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Winit-list-lifetime"
#endif
  constexpr Span(std::initializer_list<T> list) noexcept : data_(list.begin()), size_(list.size()) {}
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic pop
#endif
  template <class A>
  Span(const std::vector<T, A>& v) noexcept : data_(v.data()), size_(v.size()) {}
  template <size_t N>
  constexpr Span(const std::array<T, N>& a) noexcept : data_(a.data()), size_(N) {}
  template <size_t N>
  constexpr Span(const T (&a)[N]) noexcept : data_(a), size_(N) {}
  constexpr const T* data() const noexcept { return data_; }
  constexpr size_t size() const noexcept { return size_; }
  constexpr bool empty() const noexcept { return size_ == 0; }
  constexpr const T* begin() const noexcept { return data_; }
  constexpr const T* end() const noexcept { return data_ + size_; }
  constexpr const T& operator[](size_t i) const noexcept { return data_[i]; }

 private:
  const T* data_ = nullptr;
  size_t size_ = 0;
};

namespace detail {

/// An exception thrown by C++ code behind a C callback on this thread. The callback's trampoline parks
/// it here and returns a status instead (nothing unwinds through the library); check() rethrows it when
/// the call that ran the callback fails.
inline std::exception_ptr& pending_exception() noexcept {
  static thread_local std::exception_ptr e;
  return e;
}

/// Arrays that share one C length parameter must have the same size.
inline void check_length(const char* fn, const char* name, size_t size, const char* other, size_t other_size) {
  if (size != other_size)
    throw_status(TFL_ERR_INVALID_ARGUMENT, std::string(fn) + ": argument '" + name + "': " + std::to_string(size) +
                                               " elements, but '" + other + "' has " + std::to_string(other_size));
}

}  // namespace detail

/// Turns a non-OK status into its exception, carrying tfl_last_error_message(); an exception parked by
/// a callback during the call is rethrown instead.
inline void check(tfl_status status) {
  if (status == TFL_OK) return;
  if (std::exception_ptr e = std::exchange(detail::pending_exception(), nullptr)) std::rethrow_exception(e);
  const char* message = ::tfl_last_error_message();
  detail::throw_status(status, message ? message : "");
}

)";

// The lifetime part of a handle class: one owned reference, copy = retain, move = steal.
std::string handle_class_head(const std::string& c, const std::string& h, const std::string& doc) {
  std::ostringstream os;
  std::stringstream ss(doc);
  std::string line;
  while (std::getline(ss, line)) os << "/// " << line << "\n";
  os << "/// Owns one reference to a " << h << ": copying retains (" << h << "_retain), moving steals, and\n"
     << "/// destruction releases (" << h << "_release). borrow() and release() hand the handle to C code.\n"
     << "class " << c << " {\n public:\n"
     << "  /// An empty object (borrow() is nullptr); C functions reject it as a NULL argument.\n"
     << "  " << c << "() noexcept = default;\n"
     << "  /// Takes over one reference the caller owns, e.g. a handle from a C out-parameter.\n"
     << "  static " << c << " adopt(" << h << "* handle) noexcept {\n    " << c
     << " r;\n    r.h_ = handle;\n    return r;\n  }\n"
     << "  /// Takes a new reference to a handle borrowed from C code (retains it).\n"
     << "  static " << c << " share(const " << h << "* handle) {\n    " << c << " r;\n    r.h_ = const_cast<" << h
     << "*>(handle);\n    if (r.h_) check(::" << h << "_retain(r.h_));\n    return r;\n  }\n"
     << "  " << c << "(const " << c << "& other) : h_(other.h_) {\n    if (h_) check(::" << h
     << "_retain(h_));\n  }\n"
     << "  " << c << "(" << c << "&& other) noexcept : h_(std::exchange(other.h_, nullptr)) {}\n"
     << "  " << c << "& operator=(const " << c << "& other) {\n    " << c
     << "(other).swap(*this);\n    return *this;\n  }\n"
     << "  " << c << "& operator=(" << c << "&& other) noexcept {\n    " << c
     << "(std::move(other)).swap(*this);\n    return *this;\n  }\n"
     << "  ~" << c << "() { ::" << h << "_release(h_); }\n"
     << "  void swap(" << c << "& other) noexcept { std::swap(h_, other.h_); }\n"
     << "  /// The C handle, still owned by this object: valid while it (or a copy) lives.\n"
     << "  " << h << "* borrow() const noexcept { return h_; }\n"
     << "  /// Gives up ownership: returns the handle, which the caller must " << h
     << "_release, and leaves this empty.\n"
     << "  [[nodiscard]] " << h << "* release() noexcept { return std::exchange(h_, nullptr); }\n"
     << "  explicit operator bool() const noexcept { return h_ != nullptr; }\n\n";
  return os.str();
}

std::string handle_class_body(const std::string& c, const std::string&) {
  return "// " + c + "\n\n";
}

class CppEmitter : public Emitter {
 public:
  std::string path() const override { return "bindings/cpp/include/tenflowers/tenflowers.hpp"; }

  std::string emit(const Api& api) const override {
    CppModel m(api);
    std::ostringstream os;
    os << banner("//") << "// tenflowers C++17 binding: RAII handle classes, exceptions and functions over the C ABI.\n"
       << "// It includes only the C header and the standard library; see bindings/cpp/README.md.\n"
       << "#ifndef TENFLOWERS_TENFLOWERS_HPP\n#define TENFLOWERS_TENFLOWERS_HPP\n\n"
       << "#include <tenflowers/tenflowers.h>\n\n"
       << "#include <algorithm>\n#include <array>\n#include <cstddef>\n#include <cstdint>\n#include <exception>\n"
       << "#include <initializer_list>\n#include <optional>\n#include <stdexcept>\n#include <string>\n"
       << "#include <string_view>\n#include <tuple>\n#include <type_traits>\n#include <utility>\n#include <vector>\n\n"
       << "namespace tfl {\n\n";
    emit_enums(os, api);
    emit_errors(os, api);
    os << kSpanAndCheck;

    // Bindings, grouped by class.
    std::map<std::string, std::vector<Binding>> members;
    std::vector<Binding> frees;
    std::set<std::string> lifetime;  // tfl_<x>_retain / _release: the special members use them
    for (const Handle& h : api.handles) {
      lifetime.insert(h.name + "_retain");
      lifetime.insert(h.name + "_release");
    }
    for (const Handle& h : api.handles) {
      for (const char* verb : {"_retain", "_release"}) {
        bool found = std::any_of(api.functions.begin(), api.functions.end(),
                                 [&](const Function& f) { return f.name == h.name + verb; });
        if (!found) throw std::runtime_error("handle " + h.name + " has no " + h.name + verb);
      }
    }
    for (const Function& f : api.functions) {
      if (lifetime.count(f.name)) continue;
      Binding b = bind(m, f);
      (b.cls.empty() ? frees : members[b.cls]).push_back(b);
    }

    os << "// ---- handle classes " << std::string(80, '-') << "\n\n";
    for (const Handle& h : api.handles) os << "class " << m.cls(h.name) << ";\n";
    os << "\n";
    for (const Handle& h : api.handles) {
      std::string c = m.cls(h.name);
      os << handle_class_head(c, h.name, h.doc);
      for (const Binding& b : members[c]) {
        const Function& f = *b.f;
        os << brief(f.doc) << "  /// Wraps " << f.name << ".\n  " << (b.ret == "void" ? "" : "[[nodiscard]] ")
           << (b.is_static ? "static " : "") << b.ret << " " << b.name << "(" << param_list(b) << ")"
           << (b.is_const ? " const" : "") << ";\n";
      }
      os << "\n private:\n  " << h.name << "* h_ = nullptr;\n};\n\n";
    }
    os << "/// Every handle class, for code (tests, generic helpers) that must cover each of them.\nusing HandleTypes = std::tuple<";
    for (size_t i = 0; i < api.handles.size(); ++i) os << (i ? ", " : "") << m.cls(api.handles[i].name);
    os << ">;\n\n";
    os << "// ---- free functions " << std::string(80, '-') << "\n\n";
    for (const Binding& b : frees) {
      const Function& f = *b.f;
      os << brief(f.doc) << "/// Wraps " << f.name << ".\n// " << f.name << "\n"
         << (b.ret == "void" ? "" : "[[nodiscard]] ") << "inline " << b.ret << " " << b.name << "("
         << param_list(b) << ") {\n"
         << b.body << "}\n\n";
    }
    os << "// ---- members " << std::string(87, '-') << "\n\n";
    for (const Handle& h : api.handles) {
      std::string c = m.cls(h.name);
      os << handle_class_body(c, h.name);
      for (const Binding& b : members[c]) {
        const Function& f = *b.f;
          os << "// " << f.name << "\ninline " << b.ret << " " << c << "::" << b.name << "(" << param_list(b) << ")"
           << (b.is_const ? " const" : "") << " {\n"
           << b.body << "}\n\n";
      }
    }
    os << "}  // namespace tfl\n\n#endif  // TENFLOWERS_TENFLOWERS_HPP\n";
    std::string text = os.str();
    // Free-function docs were written with the member indent; free functions sit at column 0.
    std::string out;
    std::stringstream ss(text);
    std::string line;
    bool in_class = false;
    while (std::getline(ss, line)) {
      if (line.rfind("class ", 0) == 0 && line.back() == '{') in_class = true;
      if (line == "};") in_class = false;
      if (!in_class && line.rfind("  /// ", 0) == 0) line = line.substr(2);
      out += line + "\n";
    }
    return out;
  }

 private:
  static void emit_enums(std::ostringstream& os, const Api& api) {
    os << "// ---- enums " << std::string(89, '-') << "\n\n";
    for (const Enum& e : api.enums) {
      std::string c = pascal(e.name.substr(4));
      std::vector<std::string> names = value_names(e);
      std::stringstream ss(e.doc);
      std::string line;
      while (std::getline(ss, line)) os << "/// " << line << "\n";
      os << "enum class " << c << " : std::underlying_type_t<" << e.name << "> {\n";
      for (size_t i = 0; i < e.values.size(); ++i)
        os << "  " << names[i] << " = " << e.values[i].name << (i + 1 < e.values.size() ? "," : "") << "\n";
      os << "};\n\n";
    }
  }

  // Enum value names without the prefix all values share, in PascalCase: TFL_DTYPE_F32 -> F32.
  static std::vector<std::string> value_names(const Enum& e) {
    std::string prefix = e.values.empty() ? "" : e.values[0].name;
    for (const EnumValue& v : e.values) {
      size_t n = 0;
      while (n < prefix.size() && n < v.name.size() && prefix[n] == v.name[n]) ++n;
      prefix = prefix.substr(0, n);
    }
    prefix = prefix.substr(0, prefix.rfind('_') == std::string::npos ? 0 : prefix.rfind('_') + 1);
    std::vector<std::string> out;
    for (const EnumValue& v : e.values) {
      std::string n = pascal(v.name.substr(prefix.size()));
      if (n.empty() || std::isdigit(static_cast<unsigned char>(n[0]))) n = "V" + n;
      out.push_back(n);
    }
    return out;
  }

  static void emit_errors(std::ostringstream& os, const Api& api) {
    const Enum* status = nullptr;
    for (const Enum& e : api.enums)
      if (e.name == "tfl_status") status = &e;
    if (!status) throw std::runtime_error("no tfl_status enum");
    std::vector<std::string> names = value_names(*status);
    os << "// ---- errors " << std::string(88, '-') << "\n\n"
       << "/// The base of every exception the binding throws: a tfl_status code and the library's message\n"
       << "/// (tfl_last_error_message() at the time of the failure).\n"
       << "class Error : public std::runtime_error {\n public:\n"
       << "  Error(Status code, const std::string& message) : std::runtime_error(message), code_(code) {}\n"
       << "  /// The status code of the failed call.\n  Status code() const noexcept { return code_; }\n\n"
       << " private:\n  Status code_;\n};\n\n";
    // Non-OK values: their names without the prefix they share, e.g. TFL_ERR_SHAPE -> ShapeError.
    Enum errs = *status;
    errs.values.clear();
    for (const EnumValue& v : status->values)
      if (v.value != 0) errs.values.push_back(v);
    std::vector<std::string> err_names = value_names(errs);
    size_t k = 0;
    for (size_t i = 0; i < status->values.size(); ++i) {
      const EnumValue& v = status->values[i];
      if (v.value == 0) continue;
      std::string cls = err_names[k++] + "Error";
      os << "/// " << v.name << ": " << v.doc << "\nclass " << cls << " : public Error {\n public:\n  explicit "
         << cls << "(const std::string& message) : Error(Status::" << names[i] << ", message) {}\n};\n\n";
    }
    os << "namespace detail {\n\n/// Throws the exception class of `status` with `message`.\n"
       << "[[noreturn]] inline void throw_status(tfl_status status, const std::string& message) {\n"
       << "  switch (status) {\n";
    k = 0;
    for (const EnumValue& v : status->values) {
      if (v.value == 0) continue;
      os << "    case " << v.name << ": throw " << err_names[k++] << "Error(message);\n";
    }
    os << "    default: throw Error(static_cast<Status>(status), message);\n  }\n}\n\n}  // namespace detail\n\n";
  }
};

}  // namespace

std::unique_ptr<Emitter> make_cpp_emitter() { return std::make_unique<CppEmitter>(); }

}  // namespace tflgen
