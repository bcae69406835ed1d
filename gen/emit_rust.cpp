// Emits the Rust binding: bindings/rust/src/sys.rs (raw extern "C" declarations) and
// bindings/rust/src/generated.rs (owned handles, the error type, enums and one safe wrapper per function).
#include <algorithm>
#include <map>
#include <set>
#include <sstream>

#include "gen/emitter.h"
#include "gen/rust_model.h"

namespace tflgen {
namespace {

using namespace rust;

// ---- sys.rs ----------------------------------------------------------------------------------------

class RustSysEmitter : public Emitter {
 public:
  std::string path() const override { return "bindings/rust/src/sys.rs"; }

  std::string emit(const Api& api) const override {
    Model m(api);
    std::ostringstream os;
    os << banner("//") << "//! Raw `extern \"C\"` declarations of libtenflowers " << api.version
       << ", one per function of the C header.\n"
          "#![allow(non_camel_case_types, non_upper_case_globals, dead_code, unused_imports, clippy::all)]\n\n"
          "use std::os::raw::{c_char, c_int, c_uint, c_void};\n\n";
    os << "/// The library version this file was generated from.\npub const VERSION: &str = \"" << api.version
       << "\";\n\n";
    for (const Enum& e : api.enums) {
      doc_lines(os, e.doc, "", false);
      os << "#[repr(transparent)]\n#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]\npub struct " << e.name
         << "(pub c_int);\n";
      for (const EnumValue& v : e.values) {
        if (!v.doc.empty()) os << "/// " << v.doc << "\n";
        os << "pub const " << v.name << ": " << e.name << " = " << e.name << "(" << v.value << ");\n";
      }
      os << "\n";
    }
    for (const Handle& h : api.handles) {
      doc_lines(os, h.doc, "", false);
      os << "#[repr(C)]\npub struct " << h.name
         << " {\n    _private: [u8; 0],\n    _marker: core::marker::PhantomData<(*mut u8, core::marker::PhantomPinned)>,\n}\n\n";
    }
    for (const Callback& c : api.callbacks) {
      doc_lines(os, c.doc, "", false);
      os << "pub type " << c.name << " = Option<unsafe extern \"C\" fn(";
      for (size_t i = 0; i < c.params.size(); ++i)
        os << (i ? ", " : "") << ident(c.params[i].name) << ": " << or_opaque(m, c.params[i].c_type);
      os << ")" << ret(m, c.return_type) << ">;\n\n";
    }
    os << "extern \"C\" {\n";
    for (const Function& f : api.functions) {
      doc_lines(os, f.doc, "    ", true);
      os << "    pub fn " << f.name << "(";
      for (size_t i = 0; i < f.params.size(); ++i)
        os << (i ? ", " : "") << ident(f.params[i].name) << ": " << or_opaque(m, f.params[i].c_type);
      os << ")" << ret(m, f.return_type) << ";\n";
    }
    os << "}\n";
    return os.str();
  }

 private:
  // A type with no Rust spelling (a struct passed by pointer, say) is declared as an untyped pointer so
  // the function still links; its safe wrapper is then refused with a reason (see UNWRAPPED).
  static std::string or_opaque(const Model& m, const std::string& c_type) {
    std::string t = m.sys_type(c_type);
    if (!t.empty()) return t;
    CType ct = parse_ctype(c_type);
    return ct.depth() ? (ct.pointee_const() ? "*const c_void" : "*mut c_void") : "c_void /* unsupported */";
  }
  static std::string ret(const Model& m, const std::string& c_type) {
    if (c_type == "void") return "";
    return " -> " + or_opaque(m, c_type);
  }
};

class RustWrapperEmitter : public Emitter {
 public:
  std::string path() const override { return "bindings/rust/src/generated.rs"; }
  std::string emit(const Api& api) const override { return emit_rust_wrappers(api); }
};

}  // namespace

std::unique_ptr<Emitter> make_rust_sys_emitter() { return std::make_unique<RustSysEmitter>(); }
std::unique_ptr<Emitter> make_rust_wrapper_emitter() { return std::make_unique<RustWrapperEmitter>(); }

}  // namespace tflgen
