// C API: parameters (tensors marked as trainable module parameters) and custom modules built from C:
// a module with a forward callback, to which parameters, buffers and child modules are registered.
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "capi/capi_tensor_util.h"
#include "capi/handles_nn.h"
#include "core/error.h"
#include "core/nn/parameter.h"

using tfl::capi::from_handle;
using tfl::capi::module_of;
using tfl::capi::to_handle;
namespace nn = tfl::nn;

namespace {

// A module whose computation is a C callback (tfl_module_forward_fn); without one, forward fails.
class CallbackModule : public nn::Module {
 public:
  CallbackModule(std::string type_name, tfl_module_forward_fn fn, void* user_data)
      : Module(std::move(type_name)), fn_(fn), user_data_(user_data) {}

  tfl::Tensor forward(const std::vector<tfl::Tensor>& inputs) override {
    if (!fn_) TFL_THROW(NotImplementedError, type_name(), "this custom module has no forward callback");
    std::vector<tfl_tensor*> in(inputs.size(), nullptr);
    struct Release {  // the borrowed handles go away also when the callback fails
      std::vector<tfl_tensor*>& hs;
      ~Release() {
        for (tfl_tensor* h : hs) tfl::capi::release_handle(h);
      }
    } release{in};
    for (size_t i = 0; i < inputs.size(); ++i)
      if (inputs[i].defined()) in[i] = to_handle(inputs[i]);
    tfl_tensor* out = nullptr;
    tfl::capi::CallbackCall call;
    tfl_status st = fn_(&out, in.data(), in.size(), user_data_);
    std::unique_ptr<tfl_tensor, void (*)(tfl_tensor*)> owned(out, tfl::capi::release_handle);
    call.finish(st, type_name() + " forward callback");
    if (!owned) TFL_THROW(InvalidArgumentError, type_name(), "the forward callback returned TFL_OK but no tensor");
    return owned->impl;
  }

 private:
  tfl_module_forward_fn fn_;
  void* user_data_;
};

}  // namespace

/// Whether t is a parameter: made by tfl_parameter_create or registered by a module (every layer's
/// weights are). Views and detached aliases of a parameter are not parameters themselves.
/// @param[out] out Receives the answer.
/// @param t The tensor.
/// @return TFL_OK; TFL_ERR_INVALID_ARGUMENT for NULL arguments.
TFL_API TFL_SINCE(0, 1) tfl_status tfl_tensor_is_parameter(TFL_OUT bool* out, const tfl_tensor* t) {
  TFL_CAPI_BEGIN
  TFL_CHECK_ARG(out != nullptr, "out", "must not be NULL");
  TFL_CHECK_TENSOR(t);
  *out = nn::is_parameter(from_handle(t));
  TFL_CAPI_END
}

/// A new parameter: a leaf tensor sharing data's elements (no copy), marked as a parameter, that requires
/// grad when requires_grad is true.
/// @param[out] out New tensor; release with tfl_tensor_release.
/// @param data The values (any tensor; the parameter is a detached alias of it).
/// @param requires_grad Whether the parameter is trainable.
/// @return TFL_OK; TFL_ERR_INVALID_ARGUMENT for NULL arguments; TFL_ERR_DTYPE when requires_grad is true
///         and data is not floating.
TFL_API TFL_SINCE(0, 1) tfl_status tfl_parameter_create(TFL_OUT tfl_tensor** out, const tfl_tensor* data,
                                                         bool requires_grad) {
  TFL_CAPI_BEGIN
  TFL_CHECK_OUT(out);
  TFL_CHECK_TENSOR(data);
  *out = to_handle(nn::Parameter(from_handle(data), requires_grad));
  TFL_CAPI_END
}

