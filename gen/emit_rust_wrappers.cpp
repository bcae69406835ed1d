// Emits bindings/rust/src/generated.rs: the error type, safe enums, one owned type per retain/release
// handle, closure trampolines for callbacks, and one safe wrapper per C function, all from the IR.
#include <algorithm>
#include <set>
#include <sstream>

#include "gen/emitter.h"
#include "gen/rust_model.h"

namespace tflgen {
namespace rust {
namespace {

// The Rust side of one C function: signature pieces, statements and the call's arguments.
struct Plan {
  std::string why;  // non-empty: no safe wrapper (the reason goes into UNWRAPPED)
  bool is_unsafe = false;
  std::string owner;  // handle whose impl holds the wrapper ("" = free function)
  bool method = false;
  std::string rust_name;
  std::vector<std::string> generics, sig, pre, args1, args2, post, on_fail, ret_types, ret_exprs;
  bool two_pass = false;  // query the count with a NULL array first, then fill
  std::vector<std::string> between;  // statements between the two calls
};

std::string default_of(const std::string& rust_scalar) {
  return rust_scalar == "bool" ? "false" : "Default::default()";
}

std::string to_sys_value(const Model& m, const std::string& base, const std::string& expr) {
  return m.enums.count(base) ? expr + ".to_sys()" : expr;
}

Plan plan_function(const Model& m, const Function& f) {
  Plan p;
  if (!m.is_status(f.return_type) && f.return_type != "void") {
    CType rt = parse_ctype(f.return_type);
    bool text = rt.base == "char" && rt.depth() == 1 && rt.base_const;
    if (!text && (rt.depth() != 0 || !scalar_map().count(rt.base))) {
      p.why = "return type " + f.return_type + " has no safe mapping";
      return p;
    }
  }
  // Length parameters: filled from the slices that name them.
  std::map<std::string, std::vector<const Param*>> arrays_of;
  for (const Param& q : f.params)
    if (!q.array_len.empty()) arrays_of[q.array_len].push_back(&q);
  // Owner and receiver: the function's name prefix and its first input handle (STYLE.md rule 2).
  std::string owner;
  for (const std::string& h : m.wrapped)
    if (f.name.rfind(h + "_", 0) == 0 && h.size() > owner.size()) owner = h;
  const Param* self = nullptr;
  for (const Param& q : f.params) {
    CType t = parse_ctype(q.c_type);
    if (q.out || !m.handles.count(t.base)) continue;
    if (!owner.empty() && t.base == owner && t.depth() == 1 && q.array_len.empty() && !q.nullable) self = &q;
    break;
  }
  p.owner = owner;
  p.method = self != nullptr;
  std::string short_name = owner.empty() ? strip_tfl(f.name) : f.name.substr(owner.size() + 1);
  // Names the owned types already use for Clone::clone and Drop::drop.
  if (!owner.empty() && (short_name == "clone" || short_name == "drop")) short_name += "_" + strip_tfl(owner);
  p.rust_name = ident(short_name);
  // A count out-parameter turns a caller-sized out array into a query-then-fill call.
  const Param* count = nullptr;
  const Param* out_array = nullptr;
  int n_out = 0;
  for (const Param& q : f.params) {
    if (!q.out) continue;
    ++n_out;
    CType t = parse_ctype(q.c_type);
    if (!q.array_len.empty()) out_array = out_array ? nullptr : &q;
    else if (t.base == "size_t" && t.depth() == 1) count = count ? nullptr : &q;
  }
  p.two_pass = count && out_array && n_out == 2;
  auto add_arg = [&](const std::string& a) { p.args1.push_back(a), p.args2.push_back(a); };
  std::set<std::string> user_data_taken;
  for (size_t i = 0; i < f.params.size(); ++i) {
    const Param& q = f.params[i];
    CType t = parse_ctype(q.c_type);
    std::string n = ident(q.name), raw = q.name + "_raw", where = "parameter '" + q.name + "' (" + q.c_type + ")";
    if (user_data_taken.count(q.name)) {
      continue;  // argument already added by the callback before it
    }
    if (&q == self) {
      add_arg("self.raw.as_ptr()");
      continue;
    }
    if (arrays_of.count(q.name)) {  // a length
      const std::vector<const Param*>& arrs = arrays_of[q.name];
      const Param* out = nullptr;
      for (const Param* a : arrs)
        if (a->out) out = a;
      if (out) {
        if (p.two_pass && out == out_array) {
          p.args1.push_back("0");
          p.args2.push_back(out->name + "_buf.len() as _");
        } else {
          add_arg(out->name + "_buf.len() as _");
        }
        continue;
      }
      const Param* first = arrs[0];
      for (const Param* a : arrs)
        if (!a->nullable) { first = a; break; }
      std::string len = first->nullable ? ident(first->name) + ".map_or(0, |v| v.len())" : ident(first->name) + ".len()";
      p.pre.push_back("let " + q.name + "_len = " + len + ";");
      for (const Param* a : arrs) {
        if (a == first) continue;
        std::string check = a->nullable ? "if let Some(v) = " + ident(a->name) + " {\n            if v.len() != " +
                                              q.name + "_len {\n"
                                        : "{\n            let v = " + ident(a->name) + ";\n            if v.len() != " +
                                              q.name + "_len {\n";
        p.pre.push_back(check + "                return Err(Error::new(ErrorKind::InvalidArgument, \"" + f.name +
                        ": argument '" + a->name + "' must have as many elements as '" + first->name +
                        "'\"));\n            }\n        }");
      }
      add_arg(q.name + "_len as _");
      continue;
    }
    if (q.out) {
      if (m.wrapped.count(t.base) && t.depth() == 2) {
        std::string h = m.rust_handle(t.base);
        if (q.array_len.empty()) {
          p.pre.push_back("let mut " + raw + ": *mut sys::" + t.base + " = ptr::null_mut();");
          add_arg("&mut " + raw);
          if (q.nullable) {
            p.ret_types.push_back("Option<" + h + ">");
            p.ret_exprs.push_back("unsafe { " + h + "::from_raw(" + raw + ") }");
          } else {
            p.ret_types.push_back(h);
            p.ret_exprs.push_back("unsafe { " + h + "::from_out(" + raw + ", \"" + f.name + "\")? }");
          }
        } else if (p.two_pass && &q == out_array) {
          p.args1.push_back("ptr::null_mut()");
          p.between.push_back("let mut " + q.name + "_buf: Vec<*mut sys::" + t.base + "> = vec![ptr::null_mut(); " +
                              count->name + "_val];");
          p.args2.push_back(q.name + "_buf.as_mut_ptr()");
          p.post.push_back("let " + q.name + "_owned: Vec<Option<" + h + ">> = " + q.name +
                           "_buf.into_iter().map(|r| unsafe { " + h + "::from_raw(r) }).collect();");
          p.ret_types.push_back("Vec<" + h + ">");
          p.ret_exprs.push_back(q.name + "_owned.into_iter().take(" + count->name + "_val).map(|o| o.ok_or_else(|| Error::new(ErrorKind::Internal, \"" +
                                f.name + " returned fewer handles than it counted\"))).collect::<Result<Vec<" + h + ">>>()?");
        } else {
          p.sig.push_back(n + ": &mut [Option<" + h + ">]");
          p.pre.push_back("let mut " + q.name + "_buf: Vec<*mut sys::" + t.base + "> = vec![ptr::null_mut(); " + n +
                          ".len()];");
          add_arg(q.name + "_buf.as_mut_ptr()");
          p.post.push_back("for (slot, r) in " + n + ".iter_mut().zip(" + q.name + "_buf) {\n            *slot = unsafe { " + h +
                           "::from_raw(r) };\n        }");
        }
        continue;
      }
      if (t.depth() == 1 && &q == count && p.two_pass) {
        p.pre.push_back("let mut " + q.name + "_val: usize = 0;");
        add_arg("&mut " + q.name + "_val");
        continue;
      }
      std::string vt = safe_value_type(m, t.base);
      if (t.depth() == 1 && !q.array_len.empty() && scalar_map().count(t.base)) {
        std::string st = scalar_map().at(t.base);
        if (p.two_pass && &q == out_array) {
          bool text = t.base == "char";
          p.args1.push_back("ptr::null_mut()");
          p.between.push_back("let mut " + q.name + "_buf: Vec<" + st + "> = vec![" + (text ? "0" : default_of(st)) + "; " +
                              count->name + "_val" + (text ? " + 1" : "") + "];");
          p.args2.push_back(q.name + "_buf.as_mut_ptr()");
          if (text) {
            p.ret_types.push_back("String");
            p.ret_exprs.push_back("String::from_utf8_lossy(&" + q.name + "_buf[..(" + count->name + "_val).min(" + q.name +
                                  "_buf.len())].iter().map(|&c| c as u8).collect::<Vec<u8>>()).into_owned()");
          } else {
            p.ret_types.push_back("Vec<" + st + ">");
            p.ret_exprs.push_back("{ " + q.name + "_buf.truncate(" + count->name + "_val); " + q.name + "_buf }");
          }
        } else {
          p.sig.push_back(n + ": &mut [" + st + "]");
          p.pre.push_back("let " + q.name + "_buf = &mut *" + n + ";");
          add_arg(q.name + "_buf.as_mut_ptr()");
        }
        continue;
      }
      if (t.depth() == 1 && q.array_len.empty() && !vt.empty()) {
        std::string st = m.sys_type(t.base, true);
        p.pre.push_back("let mut " + q.name + "_val: " + st + " = " + default_of(st) + ";");
        add_arg("&mut " + q.name + "_val");
        p.ret_types.push_back(vt);
        if (m.enums.count(t.base))
          p.ret_exprs.push_back(vt + "::from_sys(" + q.name + "_val).ok_or_else(|| Error::new(ErrorKind::Internal, format!(\"" +
                                f.name + ": unknown " + t.base + " value {}\", " + q.name + "_val.0)))?");
        else
          p.ret_exprs.push_back(q.name + "_val");
        continue;
      }
      if (t.base == "char" && t.depth() == 2 && t.base_const) {
        p.pre.push_back("let mut " + q.name + "_val: *const c_char = ptr::null();");
        add_arg("&mut " + q.name + "_val");
        p.ret_types.push_back("String");
        p.ret_exprs.push_back("unsafe { string_from(" + q.name + "_val) }");
        continue;
      }
      if (t.base == "void" && t.depth() == 2) {
        p.pre.push_back("let mut " + q.name + "_val: *mut c_void = ptr::null_mut();");
        add_arg("&mut " + q.name + "_val");
        p.ret_types.push_back("*mut c_void");
        p.ret_exprs.push_back(q.name + "_val");
        continue;
      }
      if (t.base == "void" && t.depth() == 1) {  // a caller buffer sized by another argument
        p.is_unsafe = true;
        p.sig.push_back(n + ": *mut c_void");
        add_arg(n);
        continue;
      }
      p.why = "out " + where + " has no safe mapping";
      return p;
    }
    // Inputs.
    if (m.wrapped.count(t.base) && t.depth() == 1) {
      std::string h = m.rust_handle(t.base);
      if (q.nullable) {
        p.sig.push_back(n + ": Option<&" + h + ">");
        add_arg(n + ".map_or(ptr::null_mut(), |h| h.raw.as_ptr()) as _");
      } else {
        p.sig.push_back(n + ": &" + h);
        add_arg(n + ".raw.as_ptr() as _");
      }
      continue;
    }
    if (m.wrapped.count(t.base) && t.depth() == 2 && !q.array_len.empty() && t.pointee_const()) {
      std::string h = m.rust_handle(t.base);
      std::string collect = ".iter().map(|h| h.raw.as_ptr() as *const sys::" + t.base + ").collect::<Vec<_>>()";
      if (q.nullable) {
        p.sig.push_back(n + ": Option<&[&" + h + "]>");
        p.pre.push_back("let " + q.name + "_ptrs = " + n + ".map(|v| v" + collect + ");");
        add_arg(q.name + "_ptrs.as_ref().map_or(ptr::null(), |v| v.as_ptr())");
      } else {
        p.sig.push_back(n + ": &[&" + h + "]");
        p.pre.push_back("let " + q.name + "_ptrs = " + n + collect + ";");
        add_arg(q.name + "_ptrs.as_ptr()");
      }
      continue;
    }
    if (t.depth() == 0 && m.callbacks.count(t.base)) {
      const Callback& cb = *m.callback_of.at(t.base);
      const Param* user = nullptr;
      for (size_t j = i + 1; j < f.params.size(); ++j)
        if (f.params[j].name == "user_data" && parse_ctype(f.params[j].c_type).base == "void") user = &f.params[j];
      if (user && closure_callback(m, cb) && !q.nullable) {
        std::string g = "F" + std::to_string(p.generics.size());
        p.generics.push_back(g + ": " + closure_bound(m, cb));
        p.sig.push_back(n + ": " + g);
        p.pre.push_back("let " + q.name + "_state: *mut " + g + " = Box::into_raw(Box::new(" + n + "));");
        // The C API gives no destroy notification for user_data: on success the closure lives as long
        // as the process (it may run until the object it was registered on is gone).
        p.on_fail.push_back("drop(unsafe { Box::from_raw(" + q.name + "_state) });");
        // The callback and its user_data are adjacent in every current signature; keep order generic.
        add_arg("Some(" + cb.name + "_trampoline::<" + g + ">)");
        user_data_taken.insert(user->name);
        // user_data's argument goes at its own position: patch after the loop.
        p.post.push_back("// user_data:" + user->name + ":" + q.name + "_state");
      } else {
        p.is_unsafe = true;
        p.sig.push_back(n + ": sys::" + t.base);
        add_arg(n);
      }
      continue;
    }
    if (t.depth() == 0) {
      std::string vt = safe_value_type(m, t.base);
      if (vt.empty()) {
        p.why = where + " has no safe mapping";
        return p;
      }
      p.sig.push_back(n + ": " + vt);
      add_arg(to_sys_value(m, t.base, n));
      continue;
    }
    if (t.depth() == 2 && t.base == "char" && t.base_const && t.pointee_const() && !q.array_len.empty()) {
      // An array of strings: each copied into a CString kept alive for the call (its length is checked
      // against the other arrays of the same count like any slice).
      p.sig.push_back(n + std::string(": ") + (q.nullable ? "Option<&[&str]>" : "&[&str]"));
      std::string mk = "v.iter().map(|s| CString::new(*s).map_err(|_| Error::new(ErrorKind::InvalidArgument, \"" + f.name +
                       ": an element of argument '" + q.name + "' contains a NUL byte\"))).collect::<Result<Vec<CString>>>()";
      if (q.nullable)
        p.pre.push_back("let " + q.name + "_c = match " + n + " {\n            Some(v) => Some(" + mk +
                        "?),\n            None => None,\n        };");
      else
        p.pre.push_back("let " + q.name + "_c = { let v = " + n + "; " + mk + "? };");
      std::string ptrs = ".iter().map(|c| c.as_ptr()).collect::<Vec<*const c_char>>()";
      if (q.nullable) {
        p.pre.push_back("let " + q.name + "_ptrs = " + q.name + "_c.as_ref().map(|v| v" + ptrs + ");");
        add_arg(q.name + "_ptrs.as_ref().map_or(ptr::null(), |v| v.as_ptr())");
      } else {
        p.pre.push_back("let " + q.name + "_ptrs = " + q.name + "_c" + ptrs + ";");
        add_arg(q.name + "_ptrs.as_ptr()");
      }
      continue;
    }
    if (t.depth() == 1 && t.base_const && t.base == "char" && q.array_len.empty()) {
      p.sig.push_back(n + std::string(": ") + (q.nullable ? "Option<&str>" : "&str"));
      std::string mk = "CString::new(s).map_err(|_| Error::new(ErrorKind::InvalidArgument, \"" + f.name + ": argument '" +
                       q.name + "' contains a NUL byte\"))";
      if (q.nullable) {
        p.pre.push_back("let " + q.name + "_c = match " + n + " {\n            Some(s) => Some(" + mk +
                        "?),\n            None => None,\n        };");
        add_arg(q.name + "_c.as_ref().map_or(ptr::null(), |c| c.as_ptr())");
      } else {
        p.pre.push_back("let " + q.name + "_c = { let s = " + n + "; " + mk + "? };");
        add_arg(q.name + "_c.as_ptr()");
      }
      continue;
    }
    if (t.depth() == 1 && t.base_const && !safe_value_type(m, t.base).empty()) {
      std::string vt = safe_value_type(m, t.base);
      std::string st = m.sys_type(t.base, true);
      bool en = m.enums.count(t.base) > 0;
      if (!q.array_len.empty()) {
        p.sig.push_back(n + ": " + (q.nullable ? "Option<&[" + vt + "]>" : "&[" + vt + "]"));
        if (en) {
          p.pre.push_back("let " + q.name + "_sys = " + n + (q.nullable ? ".map(|v| v" : "") +
                          ".iter().map(|e| e.to_sys()).collect::<Vec<" + st + ">>()" + (q.nullable ? ")" : "") + ";");
          add_arg(q.nullable ? q.name + "_sys.as_ref().map_or(ptr::null(), |v| v.as_ptr())" : q.name + "_sys.as_ptr()");
        } else {
          add_arg(q.nullable ? n + ".map_or(ptr::null(), |v| v.as_ptr())" : n + ".as_ptr()");
        }
      } else {
        p.sig.push_back(n + ": " + (q.nullable ? "Option<" + vt + ">" : vt));
        std::string conv = en ? ".map(|e| e.to_sys())" : "";
        if (q.nullable) {
          p.pre.push_back("let " + q.name + "_opt: Option<" + st + "> = " + n + conv + ";");
          add_arg(q.name + "_opt.as_ref().map_or(ptr::null(), |v| v as *const " + st + ")");
        } else {
          p.pre.push_back("let " + q.name + "_val: " + st + " = " + to_sys_value(m, t.base, n) + ";");
          add_arg("&" + q.name + "_val as *const " + st);
        }
      }
      continue;
    }
    if (t.base == "void" && t.depth() == 1) {
      p.is_unsafe = true;
      p.sig.push_back(n + (t.base_const ? ": *const c_void" : ": *mut c_void"));
      add_arg(n);
      continue;
    }
    p.why = where + " has no safe mapping";
    return p;
  }
  // Put each closure's state pointer where its user_data parameter sits.
  std::vector<std::string> post;
  for (const std::string& s : p.post) {
    if (s.rfind("// user_data:", 0) != 0) {
      post.push_back(s);
      continue;
    }
    std::string rest = s.substr(13);
    std::string uname = rest.substr(0, rest.find(':')), state = rest.substr(rest.find(':') + 1);
    size_t pos = 0;
    for (const Param& q : f.params) {
      if (q.name == uname) break;
      ++pos;
    }
    // args are in parameter order (one per parameter, user_data skipped): insert at its index.
    p.args1.insert(p.args1.begin() + static_cast<long>(pos), state + " as *mut c_void");
    p.args2.insert(p.args2.begin() + static_cast<long>(pos), state + " as *mut c_void");
  }
  p.post = post;
  return p;
}

std::string join(const std::vector<std::string>& v, const std::string& sep) {
  std::string s;
  for (size_t i = 0; i < v.size(); ++i) s += (i ? sep : "") + v[i];
  return s;
}

void emit_function(std::ostringstream& os, const Model& m, const Function& f, const Plan& p, const std::string& indent) {
  doc_lines(os, f.doc, indent, true);
  if (p.is_unsafe)
    os << indent << "///\n" << indent
       << "/// # Safety\n" << indent << "/// Raw pointers are passed through unchecked: they must satisfy the C documentation.\n";
  if (!p.generics.empty())
    os << indent << "///\n" << indent
       << "/// The closure runs on the thread running the call that invokes it (a backward pass, a forward call);\n"
       << indent << "/// a panic or an `Err` becomes that call's error.\n"
       << indent
       << "/// It is kept for the rest of the process: the C API gives no notice when `user_data` is no longer used\n"
       << indent
       << "/// (the `Hook` guards of lib.rs own the closure instead and free it when the hook is removed).\n";
  os << indent << "#[doc(alias = \"" << f.name << "\")]\n";
  bool status = m.is_status(f.return_type);
  std::string ret;
  if (!status) {
    CType rt = parse_ctype(f.return_type);
    if (f.return_type == "void") ret = "()";
    else if (rt.base == "char" && rt.depth() == 1) ret = "String";
    else ret = safe_value_type(m, rt.base);
  } else {
    std::string r = p.ret_types.empty() ? "()" : p.ret_types.size() == 1 ? p.ret_types[0] : "(" + join(p.ret_types, ", ") + ")";
    ret = "Result<" + r + ">";
  }
  std::vector<std::string> sig = p.sig;
  if (p.method) sig.insert(sig.begin(), "&self");
  os << indent << "pub " << (p.is_unsafe ? "unsafe " : "") << "fn " << p.rust_name
     << (p.generics.empty() ? "" : "<" + join(p.generics, ", ") + ">") << "(" << join(sig, ", ") << ")"
     << (ret == "()" ? "" : " -> " + ret) << " {\n";
  std::string in = indent + "    ";
  for (const std::string& s : p.pre) os << in << s << "\n";
  if (!status) {
    CType rt = parse_ctype(f.return_type);
    std::string call = "sys::" + f.name + "(" + join(p.args2, ", ") + ")";
    if (ret == "String") os << in << "unsafe { string_from(" << call << ") }\n";
    else if (ret == "()") os << in << "unsafe { " << call << " }\n";
    else os << in << "unsafe { " << call << " }\n";
    os << indent << "}\n";
    return;
  }
  if (p.two_pass) {
    os << in << "check(unsafe { sys::" << f.name << "(" << join(p.args1, ", ") << ") })?;\n";
    for (const std::string& s : p.between) os << in << s << "\n";
  }
  os << in << "let status = unsafe { sys::" << f.name << "(" << join(p.args2, ", ") << ") };\n";
  os << in << "if let Err(e) = check(status) {\n";
  for (const std::string& s : p.on_fail) os << in << "    " << s << "\n";
  os << in << "    return Err(e);\n" << in << "}\n";
  for (const std::string& s : p.post) os << in << s << "\n";
  if (p.ret_exprs.empty()) os << in << "Ok(())\n";
  else if (p.ret_exprs.size() == 1) os << in << "Ok(" << p.ret_exprs[0] << ")\n";
  else os << in << "Ok((" << join(p.ret_exprs, ", ") << "))\n";
  os << indent << "}\n";
}

const char* kPrelude = R"RS(#![allow(unused_imports, unused_mut, unused_unsafe, clippy::all)]

use crate::sys;
use std::cell::RefCell;
use std::ffi::{CStr, CString};
use std::os::raw::{c_char, c_int, c_uint, c_void};
use std::fmt;
use std::mem::ManuallyDrop;
use std::panic::{self, AssertUnwindSafe};
use std::ptr::{self, NonNull};

/// The result of every fallible call.
pub type Result<T> = std::result::Result<T, Error>;

/// A failure reported by the library: its kind (the status code) and its message
/// (`tfl_last_error_message`, read on the failing thread right after the call).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Error {
    kind: ErrorKind,
    message: String,
}

impl Error {
    /// An error made on the Rust side (argument checks, callbacks).
    pub fn new(kind: ErrorKind, message: impl Into<String>) -> Self {
        Error { kind, message: message.into() }
    }
    /// Which status code the failure carried.
    pub fn kind(&self) -> ErrorKind {
        self.kind
    }
    /// The library's message, naming the function and the argument.
    pub fn message(&self) -> &str {
        &self.message
    }
    fn from_status(kind: ErrorKind) -> Self {
        let library = unsafe { string_from(sys::tfl_last_error_message()) };
        // A failure caused by a Rust callback keeps the callback's own message in front.
        match CALLBACK_ERROR.with(|c| c.borrow_mut().take()) {
            Some(cb) => Error { kind, message: format!("{} ({})", cb.message, library) },
            None => Error { kind, message: library },
        }
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.kind.name(), self.message)
    }
}

impl std::error::Error for Error {}

thread_local! {
    // The error of the last failing closure on this thread, reported by the call that ran it.
    static CALLBACK_ERROR: RefCell<Option<Error>> = const { RefCell::new(None) };
}

fn set_callback_error(e: Error) {
    CALLBACK_ERROR.with(|c| *c.borrow_mut() = Some(e));
}

fn panic_message(payload: &(dyn std::any::Any + Send)) -> String {
    if let Some(s) = payload.downcast_ref::<&str>() {
        (*s).to_string()
    } else if let Some(s) = payload.downcast_ref::<String>() {
        s.clone()
    } else {
        "unknown panic payload".to_string()
    }
}

/// Copies a NUL-terminated string from the library ("" for NULL).
unsafe fn string_from(p: *const c_char) -> String {
    if p.is_null() {
        String::new()
    } else {
        CStr::from_ptr(p).to_string_lossy().into_owned()
    }
}

pub(crate) fn check(status: sys::)RS";

}  // namespace

