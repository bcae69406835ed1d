// The interface every output of tfl-gen implements, and the shared banner.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "gen/ir.h"

namespace tflgen {

class Emitter {
 public:
  virtual ~Emitter() = default;
  // Path of the output, relative to the repository root.
  virtual std::string path() const = 0;
  virtual std::string emit(const Api& api) const = 0;
};

std::unique_ptr<Emitter> make_header_emitter();
std::unique_ptr<Emitter> make_map_emitter();
std::unique_ptr<Emitter> make_json_emitter();
std::unique_ptr<Emitter> make_docs_emitter();
std::unique_ptr<Emitter> make_rust_sys_emitter();
std::unique_ptr<Emitter> make_rust_wrapper_emitter();
std::unique_ptr<Emitter> make_cpp_emitter();  // throws std::runtime_error for a function it cannot map
// The Python low layer (tenflowers._lib): cdef, exceptions, checked wrappers.
std::vector<std::unique_ptr<Emitter>> make_python_emitters();

// The first line of every generated file, in the comment syntax given ("//", "#", "/*").
std::string banner(const std::string& comment_open, const std::string& comment_close = "");

// Splits "0.1.0" into its numbers.
std::vector<int> version_numbers(const std::string& version);

}  // namespace tflgen
