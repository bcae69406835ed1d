// Thread-local grad mode.
#include "core/autograd/grad_mode.h"
#include "core/tls.h"

namespace tfl::autograd {
namespace {
TFL_HOT_THREAD_LOCAL bool t_grad_enabled = true;
}
bool grad_enabled() { return t_grad_enabled; }
void set_grad_enabled(bool enabled) { t_grad_enabled = enabled; }
}  // namespace tfl::autograd
