// Clang AST visitor that turns annotated C API declarations into the IR, enforcing the API rules.
#include "gen/frontend.h"

#include <clang/AST/ASTConsumer.h>
#include <clang/AST/ASTContext.h>
#include <clang/AST/Attr.h>
#include <clang/AST/RecursiveASTVisitor.h>
#include <clang/Basic/SourceManager.h>
#include <clang/Frontend/CompilerInstance.h>
#include <clang/Frontend/FrontendAction.h>
#include <clang/Lex/Lexer.h>
#include <clang/Tooling/ArgumentsAdjusters.h>
#include <clang/Tooling/Tooling.h>

#include <algorithm>
#include <cctype>
#include <set>
#include <sstream>

namespace tflgen {
namespace {

using namespace clang;

struct Annotations {
  bool api = false, out = false, in = false, owned = false, nullable = false;
  std::string since, array_len;
};

std::string string_arg(const AnnotateAttr* a, unsigned i) {
  if (a->args_size() <= i) return "";
  const Expr* e = *(a->args_begin() + i);
  if (const auto* s = dyn_cast<StringLiteral>(e->IgnoreParenImpCasts())) return s->getString().str();
  return "";
}

Annotations read_annotations(const Decl* d) {
  Annotations r;
  for (const auto* a : d->specific_attrs<AnnotateAttr>()) {
    llvm::StringRef tag = a->getAnnotation();
    if (tag == "tfl_api") r.api = true;
    else if (tag == "tfl_out") r.out = true;
    else if (tag == "tfl_in") r.in = true;
    else if (tag == "tfl_owned") r.owned = true;
    else if (tag == "tfl_nullable") r.nullable = true;
    else if (tag == "tfl_since") r.since = string_arg(a, 0);
    else if (tag == "tfl_array") r.array_len = string_arg(a, 0);
  }
  return r;
}

// Doc comment text without comment markers; "" when the declaration has none.
std::string doc_of(ASTContext& ctx, const Decl* d) {
  const RawComment* rc = ctx.getRawCommentForDeclNoCache(d);
  if (!rc) return "";
  std::string text = rc->getFormattedText(ctx.getSourceManager(), ctx.getDiagnostics());
  while (!text.empty() && (text.back() == '\n' || text.back() == ' ')) text.pop_back();
  return text;
}

// A callback typedef's source text without its parameter annotations: the annotations live in the IR
// (Callback::params); c_decl is plain C that every output (header, cffi cdef, docs) can use as is.
std::string strip_annotations(const std::string& text) {
  static const char* const kMacros[] = {"TFL_OUT", "TFL_IN", "TFL_OWNED", "TFL_NULLABLE", "TFL_ARRAY"};
  std::string out;
  size_t i = 0;
  while (i < text.size()) {
    bool word_start = i == 0 || !(std::isalnum(static_cast<unsigned char>(text[i - 1])) || text[i - 1] == '_');
    size_t end = i;
    if (word_start) {
      for (const char* m : kMacros) {
        size_t n = std::char_traits<char>::length(m);
        if (text.compare(i, n, m) != 0) continue;
        if (i + n < text.size() && (std::isalnum(static_cast<unsigned char>(text[i + n])) || text[i + n] == '_')) continue;
        end = i + n;
        if (end < text.size() && text[end] == '(') end = std::min(text.find(')', end), text.size() - 1) + 1;
        while (end < text.size() && text[end] == ' ') ++end;
        break;
      }
    }
    if (end > i) i = end;
    else out += text[i++];
  }
  return out;
}

class Visitor : public RecursiveASTVisitor<Visitor> {
 public:
  Visitor(ASTContext& ctx, Api& api, std::vector<std::string>& errors, std::set<std::string>& seen)
      : ctx_(ctx), sm_(ctx.getSourceManager()), api_(api), errors_(errors), seen_(seen) {
    pp_ = std::make_unique<PrintingPolicy>(ctx.getLangOpts());
    pp_->Bool = true;
    pp_->SuppressTagKeyword = true;
  }

