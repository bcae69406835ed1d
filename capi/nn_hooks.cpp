// C API: module forward-pre, forward and backward hooks as C callbacks, and their removal through
// tfl_hook_remove.
#include <iterator>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>
#include <vector>

#include "capi/capi_tensor_util.h"
#include "capi/handles_nn.h"

using tfl::capi::module_of;

namespace {

// Note [Module hook handles]
// The core gives module hooks ids from the same counter as tensor hooks, but only the module knows
// its hooks, and tfl_hook_remove gets nothing but the id. So every registration through the C API
// records which module holds the id (weakly: a hook must not keep its module alive). Ids of hooks on
// modules that are gone are dropped as they are found.
struct ModuleHookRegistry {
  std::mutex mu;
  std::unordered_map<int64_t, std::weak_ptr<tfl::nn::Module>> owners;
};
ModuleHookRegistry& registry() {
  static ModuleHookRegistry* r = new ModuleHookRegistry();  // never destroyed: hooks may run at exit
  return *r;
}

void remember(int64_t id, const std::shared_ptr<tfl::nn::Module>& m) {
  std::lock_guard<std::mutex> lock(registry().mu);
  auto& owners = registry().owners;
  for (auto it = owners.begin(); it != owners.end();) it = it->second.expired() ? owners.erase(it) : std::next(it);
  owners[id] = m;
}

// Handles for the duration of a callback: one per tensor (NULL for undefined ones), released on
// scope exit, also when the callback fails.
class HandleArray {
 public:
  explicit HandleArray(size_t n) : h_(n, nullptr) {}
  explicit HandleArray(const std::vector<tfl::Tensor>& ts) : h_(ts.size(), nullptr) {
    for (size_t i = 0; i < ts.size(); ++i)
      if (ts[i].defined()) h_[i] = tfl::capi::to_handle(ts[i]);
  }
  ~HandleArray() {
    for (tfl_tensor* h : h_) tfl::capi::release_handle(h);
  }
  HandleArray(const HandleArray&) = delete;
  HandleArray& operator=(const HandleArray&) = delete;
  tfl_tensor** data() { return h_.data(); }
  const tfl_tensor* const* cdata() const { return h_.data(); }
  size_t size() const { return h_.size(); }
  // The tensors of the non-NULL slots over `base` (the entries they replace); empty when every slot
  // is NULL (nothing replaced).
  std::vector<tfl::Tensor> replacing(const std::vector<tfl::Tensor>& base) const {
    bool any = false;
    for (tfl_tensor* h : h_) any |= h != nullptr;
    if (!any) return {};
    std::vector<tfl::Tensor> r = base;
    for (size_t i = 0; i < h_.size(); ++i)
      if (h_[i]) r[i] = h_[i]->impl;
    return r;
  }

 private:
  std::vector<tfl_tensor*> h_;
};

std::string hook_name(const char* kind, const tfl::nn::Module& m, int64_t id) {
  return std::string(kind) + " " + std::to_string(id) + " of " + m.type_name();
}

}  // namespace

bool tfl::capi::remove_module_hook(int64_t handle) {
  std::shared_ptr<tfl::nn::Module> m;
  {
    std::lock_guard<std::mutex> lock(registry().mu);
    auto it = registry().owners.find(handle);
    if (it == registry().owners.end()) return false;
    m = it->second.lock();
    registry().owners.erase(it);
  }
  return m && m->remove_hook(handle);
}

/// Registers a hook that runs at the start of every later tfl_module_forward of this module, before
/// the computation, and may replace inputs (see tfl_module_forward_pre_hook_fn). Hooks run in
/// registration order on the calling thread, and only when this module runs (hooks of a child run when
/// the child runs, e.g. inside a Sequential). The hook lives as long as the module or until
/// tfl_hook_remove; user_data must stay valid that long.
/// @param[out] out Receives the hook's handle for tfl_hook_remove.
/// @param m The module.
/// @param fn The callback.
/// @param user_data Passed to fn unchanged.
/// @return TFL_OK; TFL_ERR_INVALID_ARGUMENT for NULL out, m or fn.
TFL_API TFL_SINCE(0, 1) tfl_status tfl_module_register_forward_pre_hook(TFL_OUT int64_t* out, TFL_IN tfl_module* m,
                                                                         tfl_module_forward_pre_hook_fn fn,
                                                                         TFL_IN TFL_NULLABLE void* user_data) {
  TFL_CAPI_BEGIN
  TFL_CHECK_ARG(out != nullptr, "out", "must not be NULL");
  TFL_CHECK_MODULE(m);
  TFL_CHECK_ARG(fn != nullptr, "fn", "must not be NULL");
  auto id = std::make_shared<int64_t>(0);
  *id = module_of(m).register_forward_pre_hook(
      [fn, user_data, id](tfl::nn::Module& mod, const std::vector<tfl::Tensor>& inputs) {
        HandleArray in(inputs), repl(inputs.size());
        tfl::capi::CallbackCall call;
        tfl_status st = fn(repl.data(), in.cdata(), in.size(), user_data);
        call.finish(st, hook_name("forward pre-hook", mod, *id));
        return repl.replacing(inputs);
      });
  remember(*id, m->impl);
  *out = *id;
  TFL_CAPI_END
}

