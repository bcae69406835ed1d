// Rust closures for the C API's callbacks: how each callback parameter reaches the closure (borrowed
// handles and handle arrays, returned replacements) and the extern "C" trampoline that calls it.
#include <set>
#include <sstream>

#include "gen/rust_model.h"

namespace tflgen {
namespace rust {
namespace {

// How one callback parameter reaches the closure, read from the IR's types and annotations.
enum class CbKind {
  UserData,   // the `void* user_data` carrying the closure
  Value,      // a scalar or enum by value
  Handle,     // `const H*`: borrowed for the call -> &H
  InArray,    // `const H* const*` with a count (TFL_ARRAY, or a size_t right after it) -> &[Option<H>]
  Out,        // `H**` single replacement, NULL on entry -> Option<H> returned
  OutArray,   // TFL_ARRAY(n) `H**`, n entries NULL on entry -> Vec<Option<H>> returned (len <= n)
  Count,      // the size_t element count of an array above: implied by the slice / checked against
  Unsupported
};
struct CbParam {
  const Param* p;
  CbKind kind;
  std::string count;  // arrays: the name of the count parameter
};

std::vector<CbParam> classify_callback(const Model& m, const Callback& c) {
  std::vector<CbParam> r;
  for (size_t i = 0; i < c.params.size(); ++i) {
    const Param& p = c.params[i];
    CType t = parse_ctype(p.c_type);
    CbParam cp{&p, CbKind::Unsupported, ""};
    bool handle = m.wrapped.count(t.base) > 0;
    if (t.base == "void" && t.depth() == 1) {
      if (p.name == "user_data") cp.kind = CbKind::UserData;
    } else if (handle && t.depth() == 1) {
      cp.kind = CbKind::Handle;
    } else if (handle && t.depth() == 2 && t.pointee_const()) {
      std::string len = p.array_len;
      if (len.empty() && i + 1 < c.params.size() && parse_ctype(c.params[i + 1].c_type).base == "size_t" &&
          parse_ctype(c.params[i + 1].c_type).depth() == 0)
        len = c.params[i + 1].name;
      if (!len.empty()) cp.kind = CbKind::InArray, cp.count = len;
    } else if (handle && t.depth() == 2) {
      cp.kind = p.array_len.empty() ? CbKind::Out : CbKind::OutArray;
      cp.count = p.array_len;
    } else if (t.depth() == 0 && !safe_value_type(m, t.base).empty()) {
      cp.kind = CbKind::Value;
    }
    r.push_back(cp);
  }
  std::set<std::string> counts;
  for (const CbParam& cp : r)
    if (cp.kind == CbKind::InArray || cp.kind == CbKind::OutArray) counts.insert(cp.count);
  for (CbParam& cp : r) {
    if (!counts.count(cp.p->name)) continue;
    CType t = parse_ctype(cp.p->c_type);
    cp.kind = t.base == "size_t" && t.depth() == 0 ? CbKind::Count : CbKind::Unsupported;
  }
  for (const std::string& n : counts) {  // a count that names no parameter
    bool found = false;
    for (const CbParam& cp : r) found |= cp.p->name == n;
    if (!found) r.push_back({nullptr, CbKind::Unsupported, n});
  }
  return r;
}

}  // namespace

// Whether a callback can take a Rust closure: one `void* user_data` plus parameters of the kinds above,
// returning void or the status (a closure that returns handles needs the status to report a bad result).
bool closure_callback(const Model& m, const Callback& c) {
  int user = 0;
  bool outs = false;
  for (const CbParam& cp : classify_callback(m, c)) {
    if (cp.kind == CbKind::Unsupported) return false;
    user += cp.kind == CbKind::UserData;
    outs |= cp.kind == CbKind::Out || cp.kind == CbKind::OutArray;
  }
  return user == 1 && (m.is_status(c.return_type) || (c.return_type == "void" && !outs));
}

// The closure bound for a callback: Fn(&Tensor, &[Option<Tensor>], ...) -> Result<(outs)>.
std::string closure_bound(const Model& m, const Callback& c) {
  std::vector<std::string> args, outs;
  for (const CbParam& cp : classify_callback(m, c)) {
    CType t = parse_ctype(cp.p->c_type);
    std::string h = m.rust_handle(t.base);
    switch (cp.kind) {
      case CbKind::Handle: args.push_back("&" + h); break;
      case CbKind::InArray: args.push_back("&[Option<" + h + ">]"); break;
      case CbKind::Value: args.push_back(safe_value_type(m, t.base)); break;
      case CbKind::Out: outs.push_back("Option<" + h + ">"); break;
      case CbKind::OutArray: outs.push_back("Vec<Option<" + h + ">>"); break;
      default: break;
    }
  }
  std::string out = outs.size() == 1 ? outs[0] : "(" + [&] {
    std::string s;
    for (size_t i = 0; i < outs.size(); ++i) s += (i ? ", " : "") + outs[i];
    return s;
  }() + ")";
  std::string r = "Fn(";
  for (size_t i = 0; i < args.size(); ++i) r += (i ? ", " : "") + args[i];
  return r + ") -> " + (m.is_status(c.return_type) ? "Result<" + out + ">" : out) + " + 'static";
}

void emit_trampoline(std::ostringstream& os, const Model& m, const Callback& c) {
  std::string bound = closure_bound(m, c);
  std::vector<CbParam> cps = classify_callback(m, c);
  os << "/// Calls the closure behind `user_data`; a panic or an `Err` becomes a status (the message is kept\n"
        "/// for the failing call to report). Borrowed array entries are retained into owned handles for the\n"
        "/// call (and released after it); returned handles are handed over with `into_raw`. Crate-visible:\n"
        "/// lib.rs registers hooks whose closures it owns.\n"
        "pub(crate) unsafe extern \"C\" fn "
     << c.name << "_trampoline<F: " << bound << ">(";
  for (size_t i = 0; i < c.params.size(); ++i)
    os << (i ? ", " : "") << ident(c.params[i].name) << ": " << m.sys_type(c.params[i].c_type, true);
  os << ")" << (c.return_type == "void" ? "" : " -> " + m.sys_type(c.return_type, true)) << " {\n";
  bool status = m.is_status(c.return_type);
  std::string bad = status ? "return ErrorKind::InvalidArgument.to_sys()" : "return";
  std::vector<std::string> call_args, inner;
  std::vector<const CbParam*> outs;
  std::string user;
  for (const CbParam& cp : cps) {
    const Param& p = *cp.p;
    CType t = parse_ctype(p.c_type);
    std::string n = ident(p.name);
    switch (cp.kind) {
      case CbKind::UserData: user = n; break;
      case CbKind::Handle: {
        std::string h = m.rust_handle(t.base);
        os << "    let " << p.name << "_ref = match NonNull::new(" << n << " as *mut sys::" << t.base
           << ") {\n        Some(raw) => ManuallyDrop::new(" << h << " { raw }),\n        None => " << bad
           << ",\n    };\n";
        call_args.push_back("&*" + p.name + "_ref");
        break;
      }
      case CbKind::InArray: {
        std::string h = m.rust_handle(t.base), len = ident(cp.count);
        os << "    if " << n << ".is_null() && " << len << " != 0 {\n        " << bad << ";\n    }\n";
        // Each entry is retained into an owned handle (the caller's reference stays untouched).
        inner.push_back("let " + p.name + "_owned: Vec<Option<" + h + ">> = if " + len +
                        " == 0 {\n            Vec::new()\n        } else {\n            std::slice::from_raw_parts(" + n +
                        ", " + len + " as usize)\n                .iter()\n                .map(|&r| NonNull::new(r as *mut sys::" +
                        t.base + ").map(|raw| (*ManuallyDrop::new(" + h +
                        " { raw })).clone()))\n                .collect()\n        };");
        call_args.push_back("&" + p.name + "_owned");
        break;
      }
      case CbKind::Value:
        if (m.enums.count(t.base)) {
          os << "    let " << p.name << "_val = match " << m.rust_enum(t.base) << "::from_sys(" << n
             << ") {\n        Some(v) => v,\n        None => " << bad << ",\n    };\n";
          call_args.push_back(p.name + "_val");
        } else {
          call_args.push_back(n);
        }
        break;
      case CbKind::Out:
      case CbKind::OutArray: outs.push_back(&cp); break;
      default: break;
    }
  }
  os << "    let f = &*(" << user << " as *const F);\n";
  os << "    let result = panic::catch_unwind(AssertUnwindSafe(|| {\n";
  for (const std::string& s : inner) os << "        " << s << "\n";
  os << "        f(";
  for (size_t i = 0; i < call_args.size(); ++i) os << (i ? ", " : "") << call_args[i];
  os << ")\n    }));\n";
  std::string ok_pat = outs.size() == 1 ? "out0" : [&] {
    std::string s = "(";
    for (size_t i = 0; i < outs.size(); ++i) s += (i ? ", " : "") + std::string("out") + std::to_string(i);
    return s + ")";
  }();
  // Every returned array is checked before anything is stored, so a failure hands over nothing.
  std::string store;
  for (size_t i = 0; i < outs.size(); ++i) {
    if (outs[i]->kind != CbKind::OutArray) continue;
    std::string o = "out" + std::to_string(i), len = ident(outs[i]->count);
    store += "            if " + o + ".len() > " + len + " as usize {\n                set_callback_error(Error::new(ErrorKind::InvalidArgument, format!(\"a " +
             c.name + " closure returned {} " + outs[i]->p->name + " for {} entries\", " + o + ".len(), " + len +
             ")));\n                return ErrorKind::InvalidArgument.to_sys();\n            }\n";
  }
  for (size_t i = 0; i < outs.size(); ++i) {
    std::string o = "out" + std::to_string(i), dst = ident(outs[i]->p->name);
    if (outs[i]->kind == CbKind::OutArray)
      store += "            if !" + dst + ".is_null() {\n                for (i, h) in " + o +
               ".into_iter().enumerate() {\n                    if let Some(h) = h {\n                        *" + dst +
               ".add(i) = h.into_raw();\n                    }\n                }\n            }\n";
    else
      store += "            if let Some(h) = " + o + " {\n                if " + dst +
               ".is_null() {\n                    drop(h);\n                } else {\n                    *" + dst +
               " = h.into_raw();\n                }\n            }\n";
  }
  if (status) {
    os << "    match result {\n        Ok(Ok(" << ok_pat << ")) => {\n" << store
       << "            sys::" << m.enum_of.at(m.status)->values[0].name << "\n        }\n"
       << "        Ok(Err(e)) => {\n            let kind = e.kind();\n            set_callback_error(e);\n"
          "            kind.to_sys()\n        }\n"
       << "        Err(payload) => {\n            set_callback_error(Error::new(ErrorKind::Internal, format!(\"panic in a "
       << c.name << " closure: {}\", panic_message(&*payload))));\n            ErrorKind::Internal.to_sys()\n        }\n    }\n}\n\n";
  } else {
    os << "    if let Err(payload) = result {\n        set_callback_error(Error::new(ErrorKind::Internal, format!(\"panic in a "
       << c.name << " closure: {}\", panic_message(&*payload))));\n    }\n}\n\n";
  }
}

}  // namespace rust
}  // namespace tflgen