std::string emit_rust_wrappers(const Api& api) {
  Model m(api);
  std::ostringstream os;
  os << banner("//") << "//! Safe wrappers over `sys`: owned handles, `Result`s, slices, closures.\n" << kPrelude
     << m.status << ") -> Result<()> {\n    match ErrorKind::from_sys(status) {\n        None => Ok(()),\n"
     << "        Some(kind) => Err(Error::from_status(kind)),\n    }\n}\n\n";
  // Enums. The status enum becomes ErrorKind (its OK value is the absence of an error).
  for (const Enum& e : api.enums) {
    bool status = e.name == m.status;
    std::vector<EnumValue> values;
    for (const EnumValue& v : e.values)
      if (!(status && v.value == 0)) values.push_back(v);
    std::string prefix = value_prefix(values), name = m.rust_enum(e.name);
    doc_lines(os, e.doc, "", false);
    os << "#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]\n" << (status ? "" : "#[repr(i32)]\n") << "pub enum " << name
       << " {\n";
    for (const EnumValue& v : values) {
      if (!v.doc.empty()) os << "    /// " << v.doc << "\n";
      os << "    " << variant_name(v.name, prefix) << (status ? "" : " = " + std::to_string(v.value)) << ",\n";
    }
    if (status) os << "    /// A code this binding does not know (a newer library).\n    Unknown(i32),\n";
    os << "}\n\nimpl " << name << " {\n";
    if (!status) {
      os << "    /// Every value, in declaration order.\n    pub const ALL: [" << name << "; " << values.size() << "] = [";
      for (size_t i = 0; i < values.size(); ++i) os << (i ? ", " : "") << name << "::" << variant_name(values[i].name, prefix);
      os << "];\n";
    }
    os << "    /// The raw value" << (status ? "; None for the OK status" : "; None for a value unknown to this binding")
       << ".\n    pub fn from_sys(v: sys::" << e.name << ") -> Option<Self> {\n        match v.0 {\n";
    for (const EnumValue& v : values) os << "            " << v.value << " => Some(" << name << "::" << variant_name(v.name, prefix) << "),\n";
    if (status) os << "            0 => None,\n            other => Some(" << name << "::Unknown(other)),\n";
    else os << "            _ => None,\n";
    os << "        }\n    }\n    /// The raw value.\n    pub fn to_sys(self) -> sys::" << e.name << " {\n        sys::" << e.name
       << "(match self {\n";
    for (const EnumValue& v : values) os << "            " << name << "::" << variant_name(v.name, prefix) << " => " << v.value << ",\n";
    if (status) os << "            " << name << "::Unknown(v) => v,\n";
    os << "        })\n    }\n    /// The C name of the value.\n    pub fn name(self) -> &'static str {\n        match self {\n";
    for (const EnumValue& v : values) os << "            " << name << "::" << variant_name(v.name, prefix) << " => \"" << v.name << "\",\n";
    if (status) os << "            " << name << "::Unknown(_) => \"unknown status\",\n";
    os << "        }\n    }\n}\n\n";
  }
  // Owned handle types.
  for (const Handle& h : api.handles) {
    if (!m.wrapped.count(h.name)) continue;
    std::string r = m.rust_handle(h.name);
    doc_lines(os, h.doc, "", false);
    os << "///\n/// Owns one reference: `Clone` takes another (`" << h.name << "_retain`), `Drop` gives it back (`" << h.name
       << "_release`).\npub struct " << r << " {\n    pub(crate) raw: NonNull<sys::" << h.name << ">,\n}\n\n";
    os << "impl " << r << " {\n"
       << "    /// Takes over one reference to a handle; None for NULL.\n    ///\n    /// # Safety\n"
          "    /// `raw` is NULL or a live handle whose reference the caller owns and hands over.\n"
       << "    pub unsafe fn from_raw(raw: *mut sys::" << h.name << ") -> Option<Self> {\n        NonNull::new(raw).map(|raw| "
       << r << " { raw })\n    }\n"
       << "    unsafe fn from_out(raw: *mut sys::" << h.name << ", function: &str) -> Result<Self> {\n        Self::from_raw(raw).ok_or_else(|| {\n"
       << "            Error::new(ErrorKind::Internal, format!(\"{function} returned TFL_OK without a handle\"))\n        })\n    }\n"
       << "    /// The handle, still owned by `self` (for calls into `sys`).\n    pub fn as_ptr(&self) -> *mut sys::" << h.name
       << " {\n        self.raw.as_ptr()\n    }\n"
       << "    /// Gives up ownership of the reference without releasing it.\n    pub fn into_raw(self) -> *mut sys::" << h.name
       << " {\n        ManuallyDrop::new(self).raw.as_ptr()\n    }\n}\n\n";
    os << "impl Clone for " << r << " {\n    #[doc(alias = \"" << h.name << "_retain\")]\n    fn clone(&self) -> Self {\n"
       << "        let status = unsafe { sys::" << h.name << "_retain(self.raw.as_ptr()) };\n"
       << "        if let Err(e) = check(status) {\n            panic!(\"" << h.name << "_retain failed: {e}\");\n        }\n"
       << "        " << r << " { raw: self.raw }\n    }\n}\n\n";
    os << "impl Drop for " << r << " {\n    #[doc(alias = \"" << h.name << "_release\")]\n    fn drop(&mut self) {\n"
       << "        unsafe { sys::" << h.name << "_release(self.raw.as_ptr()) }\n    }\n}\n\n";
    os << "impl fmt::Debug for " << r << " {\n    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {\n"
       << "        write!(f, \"" << r << "({:p})\", self.raw.as_ptr())\n    }\n}\n\n";
  }
  // Closure trampolines.
  for (const Callback& c : api.callbacks)
    if (closure_callback(m, c)) emit_trampoline(os, m, c);
  // Wrappers, grouped per owner.
  std::map<std::string, std::vector<std::pair<const Function*, Plan>>> by_owner;
  std::vector<std::pair<std::string, std::string>> unwrapped;
  for (const Function& f : api.functions) {
    bool lifetime = false;
    for (const std::string& h : m.wrapped) lifetime |= f.name == h + "_retain" || f.name == h + "_release";
    if (lifetime) continue;  // Clone and Drop
    Plan p = plan_function(m, f);
    if (!p.why.empty()) unwrapped.emplace_back(f.name, p.why);
    else by_owner[p.owner].emplace_back(&f, std::move(p));
  }
  for (const auto& [owner, fns] : by_owner) {
    if (owner.empty()) continue;
    os << "impl " << m.rust_handle(owner) << " {\n";
    for (size_t i = 0; i < fns.size(); ++i) {
      if (i) os << "\n";
      emit_function(os, m, *fns[i].first, fns[i].second, "    ");
    }
    os << "}\n\n";
  }
  if (by_owner.count("")) {
    const auto& fns = by_owner.at("");
    for (size_t i = 0; i < fns.size(); ++i) {
      emit_function(os, m, *fns[i].first, fns[i].second, "");
      os << "\n";
    }
  }
  os << "/// C functions without a safe wrapper, with the reason (use `sys` for them). The consistency test\n"
        "/// (tests/rust/check_rust_coverage.py) reports every entry.\npub const UNWRAPPED: &[(&str, &str)] = &[";
  for (const auto& [name, why] : unwrapped) os << "\n    (\"" << name << "\", \"" << why << "\"),";
  os << (unwrapped.empty() ? "];\n" : "\n];\n");
  return os.str();
}

}  // namespace rust
}  // namespace tflgen
