// The Rust emitters' shared view of the IR: C type spellings mapped to Rust, names, the status enum.
#pragma once

#include <cctype>
#include <map>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "gen/ir.h"

namespace tflgen {
namespace rust {

// ---- C type spellings -> Rust ---------------------------------------------------------------------

// A parsed C type: base name, its constness and one entry per pointer level (whether that pointer is const).
struct CType {
  std::string base;
  bool base_const = false;
  std::vector<bool> ptr_const;
  size_t depth() const { return ptr_const.size(); }
  bool pointee_const() const {  // constness of what the outermost pointer points to
    if (ptr_const.empty()) return false;
    return ptr_const.size() == 1 ? base_const : ptr_const[ptr_const.size() - 2];
  }
};

inline CType parse_ctype(const std::string& s) {
  CType t;
  std::string tok;
  std::vector<std::string> toks;
  for (char c : s) {
    if (c == '*' || c == ' ') {
      if (!tok.empty()) toks.push_back(tok), tok.clear();
      if (c == '*') toks.push_back("*");
    } else {
      tok += c;
    }
  }
  if (!tok.empty()) toks.push_back(tok);
  for (const std::string& w : toks) {
    if (w == "*") t.ptr_const.push_back(false);
    else if (w == "const" && t.ptr_const.empty()) t.base_const = true;
    else if (w == "const") t.ptr_const.back() = true;
    else t.base += (t.base.empty() ? "" : " ") + w;
  }
  return t;
}

inline const std::map<std::string, std::string>& scalar_map() {
  static const std::map<std::string, std::string> m = {
      {"bool", "bool"},      {"char", "c_char"},    {"int8_t", "i8"},      {"uint8_t", "u8"},
      {"int16_t", "i16"},    {"uint16_t", "u16"},   {"int32_t", "i32"},    {"uint32_t", "u32"},
      {"int64_t", "i64"},    {"uint64_t", "u64"},   {"size_t", "usize"},   {"float", "f32"},
      {"double", "f64"},     {"int", "c_int"},      {"unsigned int", "c_uint"}};
  return m;
}

inline bool is_keyword(const std::string& s) {
  static const std::set<std::string> k = {
      "as",    "break", "const",  "continue", "crate", "else",    "enum",   "extern", "false",    "fn",
      "for",   "if",    "impl",   "in",       "let",   "loop",    "match",  "mod",    "move",     "mut",
      "pub",   "ref",   "return", "static",   "struct", "super",  "trait",  "true",   "type",     "unsafe",
      "use",   "where", "while",  "async",    "await", "dyn",     "abstract", "become", "box",    "do",
      "final", "macro", "override", "priv",   "typeof", "unsized", "virtual", "yield",  "try",    "gen"};
  return k.count(s) > 0;
}
inline std::string ident(const std::string& s) { return is_keyword(s) ? "r#" + s : s; }

inline std::string camel(const std::string& snake) {
  std::string out;
  bool up = true;
  for (char c : snake) {
    if (c == '_') { up = true; continue; }
    out += up ? static_cast<char>(std::toupper(static_cast<unsigned char>(c)))
              : static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    up = false;
  }
  return out;
}

inline std::string strip_tfl(const std::string& s) { return s.rfind("tfl_", 0) == 0 ? s.substr(4) : s; }

inline void doc_lines(std::ostringstream& os, const std::string& doc, const std::string& indent, bool summary_only) {
  std::stringstream ss(doc);
  std::string line;
  while (std::getline(ss, line)) {
    if (summary_only && line.rfind("@", 0) == 0) break;
    os << indent << "///" << (line.empty() ? "" : " ") << line << "\n";
  }
}

// ---- what the emitters know about the API ----------------------------------------------------------

struct Model {
  const Api& api;
  std::set<std::string> enums, handles, callbacks, wrapped;  // wrapped: handles with _retain and _release
  std::string status;                                          // the status enum (what fallible functions return)
  std::map<std::string, const Callback*> callback_of;
  std::map<std::string, const Enum*> enum_of;

  explicit Model(const Api& a) : api(a) {
    std::set<std::string> fnames;
    for (const Function& f : api.functions) fnames.insert(f.name);
    for (const Enum& e : api.enums) enums.insert(e.name), enum_of[e.name] = &e;
    for (const Handle& h : api.handles) {
      handles.insert(h.name);
      if (fnames.count(h.name + "_retain") && fnames.count(h.name + "_release")) wrapped.insert(h.name);
    }
    for (const Callback& c : api.callbacks) callbacks.insert(c.name), callback_of[c.name] = &c;
    std::map<std::string, int> returns;
    for (const Function& f : api.functions)
      if (enums.count(f.return_type)) ++returns[f.return_type];
    int best = 0;
    for (const auto& [name, n] : returns)
      if (n > best) best = n, status = name;
  }

  // Raw FFI spelling of a C type, or "" when it has none.
  // `qualified` prefixes the API's own types with `sys::` (for use outside sys.rs).
  std::string sys_type(const std::string& c_type, bool qualified = false) const {
    CType t = parse_ctype(c_type);
    std::string ty;
    if (t.base == "void") ty = t.depth() ? "c_void" : "()";
    else if (scalar_map().count(t.base)) ty = scalar_map().at(t.base);
    else if (enums.count(t.base) || handles.count(t.base) || callbacks.count(t.base)) ty = (qualified ? "sys::" : "") + t.base;
    else return "";
    bool pointee_const = t.base_const;
    for (bool c : t.ptr_const) {
      ty = std::string(pointee_const ? "*const " : "*mut ") + ty;
      pointee_const = c;
    }
    return ty;
  }
  std::string rust_handle(const std::string& h) const { return camel(strip_tfl(h)); }
  std::string rust_enum(const std::string& e) const { return e == status ? "ErrorKind" : camel(strip_tfl(e)); }
  bool is_status(const std::string& c_type) const { return c_type == status; }
};

// The common prefix of an enum's value names, cut after an underscore ("TFL_DTYPE_").
inline std::string value_prefix(const std::vector<EnumValue>& values) {
  if (values.empty()) return "";
  std::string p = values[0].name;
  for (const EnumValue& v : values) {
    size_t i = 0;
    while (i < p.size() && i < v.name.size() && p[i] == v.name[i]) ++i;
    p = p.substr(0, i);
  }
  size_t cut = p.rfind('_');
  return cut == std::string::npos ? "" : p.substr(0, cut + 1);
}

inline std::string variant_name(const std::string& value, const std::string& prefix) {
  std::string v = camel(value.substr(prefix.size()));
  if (v.empty() || std::isdigit(static_cast<unsigned char>(v[0]))) v = "V" + v;
  return v;
}

// A scalar or enum type that crosses by value: its Rust spelling for the safe layer, or "".
inline std::string safe_value_type(const Model& m, const std::string& base) {
  if (scalar_map().count(base)) return scalar_map().at(base);
  if (m.enums.count(base)) return m.rust_enum(base);
  return "";
}
// generated.rs: the safe layer (emit_rust_wrappers.cpp).
std::string emit_rust_wrappers(const Api& api);

// Closures for callbacks (emit_rust_callbacks.cpp): whether a callback takes one, the closure bound
// (`Fn(&Tensor, &[Option<Tensor>]) -> Result<Option<Tensor>> + 'static`), and its extern "C" trampoline.
bool closure_callback(const Model& m, const Callback& c);
std::string closure_bound(const Model& m, const Callback& c);
void emit_trampoline(std::ostringstream& os, const Model& m, const Callback& c);

}  // namespace rust
}  // namespace tflgen
