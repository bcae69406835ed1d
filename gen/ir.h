// tfl-gen's plain model of the C API: what the front end reads and every emitter writes from.
#pragma once

#include <string>
#include <vector>

namespace tflgen {

struct Param {
  std::string name;
  std::string c_type;     // C spelling, e.g. "const tfl_tensor *"
  std::string decl;       // full C declarator, e.g. "const tfl_tensor *a" (right for function pointers too)
  bool out = false;       // TFL_OUT: written by the callee
  bool in = false;        // TFL_IN: a non-const pointer the callee reads (or mutates in place)
  bool owned = false;     // TFL_OWNED: ownership passes to the receiver
  bool nullable = false;  // TFL_NULLABLE
  std::string array_len;  // TFL_ARRAY(len): name of the parameter holding the element count
  bool is_pointer = false;
  bool is_handle = false;  // pointer (or pointer to pointer) to an opaque tfl_* handle
};

struct Function {
  std::string name;
  std::string object;       // <object> of tfl_<object>_<verb>, used to group the header
  std::string return_type;  // C spelling
  std::string since;        // "0.1"
  std::string doc;          // doc comment text without comment markers, one line per line
  std::vector<Param> params;
  std::string file;         // capi/<file>.cpp, for messages
  unsigned line = 0;
};

struct EnumValue {
  std::string name;
  long long value = 0;
  std::string doc;
};

struct Enum {
  std::string name;  // typedef name, e.g. tfl_status
  std::string doc;
  std::vector<EnumValue> values;
};

// typedef struct tfl_x tfl_x;
struct Handle {
  std::string name;
  std::string doc;
};

// A typedef for a callback, kept as its C declaration.
struct Callback {
  std::string name;
  std::string doc;
  std::string c_decl;  // "typedef void (*tfl_deleter_fn)(void *data, void *user_data);"
  std::string return_type;   // C spelling of what the callback returns
  std::vector<Param> params;  // its parameters (direction annotations as on functions, where given)
};

struct Api {
  std::string version;  // from VERSION, "0.1.0"
  std::vector<Enum> enums;
  std::vector<Handle> handles;
  std::vector<Callback> callbacks;
  std::vector<Function> functions;  // sorted by object then name
};

}  // namespace tflgen
