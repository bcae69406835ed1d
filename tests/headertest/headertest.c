/* Compiles the generated public header on its own, as strict C. */
#include <tenflowers/tenflowers.h>

int tfl_headertest_anchor(void);
int tfl_headertest_anchor(void) { return TFL_VERSION_MAJOR + (int)TFL_OK; }