/// Registers a hook that runs at the end of every later tfl_module_forward of this module, after the
/// computation, and may replace the output (see tfl_module_forward_hook_fn). Otherwise as
/// tfl_module_register_forward_pre_hook.
/// @param[out] out Receives the hook's handle for tfl_hook_remove.
/// @param m The module.
/// @param fn The callback.
/// @param user_data Passed to fn unchanged.
/// @return TFL_OK; TFL_ERR_INVALID_ARGUMENT for NULL out, m or fn.
TFL_API TFL_SINCE(0, 1) tfl_status tfl_module_register_forward_hook(TFL_OUT int64_t* out, TFL_IN tfl_module* m,
                                                                     tfl_module_forward_hook_fn fn,
                                                                     TFL_IN TFL_NULLABLE void* user_data) {
  TFL_CAPI_BEGIN
  TFL_CHECK_ARG(out != nullptr, "out", "must not be NULL");
  TFL_CHECK_MODULE(m);
  TFL_CHECK_ARG(fn != nullptr, "fn", "must not be NULL");
  auto id = std::make_shared<int64_t>(0);
  *id = module_of(m).register_forward_hook(
      [fn, user_data, id](tfl::nn::Module& mod, const std::vector<tfl::Tensor>& inputs, const tfl::Tensor& output) {
        HandleArray in(inputs), res(std::vector<tfl::Tensor>{output}), repl(1);
        tfl::capi::CallbackCall call;
        tfl_status st = fn(repl.data(), in.cdata(), in.size(), res.cdata()[0], user_data);
        call.finish(st, hook_name("forward hook", mod, *id));
        return repl.cdata()[0] ? repl.cdata()[0]->impl : tfl::Tensor();
      });
  remember(*id, m->impl);
  *out = *id;
  TFL_CAPI_END
}

/// Registers a hook that runs during backward passes through later tfl_module_forward calls of this
/// module, with the gradients w.r.t. the call's inputs and output, and may replace the input gradients
/// (see tfl_module_backward_hook_fn). It runs on the thread running the backward pass; a pass through
/// a graph recorded before the module was destroyed runs no hook. Otherwise as
/// tfl_module_register_forward_pre_hook.
/// @param[out] out Receives the hook's handle for tfl_hook_remove.
/// @param m The module.
/// @param fn The callback.
/// @param user_data Passed to fn unchanged.
/// @return TFL_OK; TFL_ERR_INVALID_ARGUMENT for NULL out, m or fn. A replacement of the wrong shape makes
///         the backward pass fail with TFL_ERR_SHAPE.
TFL_API TFL_SINCE(0, 1) tfl_status tfl_module_register_backward_hook(TFL_OUT int64_t* out, TFL_IN tfl_module* m,
                                                                      tfl_module_backward_hook_fn fn,
                                                                      TFL_IN TFL_NULLABLE void* user_data) {
  TFL_CAPI_BEGIN
  TFL_CHECK_ARG(out != nullptr, "out", "must not be NULL");
  TFL_CHECK_MODULE(m);
  TFL_CHECK_ARG(fn != nullptr, "fn", "must not be NULL");
  auto id = std::make_shared<int64_t>(0);
  *id = module_of(m).register_backward_hook([fn, user_data, id](tfl::nn::Module& mod,
                                                                 const std::vector<tfl::Tensor>& grad_input,
                                                                 const std::vector<tfl::Tensor>& grad_output) {
    HandleArray gi(grad_input), go(grad_output), repl(grad_input.size());
    tfl::capi::CallbackCall call;
    tfl_status st = fn(repl.data(), gi.cdata(), gi.size(), go.cdata(), go.size(), user_data);
    call.finish(st, hook_name("backward hook", mod, *id));
    // Undefined entries keep their gradient (see BackwardHook in core/nn/module.h).
    return repl.replacing(std::vector<tfl::Tensor>(grad_input.size()));
  });
  remember(*id, m->impl);
  *out = *id;
  TFL_CAPI_END
}