  bool VisitFunctionDecl(FunctionDecl* fd) {
    Annotations ann = read_annotations(fd);
    if (!ann.api || !in_capi(fd->getLocation())) return true;
    if (!fd->isThisDeclarationADefinition()) return true;
    std::string name = fd->getNameAsString();
    if (!seen_.insert("fn:" + name).second) return true;
    Function f;
    f.name = name;
    f.file = relative_file(fd->getLocation());
    f.line = sm_.getExpansionLineNumber(fd->getLocation());
    f.object = object_of(f.file);
    f.since = ann.since.empty() ? "0.1" : ann.since;
    f.doc = doc_of(ctx_, fd);
    f.return_type = print(fd->getReturnType());
    if (!fd->isExternC()) error(fd->getLocation(), name + ": exported function is not extern \"C\"");
    if (f.doc.empty()) error(fd->getLocation(), name + ": exported function has no doc comment (///)");
    if (name.rfind("tfl_", 0) != 0) error(fd->getLocation(), name + ": exported names start with tfl_");
    check_c_type(fd->getReturnType(), fd->getLocation(), name + ": return type");
    bool seen_input = false;
    for (const ParmVarDecl* p : fd->parameters()) {
      Param prm = make_param(p);
      QualType t = p->getOriginalType();
      std::string where = name + ": parameter '" + prm.name + "'";
      if (prm.name.empty()) error(p->getLocation(), where + " has no name");
      check_c_type(t, p->getLocation(), where);
      if (prm.is_pointer && !prm.out && !prm.in && !t->getPointeeType().isConstQualified())
        error(p->getLocation(), where + ": a non-const pointer needs a direction (TFL_OUT or TFL_IN)");
      if (prm.out && seen_input)
        error(p->getLocation(), where + ": out-parameters come first (STYLE.md rule 4)");
      if (!prm.out) seen_input = true;
      if (!prm.array_len.empty()) {
        bool found = false;
        for (const ParmVarDecl* q : fd->parameters()) found |= q->getNameAsString() == prm.array_len;
        if (!found) error(p->getLocation(), where + ": TFL_ARRAY names no parameter '" + prm.array_len + "'");
      }
      f.params.push_back(prm);
    }
    api_.functions.push_back(std::move(f));
    return true;
  }

  bool VisitEnumDecl(EnumDecl* ed) {
    if (!in_capi(ed->getLocation()) || !ed->isThisDeclarationADefinition()) return true;
    std::string name = ed->getNameAsString();
    if (name.empty() || !seen_.insert("enum:" + name).second) return true;
    Enum e;
    e.name = name;
    e.doc = doc_of(ctx_, ed);
    for (const EnumConstantDecl* c : ed->enumerators())
      e.values.push_back({c->getNameAsString(), c->getInitVal().getSExtValue(), doc_of(ctx_, c)});
    api_.enums.push_back(std::move(e));
    return true;
  }

  bool VisitTypedefNameDecl(TypedefNameDecl* td) {
    // Public types are file-scope C typedefs; aliases inside the C++ structs behind handles are not.
    if (!in_capi(td->getLocation()) || !td->getDeclContext()->getRedeclContext()->isFileContext()) return true;
    std::string name = td->getNameAsString();
    QualType u = td->getUnderlyingType();
    if (u->isEnumeralType()) return true;  // emitted with the enum
    if (!seen_.insert("typedef:" + name).second) return true;
    if (u->isRecordType()) {
      api_.handles.push_back({name, doc_of(ctx_, td)});
    } else if (u->isFunctionPointerType()) {
      SourceRange range = td->getSourceRange();
      std::string text = Lexer::getSourceText(CharSourceRange::getTokenRange(range), sm_, ctx_.getLangOpts()).str();
      Callback cb{name, doc_of(ctx_, td), strip_annotations(text) + ";", "", {}};
      // The parameters come from the typedef's own type location, which keeps their names.
      TypeLoc tl = td->getTypeSourceInfo()->getTypeLoc();
      if (auto ptl = tl.getAsAdjusted<PointerTypeLoc>()) {
        if (auto ftl = ptl.getPointeeLoc().IgnoreParens().getAs<FunctionProtoTypeLoc>()) {
          cb.return_type = print(ftl.getReturnLoc().getType());
          for (const ParmVarDecl* p : ftl.getParams()) cb.params.push_back(make_param(p));
          for (const Param& prm : cb.params) {
            bool found = prm.array_len.empty();
            for (const Param& q : cb.params) found |= q.name == prm.array_len;
            if (!found) error(td->getLocation(), name + ": TFL_ARRAY names no parameter '" + prm.array_len + "'");
          }
        }
      }
      api_.callbacks.push_back(std::move(cb));
    } else {
      error(td->getLocation(), name + ": public typedefs are enums, opaque handles or callbacks");
    }
    return true;
  }

