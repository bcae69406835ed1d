// tfl-gen's front end: reads the TFL_API declarations of capi/ with Clang LibTooling.
#pragma once

#include <string>
#include <vector>

#include "gen/ir.h"

namespace clang::tooling {
class CompilationDatabase;
}

namespace tflgen {

// Parses `sources` and fills `api` (functions, enums, handles, callbacks found in files under capi/).
// Rule violations are appended to `errors` as "file:line: message". Returns false when Clang could not
// parse a source.
bool read_api(const clang::tooling::CompilationDatabase& db, const std::vector<std::string>& sources,
              Api& api, std::vector<std::string>& errors);

}  // namespace tflgen
