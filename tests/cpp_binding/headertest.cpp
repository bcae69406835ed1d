// The C++ binding's headers compile on their own, with every warning as an error (clang check).
#include <tenflowers/tenflowers_extra.hpp>