 private:
  Param make_param(const ParmVarDecl* p) const {
    Annotations pa = read_annotations(p);
    Param prm;
    prm.name = p->getNameAsString();
    QualType t = p->getOriginalType();
    prm.c_type = print(t);
    std::string decl;
    llvm::raw_string_ostream os(decl);
    t.print(os, *pp_, prm.name);
    prm.decl = os.str();
    prm.out = pa.out;
    prm.in = pa.in;
    prm.owned = pa.owned;
    prm.nullable = pa.nullable;
    prm.array_len = pa.array_len;
    prm.is_pointer = t->isPointerType() && !t->isFunctionPointerType();
    prm.is_handle = is_handle_pointer(t);
    return prm;
  }
  bool in_capi(SourceLocation loc) const {
    std::string file = sm_.getFilename(sm_.getExpansionLoc(loc)).str();
    return file.find("/capi/") != std::string::npos || file.rfind("capi/", 0) == 0;
  }
  std::string relative_file(SourceLocation loc) const {
    std::string file = sm_.getFilename(sm_.getExpansionLoc(loc)).str();
    size_t pos = file.rfind("/capi/");
    return pos == std::string::npos ? file : file.substr(pos + 1);
  }
  static std::string object_of(const std::string& file) {
    size_t slash = file.rfind('/');
    std::string stem = file.substr(slash == std::string::npos ? 0 : slash + 1);
    return stem.substr(0, stem.rfind('.'));
  }
  std::string print(QualType t) const {
    std::string s;
    llvm::raw_string_ostream os(s);
    t.print(os, *pp_);
    return os.str();
  }
  static bool is_handle_pointer(QualType t) {
    while (t->isPointerType()) t = t->getPointeeType();
    const auto* td = t->getAs<TypedefType>();
    return td && t->isRecordType() && td->getDecl()->getName().startswith("tfl_");
  }
  void check_c_type(QualType t, SourceLocation loc, const std::string& where) {
    if (t->isReferenceType()) {
      error(loc, where + " is a C++ reference");
      return;
    }
    QualType base = t;
    while (base->isPointerType()) base = base->getPointeeType();
    if (base->isRecordType() && base.getTypePtr() == t.getTypePtr())
      error(loc, where + " passes a struct by value");
    std::string s = print(t);
    if (s.find("::") != std::string::npos || s.find('<') != std::string::npos)
      error(loc, where + " uses the C++ type '" + s + "'");
  }
  void error(SourceLocation loc, const std::string& msg) {
    PresumedLoc p = sm_.getPresumedLoc(sm_.getExpansionLoc(loc));
    std::ostringstream os;
    os << (p.isValid() ? p.getFilename() : "?") << ":" << (p.isValid() ? p.getLine() : 0) << ": error: " << msg;
    errors_.push_back(os.str());
  }

  ASTContext& ctx_;
  SourceManager& sm_;
  Api& api_;
  std::vector<std::string>& errors_;
  std::set<std::string>& seen_;
  std::unique_ptr<PrintingPolicy> pp_;
};

class Consumer : public ASTConsumer {
 public:
  Consumer(Api& api, std::vector<std::string>& errors, std::set<std::string>& seen)
      : api_(api), errors_(errors), seen_(seen) {}
  void HandleTranslationUnit(ASTContext& ctx) override {
    Visitor(ctx, api_, errors_, seen_).TraverseDecl(ctx.getTranslationUnitDecl());
  }

 private:
  Api& api_;
  std::vector<std::string>& errors_;
  std::set<std::string>& seen_;
};

class Action : public ASTFrontendAction {
 public:
  Action(Api& api, std::vector<std::string>& errors, std::set<std::string>& seen)
      : api_(api), errors_(errors), seen_(seen) {}
  std::unique_ptr<ASTConsumer> CreateASTConsumer(CompilerInstance&, llvm::StringRef) override {
    return std::make_unique<Consumer>(api_, errors_, seen_);
  }

 private:
  Api& api_;
  std::vector<std::string>& errors_;
  std::set<std::string>& seen_;
};

class Factory : public tooling::FrontendActionFactory {
 public:
  Factory(Api& api, std::vector<std::string>& errors) : api_(api), errors_(errors) {}
  std::unique_ptr<FrontendAction> create() override { return std::make_unique<Action>(api_, errors_, seen_); }

 private:
  Api& api_;
  std::vector<std::string>& errors_;
  std::set<std::string> seen_;
};

}  // namespace

bool read_api(const tooling::CompilationDatabase& db, const std::vector<std::string>& sources, Api& api,
              std::vector<std::string>& errors) {
  tooling::ClangTool tool(db, sources);
  // The resource dir baked in at build time (RECIPES.md §A: LibTooling guesses it from the binary's path).
  tool.appendArgumentsAdjuster(tooling::getInsertArgumentAdjuster(
      {"-resource-dir=" TFLGEN_RESOURCE_DIR, "-DTFL_GEN=1", "-Wno-unknown-warning-option",
       "-Wno-unused-command-line-argument"},
      tooling::ArgumentInsertPosition::END));
  // GCC code-generation flags clang 14 does not know (the library is built with
  // -mtls-dialect=gnu2, Note [Thread-local model]) only matter for code generation, never for parsing.
  tool.appendArgumentsAdjuster([](const tooling::CommandLineArguments& args, llvm::StringRef) {
    tooling::CommandLineArguments kept;
    for (const std::string& a : args)
      if (!llvm::StringRef(a).startswith("-mtls-dialect=")) kept.push_back(a);
    return kept;
  });
  Factory factory(api, errors);
  int rc = tool.run(&factory);
  std::sort(api.functions.begin(), api.functions.end(), [](const Function& a, const Function& b) {
    return a.object != b.object ? a.object < b.object : a.name < b.name;
  });
  auto by_name = [](const auto& a, const auto& b) { return a.name < b.name; };
  std::sort(api.handles.begin(), api.handles.end(), by_name);
  std::sort(api.callbacks.begin(), api.callbacks.end(), by_name);
  return rc == 0;
}

}  // namespace tflgen