/// A new custom module: an empty module (no parameters, buffers or children; add them with
/// tfl_module_register_parameter, _buffer and _child) whose computation is the callback fn. It works
/// with every tfl_module_* function (hooks, state dicts, optimizers over its parameters, Sequential).
/// @param[out] out New module; release with tfl_module_release.
/// @param type_name The module's type name (shown by tfl_module_type_name and tfl_module_to_string).
/// @param fn The forward computation, or NULL for a module that only holds state (forward then fails
///           with TFL_ERR_NOT_IMPLEMENTED).
/// @param user_data Passed to fn unchanged; it must stay valid while the module lives.
/// @return TFL_OK; TFL_ERR_INVALID_ARGUMENT for NULL out or type_name, or an empty type_name.
TFL_API TFL_SINCE(0, 1) tfl_status tfl_module_create_custom(TFL_OUT tfl_module** out, const char* type_name,
                                                             TFL_NULLABLE tfl_module_forward_fn fn,
                                                             TFL_IN TFL_NULLABLE void* user_data) {
  TFL_CAPI_BEGIN
  TFL_CHECK_OUT(out);
  TFL_CHECK_ARG(type_name != nullptr, "type_name", "must not be NULL");
  TFL_CHECK_ARG(type_name[0] != '\0', "type_name", "must not be empty");
  *out = to_handle(std::shared_ptr<nn::Module>(std::make_shared<CallbackModule>(type_name, fn, user_data)));
  TFL_CAPI_END
}

/// Registers t as a parameter of m under name: t itself (no copy) is marked as a parameter and made to
/// require grad or not; later listings, state dicts and zero_grad include it.
/// @param m The module.
/// @param name The name: non-empty, no '.', not yet used by a parameter, buffer or child of m.
/// @param t A floating leaf tensor.
/// @param requires_grad Whether the parameter is trainable.
/// @return TFL_OK; TFL_ERR_INVALID_ARGUMENT for NULL arguments, a bad or taken name, or a t computed
///         by an op; TFL_ERR_DTYPE for a non-floating t.
TFL_API TFL_SINCE(0, 1) tfl_status tfl_module_register_parameter(TFL_IN tfl_module* m, const char* name,
                                                                  const tfl_tensor* t, bool requires_grad) {
  TFL_CAPI_BEGIN
  TFL_CHECK_MODULE(m);
  TFL_CHECK_ARG(name != nullptr, "name", "must not be NULL");
  TFL_CHECK_TENSOR(t);
  module_of(m).register_parameter(name, from_handle(t), requires_grad);
  TFL_CAPI_END
}

/// Registers t as a buffer of m under name (saved and loaded with the state dict, not trained).
/// @param m The module.
/// @param name The name: non-empty, no '.', not yet used by a parameter, buffer or child of m.
/// @param t The tensor (shared, no copy).
/// @return TFL_OK; TFL_ERR_INVALID_ARGUMENT for NULL arguments or a bad or taken name.
TFL_API TFL_SINCE(0, 1) tfl_status tfl_module_register_buffer(TFL_IN tfl_module* m, const char* name,
                                                               const tfl_tensor* t) {
  TFL_CAPI_BEGIN
  TFL_CHECK_MODULE(m);
  TFL_CHECK_ARG(name != nullptr, "name", "must not be NULL");
  TFL_CHECK_TENSOR(t);
  module_of(m).register_buffer(name, from_handle(t));
  TFL_CAPI_END
}

/// Registers child as a child module of m under name; m shares it (releasing the caller's handle is
/// fine). Its parameters are listed as "<name>.<parameter>".
/// @param m The module.
/// @param name The name: non-empty, no '.', not yet used by a parameter, buffer or child of m.
/// @param child The child; neither m itself nor a module that contains m.
/// @return TFL_OK; TFL_ERR_INVALID_ARGUMENT for NULL arguments, a bad or taken name, or a cycle.
TFL_API TFL_SINCE(0, 1) tfl_status tfl_module_register_child(TFL_IN tfl_module* m, const char* name,
                                                              TFL_IN tfl_module* child) {
  TFL_CAPI_BEGIN
  TFL_CHECK_MODULE(m);
  TFL_CHECK_ARG(name != nullptr, "name", "must not be NULL");
  TFL_CHECK_MODULE(child);
  for (const auto& [path, sub] : child->impl->named_modules())
    TFL_CHECK_ARG(sub != m->impl.get(), "child",
                  path.empty() ? std::string("is m itself") : "contains m (as '" + path + "')");
  module_of(m).register_module(name, child->impl);
  TFL_CAPI_END
}
