// Emits include/tenflowers/tenflowers.h: the self-contained C99 header (STYLE.md rule 23 layout).
#include <sstream>

#include "gen/emitter.h"

namespace tflgen {
namespace {

void doc_block(std::ostringstream& os, const std::string& doc, const std::string& indent = "") {
  if (doc.empty()) return;
  std::stringstream ss(doc);
  std::string line;
  while (std::getline(ss, line)) os << indent << "///" << (line.empty() ? "" : " ") << line << "\n";
}

std::string annotated_param(const Param& p) {
  std::string a;
  if (p.out) a += "TFL_OUT ";
  if (p.in) a += "TFL_IN ";
  if (p.owned) a += "TFL_OWNED ";
  if (p.nullable) a += "TFL_NULLABLE ";
  if (!p.array_len.empty()) a += "TFL_ARRAY(" + p.array_len + ") ";
  return a + p.decl;
}

const char* kPreamble = R"(/*
 * tenflowers: a deep-learning tensor engine behind a stable C ABI.
 *
 * Conventions (docs/conventions.md): every fallible function returns tfl_status (TFL_OK = 0) and
 * writes results through out-parameters, which come first. Handles returned through an
 * out-parameter carry one reference owned by the caller: release it with tfl_<object>_release
 * (NULL is accepted). On failure *out is NULL and tfl_last_error_message() says what went wrong.
 *
 * Example:
 *
 *   #include <stdio.h>
 *   #include <tenflowers/tenflowers.h>
 *
 *   int main(void) {
 *     const int64_t shape[2] = {2, 3};
 *     tfl_tensor *a = NULL, *b = NULL, *c = NULL;
 *     if (tfl_tensor_full(&a, shape, 2, 1.5, TFL_DTYPE_F32) != TFL_OK ||
 *         tfl_tensor_ones(&b, shape, 2, TFL_DTYPE_F32) != TFL_OK ||
 *         tfl_tensor_add(&c, a, b) != TFL_OK) {
 *       fprintf(stderr, "tenflowers: %s\n", tfl_last_error_message());
 *       return 1;
 *     }
 *     double first = 0;
 *     if (tfl_tensor_item_at(&first, c, 0) == TFL_OK) printf("%g\n", first);  // 2.5
 *     tfl_tensor_release(a); tfl_tensor_release(b); tfl_tensor_release(c);
 *     return 0;
 *   }
 */
)";

class HeaderEmitter : public Emitter {
 public:
  std::string path() const override { return "include/tenflowers/tenflowers.h"; }

  std::string emit(const Api& api) const override {
    std::vector<int> v = version_numbers(api.version);
    std::ostringstream os;
    os << banner("//") << kPreamble << "#ifndef TENFLOWERS_TENFLOWERS_H\n#define TENFLOWERS_TENFLOWERS_H\n\n";
    os << "/* cffi's cdef has no preprocessor: it reads this header after `cc -E -DTFL_CDEF`. */\n"
          "#ifndef TFL_CDEF\n#include <stdbool.h>\n#include <stddef.h>\n#include <stdint.h>\n#endif\n\n";
    os << "#define TFL_VERSION_MAJOR " << v[0] << "\n#define TFL_VERSION_MINOR " << v[1]
       << "\n#define TFL_VERSION_PATCH " << v[2] << "\n#define TFL_VERSION_STRING \"" << api.version << "\"\n\n";
    os << "/* Annotations: nothing for C compilers; clang `annotate` attributes for tfl-gen (-DTFL_GEN). */\n"
          "#if defined(TFL_GEN) && defined(__clang__)\n"
          "#define TFL_ANNOTATE_(...) __attribute__((annotate(__VA_ARGS__)))\n"
          "#else\n#define TFL_ANNOTATE_(...)\n#endif\n"
          "#define TFL_OUT TFL_ANNOTATE_(\"tfl_out\")\n"
          "#define TFL_IN TFL_ANNOTATE_(\"tfl_in\")\n"
          "#define TFL_OWNED TFL_ANNOTATE_(\"tfl_owned\")\n"
          "#define TFL_NULLABLE TFL_ANNOTATE_(\"tfl_nullable\")\n"
          "#define TFL_ARRAY(len) TFL_ANNOTATE_(\"tfl_array\", #len)\n"
          "#if defined(__GNUC__) && !defined(TFL_CDEF)\n"
          "#define TFL_NODISCARD __attribute__((warn_unused_result))\n"
          "#else\n#define TFL_NODISCARD\n#endif\n\n";
    os << "#ifdef __cplusplus\nextern \"C\" {\n#endif\n\n";
    for (const Enum& e : api.enums) {
      doc_block(os, e.doc);
      os << "typedef enum " << e.name << " {\n";
      for (size_t i = 0; i < e.values.size(); ++i) {
        const EnumValue& ev = e.values[i];
        os << "  " << ev.name << " = " << ev.value << (i + 1 < e.values.size() ? "," : "");
        if (!ev.doc.empty()) os << " /**< " << ev.doc << " */";
        os << "\n";
      }
      os << "} " << e.name << ";\n\n";
    }
    for (const Handle& h : api.handles) {
      doc_block(os, h.doc);
      os << "typedef struct " << h.name << " " << h.name << ";\n";
    }
    os << "\n";
    for (const Callback& c : api.callbacks) {
      doc_block(os, c.doc);
      os << c.c_decl << "\n";
    }
    std::string object;
    for (const Function& f : api.functions) {
      if (f.object != object) {
        object = f.object;
        os << "\n/* ---- " << object << " " << std::string(90 - object.size(), '-') << " */\n";
      }
      os << "\n";
      doc_block(os, f.doc);
      if (f.since != "0.1") os << "/// @since " << f.since << "\n";
      if (f.return_type == "tfl_status") os << "TFL_NODISCARD ";
      os << f.return_type << (f.return_type.back() == '*' ? "" : " ") << f.name << "(";
      if (f.params.empty()) os << "void";
      for (size_t i = 0; i < f.params.size(); ++i) os << (i ? ", " : "") << annotated_param(f.params[i]);
      os << ");\n";
    }
    os << "\n#ifdef __cplusplus\n}  /* extern \"C\" */\n#endif\n\n#endif /* TENFLOWERS_TENFLOWERS_H */\n";
    return os.str();
  }
};

}  // namespace

std::unique_ptr<Emitter> make_header_emitter() { return std::make_unique<HeaderEmitter>(); }

}  // namespace tflgen
