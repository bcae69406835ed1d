// Export and annotation macros of the C API sources. The same definitions are emitted into the
// generated header: for C compilers the annotations expand to nothing; under -DTFL_GEN (set by tfl-gen)
// they become clang `annotate` attributes that carry what C cannot say (see DESIGN.md).
#pragma once

#if defined(TFL_GEN) && defined(__clang__)
#define TFL_ANNOTATE_(...) __attribute__((annotate(__VA_ARGS__)))
#else
#define TFL_ANNOTATE_(...)
#endif

// Marks an exported function of the C API.
#define TFL_API extern "C" __attribute__((visibility("default"))) TFL_ANNOTATE_("tfl_api")
// First version that has the function: TFL_SINCE(0, 1).
#define TFL_SINCE(major, minor) TFL_ANNOTATE_("tfl_since", #major "." #minor)
// Parameter annotations.
#define TFL_OUT TFL_ANNOTATE_("tfl_out")            // written by the callee; comes first
#define TFL_IN TFL_ANNOTATE_("tfl_in")              // read by the callee (pointer inputs that are not const handles)
#define TFL_OWNED TFL_ANNOTATE_("tfl_owned")        // ownership passes to the receiver
#define TFL_NULLABLE TFL_ANNOTATE_("tfl_nullable")  // NULL is allowed
#define TFL_ARRAY(len) TFL_ANNOTATE_("tfl_array", #len)  // points to `len` elements

#if defined(__GNUC__)
#define TFL_NODISCARD __attribute__((warn_unused_result))
#else
#define TFL_NODISCARD
#endif
