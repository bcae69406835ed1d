// Compiles the generated public header on its own, as strict C++17.
#include <tenflowers/tenflowers.h>

int tfl_headertest_anchor_cxx() { return TFL_VERSION_MAJOR + static_cast<int>(TFL_OK); }
