// tfl-gen: reads capi/*.cpp, writes the header, version script, API description, reference docs, the
// Rust and C++ bindings and the Python low layer.
//   tfl-gen -p <build dir> --root <repo> [--out-dir <dir>] capi/*.cpp
#include <clang/Tooling/CommonOptionsParser.h>
#include <llvm/Support/CommandLine.h>

#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>

#include "gen/emitter.h"
#include "gen/frontend.h"

namespace {

llvm::cl::OptionCategory category("tfl-gen options");
llvm::cl::opt<std::string> root_opt("root", llvm::cl::desc("repository root (reads VERSION)"), llvm::cl::Required,
                                    llvm::cl::cat(category));
llvm::cl::opt<std::string> out_opt("out-dir", llvm::cl::desc("where outputs go (default: the root)"),
                                   llvm::cl::cat(category));

std::string read_file(const std::filesystem::path& p) {
  std::ifstream in(p);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// Writes only when the content changed, so a rebuild after a body-only edit recompiles nothing.
bool write_if_changed(const std::filesystem::path& p, const std::string& text) {
  if (std::filesystem::exists(p) && read_file(p) == text) return true;
  std::filesystem::create_directories(p.parent_path());
  std::ofstream out(p);
  out << text;
  return static_cast<bool>(out);
}

}  // namespace

int main(int argc, const char** argv) {
  auto parser = clang::tooling::CommonOptionsParser::create(argc, argv, category);
  if (!parser) {
    llvm::errs() << parser.takeError();
    return 2;
  }
  std::filesystem::path root = root_opt.getValue();
  std::filesystem::path out = out_opt.empty() ? root : std::filesystem::path(out_opt.getValue());
  tflgen::Api api;
  std::string version = read_file(root / "VERSION");
  api.version = version.substr(0, version.find_first_of("\r\n"));
  std::vector<std::string> errors;
  bool parsed = tflgen::read_api(parser->getCompilations(), parser->getSourcePathList(), api, errors);
  for (const std::string& e : errors) std::cerr << e << "\n";
  if (!parsed || !errors.empty()) {
    std::cerr << "tfl-gen: " << errors.size() << " error(s); nothing written\n";
    return 1;
  }
  if (api.functions.empty()) {
    std::cerr << "tfl-gen: no TFL_API function found\n";
    return 1;
  }
  std::vector<std::unique_ptr<tflgen::Emitter>> emitters;
  emitters.push_back(tflgen::make_header_emitter());
  emitters.push_back(tflgen::make_map_emitter());
  emitters.push_back(tflgen::make_json_emitter());
  emitters.push_back(tflgen::make_docs_emitter());
  emitters.push_back(tflgen::make_rust_sys_emitter());
  emitters.push_back(tflgen::make_rust_wrapper_emitter());
  emitters.push_back(tflgen::make_cpp_emitter());
  for (auto& e : tflgen::make_python_emitters()) emitters.push_back(std::move(e));
  // Every output is produced before any is written, so a failing emitter leaves the tree untouched.
  std::vector<std::string> texts;
  for (const auto& e : emitters) {
    try {
      texts.push_back(e->emit(api));
    } catch (const std::exception& ex) {
      std::cerr << ex.what() << "\ntfl-gen: " << e->path() << " cannot be generated; nothing written\n";
      return 1;
    }
  }
  for (size_t i = 0; i < texts.size(); ++i) {
    const auto& e = emitters[i];
    if (!write_if_changed(out / e->path(), texts[i])) {
      std::cerr << "tfl-gen: cannot write " << (out / e->path()) << "\n";
      return 1;
    }
  }
  std::cout << "tfl-gen: " << api.functions.size() << " functions, " << api.enums.size() << " enums, "
            << api.handles.size() << " handles -> " << out << "\n";
  return 0;
}
