// C API: autograd: requires_grad, .grad, backward, grad(), grad mode, gradient hooks, DOT export.
#include <memory>
#include <string>
#include <vector>

#include "capi/capi_tensor_util.h"
#include "capi/capi_text.h"
#include "capi/handles_nn.h"
#include "core/autograd/dot_export.h"
#include "core/autograd/engine.h"
#include "core/autograd/grad_mode.h"
#include "core/autograd/variable.h"

using tfl::capi::from_handle;
using tfl::capi::from_handles;
using tfl::capi::to_handle;
using tfl::capi::to_handles;

namespace {

// Owns one reference of a handle for the length of a scope (exception-safe release).
struct HandleRef {
  tfl_tensor* h = nullptr;
  ~HandleRef() { tfl::capi::release_handle(h); }
};

// Adapts a C callback to a core GradHook (see CallbackCall for how the error message is handled).
tfl::autograd::GradHook c_hook(tfl_tensor_hook_fn fn, void* user_data, std::shared_ptr<int64_t> id) {
  return [fn, user_data, id](const tfl::Tensor& g) -> tfl::Tensor {
    HandleRef grad{to_handle(g)};
    tfl::capi::CallbackCall call;
    HandleRef replacement;
    tfl_status st = fn(&replacement.h, grad.h, user_data);
    call.finish(st, "gradient hook " + std::to_string(*id));
    return replacement.h ? replacement.h->impl : tfl::Tensor();
  };
}

}  // namespace

/// Makes a tensor a leaf that accumulates gradients (or stops it from doing so).
/// @param t A leaf tensor (one not computed by a recorded op).
/// @param requires_grad Whether backward passes accumulate into t's gradient.
/// @return TFL_OK; TFL_ERR_INVALID_ARGUMENT for NULL t; TFL_ERR_GRADIENT when t is not a leaf; TFL_ERR_DTYPE when
///         requires_grad is true and t is not floating point.
TFL_API TFL_SINCE(0, 1) tfl_status tfl_tensor_set_requires_grad(TFL_IN tfl_tensor* t, bool requires_grad) {
  TFL_CAPI_BEGIN
  TFL_CHECK_TENSOR(t);
  tfl::autograd::set_requires_grad(from_handle(t), requires_grad);
  TFL_CAPI_END
}

/// Whether gradients flow to a tensor: a leaf with requires_grad set, or the result of a recorded op.
/// @param[out] out Receives the flag.
/// @param t Tensor.
/// @return TFL_OK; TFL_ERR_INVALID_ARGUMENT for NULL arguments.
TFL_API TFL_SINCE(0, 1) tfl_status tfl_tensor_requires_grad(TFL_OUT bool* out, const tfl_tensor* t) {
  TFL_CAPI_BEGIN
  TFL_CHECK_ARG(out != nullptr, "out", "must not be NULL");
  TFL_CHECK_TENSOR(t);
  *out = tfl::autograd::requires_grad(from_handle(t));
  TFL_CAPI_END
}

/// Whether a tensor is a leaf of the graph (not the result of a recorded op). Tensors that do not
/// require grad are leaves.
/// @param[out] out Receives the flag.
/// @param t Tensor.
/// @return TFL_OK; TFL_ERR_INVALID_ARGUMENT for NULL arguments.
TFL_API TFL_SINCE(0, 1) tfl_status tfl_tensor_is_leaf(TFL_OUT bool* out, const tfl_tensor* t) {
  TFL_CAPI_BEGIN
  TFL_CHECK_ARG(out != nullptr, "out", "must not be NULL");
  TFL_CHECK_TENSOR(t);
  *out = tfl::autograd::is_leaf(from_handle(t));
  TFL_CAPI_END
}

/// The gradient accumulated into a tensor by backward passes (leaves, and non-leaves after
/// tfl_tensor_retain_grad).
/// @param[out] out New reference to the gradient, or NULL (with TFL_OK) when t has no gradient yet;
///             release with tfl_tensor_release. The gradient is shared: later backward passes
///             accumulate into a new tensor, so the one returned here does not change.
/// @param t Tensor.
/// @return TFL_OK; TFL_ERR_INVALID_ARGUMENT for NULL arguments.
TFL_API TFL_SINCE(0, 1) tfl_status tfl_tensor_grad(TFL_OUT tfl_tensor** out, const tfl_tensor* t) {
  TFL_CAPI_BEGIN
  TFL_CHECK_OUT(out);
  TFL_CHECK_TENSOR(t);
  tfl::Tensor g = tfl::autograd::grad(from_handle(t));
  if (g.defined()) *out = to_handle(std::move(g));
  TFL_CAPI_END
}

/// Replaces the accumulated gradient of a tensor, or clears it (e.g. between optimizer steps).
/// @param t Tensor.
/// @param grad The new gradient (same shape as t; the tensor is shared, not copied), or NULL to clear.
/// @return TFL_OK; TFL_ERR_INVALID_ARGUMENT for NULL t; TFL_ERR_SHAPE when grad's shape differs from t's.
TFL_API TFL_SINCE(0, 1) tfl_status tfl_tensor_set_grad(TFL_IN tfl_tensor* t, TFL_NULLABLE const tfl_tensor* grad) {
  TFL_CAPI_BEGIN
  TFL_CHECK_TENSOR(t);
  tfl::autograd::set_grad(from_handle(t), grad ? from_handle(grad) : tfl::Tensor());
  TFL_CAPI_END
}

/// Makes backward passes also store the gradient of a non-leaf tensor (read it with tfl_tensor_grad).
/// Does nothing for leaves, which keep theirs anyway.
/// @param t A tensor that requires grad.
/// @return TFL_OK; TFL_ERR_INVALID_ARGUMENT for NULL t; TFL_ERR_GRADIENT when t does not require grad.
TFL_API TFL_SINCE(0, 1) tfl_status tfl_tensor_retain_grad(TFL_IN tfl_tensor* t) {
  TFL_CAPI_BEGIN
  TFL_CHECK_TENSOR(t);
  tfl::autograd::retain_grad(from_handle(t));
  TFL_CAPI_END
}

/// A new tensor sharing t's memory but cut from the graph: it does not require grad, and no gradient
/// flows through it. Writes through either are seen by both.
/// @param[out] out New tensor; release with tfl_tensor_release.
/// @param t Tensor.
/// @return TFL_OK; TFL_ERR_INVALID_ARGUMENT for NULL arguments.
TFL_API TFL_SINCE(0, 1) tfl_status tfl_tensor_detach(TFL_OUT tfl_tensor** out, const tfl_tensor* t) {
  TFL_CAPI_BEGIN
  TFL_CHECK_OUT(out);
  TFL_CHECK_TENSOR(t);
  *out = to_handle(tfl::autograd::detach(from_handle(t)));
  TFL_CAPI_END
}

/// Runs the backward pass from t and accumulates d(sum(t * grad_output))/d(leaf) into the gradient of
/// every leaf that requires grad. Gradient hooks run during the pass; a hook's failure ends it.
/// @param t A tensor that requires grad.
/// @param grad_output Gradient with t's shape, or NULL for an implicit 1 (t must have one element).
/// @param retain_graph Keep the graph's saved tensors so that it can be run backward again.
/// @param create_graph Record the backward pass itself, for higher-order gradients (implies retain_graph).
/// @return TFL_OK; TFL_ERR_INVALID_ARGUMENT for NULL t; TFL_ERR_GRADIENT when t does not require grad,
///         when the graph was already freed by an earlier backward pass, when a saved tensor was
///         modified in place, or when grad_output is NULL and t has several elements; TFL_ERR_SHAPE
///         when grad_output's shape differs from t's; TFL_ERR_NUMERICAL when the numerical check mode
///         is on and a backward function produced NaN/Inf; any status returned by a gradient hook (the
///         message names the hook).
TFL_API TFL_SINCE(0, 1) tfl_status tfl_tensor_backward(const tfl_tensor* t, TFL_NULLABLE const tfl_tensor* grad_output,
                                                        bool retain_graph, bool create_graph) {
  TFL_CAPI_BEGIN
  TFL_CHECK_TENSOR(t);
  tfl::autograd::BackwardOptions opt;
  opt.retain_graph = retain_graph;
  opt.create_graph = create_graph;
  std::vector<tfl::Tensor> grad_outputs;
  if (grad_output) grad_outputs.push_back(from_handle(grad_output));
  tfl::autograd::backward({from_handle(t)}, grad_outputs, opt);
  TFL_CAPI_END
}

/// Gradients of outputs with respect to inputs, d(sum_i outputs[i] * grad_outputs[i])/d(inputs[j]),
/// without touching any tensor's accumulated gradient.
/// @param[out] out Receives ninputs new references, out[j] for inputs[j]; an entry is NULL when the
///             outputs do not depend on that input (unless unused_as_zeros). Release each with
///             tfl_tensor_release. On failure every entry out[0..ninputs) is NULL.
/// @param out_capacity Length of out; must be at least ninputs.
/// @param outputs Tensors that require grad.
/// @param noutputs Number of outputs, at least 1.
/// @param inputs Tensors to differentiate with respect to (each requiring grad).
/// @param ninputs Number of inputs.
/// @param grad_outputs NULL, or noutputs gradients weighting the outputs; a NULL entry (or a NULL array)
///                     means an implicit 1 for a one-element output.
/// @param retain_graph Keep the graph's saved tensors so that it can be run backward again.
/// @param create_graph Record this computation, so the results can be differentiated again.
/// @param unused_as_zeros Give zeros instead of NULL for inputs the outputs do not depend on.
/// @return TFL_OK; TFL_ERR_INVALID_ARGUMENT for NULL arrays or elements or a too small out_capacity;
///         TFL_ERR_GRADIENT for an output that does not require grad, an implicit gradient of an output
///         with several elements, or a freed graph; TFL_ERR_SHAPE for a grad_outputs entry of the wrong
///         shape; any status returned by a gradient hook.
TFL_API TFL_SINCE(0, 1) tfl_status tfl_autograd_grad(TFL_OUT TFL_ARRAY(out_capacity) tfl_tensor** out,
                                                      size_t out_capacity,
                                                      TFL_ARRAY(noutputs) const tfl_tensor* const* outputs,
                                                      size_t noutputs, TFL_ARRAY(ninputs) const tfl_tensor* const* inputs,
                                                      size_t ninputs,
                                                      TFL_NULLABLE TFL_ARRAY(noutputs) const tfl_tensor* const* grad_outputs,
                                                      bool retain_graph, bool create_graph, bool unused_as_zeros) {
  TFL_CAPI_BEGIN
  TFL_CHECK_ARG(out != nullptr || ninputs == 0, "out", "must not be NULL");
  TFL_CHECK_ARG(out_capacity >= ninputs, "out_capacity",
                std::to_string(out_capacity) + " is less than ninputs (" + std::to_string(ninputs) + ")");
  for (size_t i = 0; i < ninputs; ++i) out[i] = nullptr;
  TFL_CHECK_TENSOR_ARRAY(outputs, noutputs);
  TFL_CHECK_ARG(noutputs > 0, "noutputs", "must be at least 1");
  TFL_CHECK_TENSOR_ARRAY(inputs, ninputs);
  tfl::autograd::BackwardOptions opt;
  opt.retain_graph = retain_graph;
  opt.create_graph = create_graph;
  std::vector<tfl::Tensor> gouts = grad_outputs ? from_handles(grad_outputs, noutputs) : std::vector<tfl::Tensor>();
  std::vector<tfl::Tensor> grads = tfl::autograd::grad(from_handles(outputs, noutputs), from_handles(inputs, ninputs),
                                                       gouts, opt, unused_as_zeros);
  to_handles(out, grads);
  TFL_CAPI_END
}

/// Turns recording of ops for autograd on or off for the calling thread (a no-grad scope is
/// `tfl_grad_enabled(&prev); tfl_grad_set_enabled(false); ... tfl_grad_set_enabled(prev);`). Each thread
/// starts with recording on; other threads are not affected. While off, results of ops do not require
/// grad and nothing is saved for backward.
/// @param enabled Whether ops record their backward.
/// @return TFL_OK.
TFL_API TFL_SINCE(0, 1) tfl_status tfl_grad_set_enabled(bool enabled) {
  TFL_CAPI_BEGIN
  tfl::autograd::set_grad_enabled(enabled);
  TFL_CAPI_END
}

/// Whether ops record their backward on the calling thread (see tfl_grad_set_enabled).
/// @param[out] out Receives the flag.
/// @return TFL_OK; TFL_ERR_INVALID_ARGUMENT if out is NULL.
TFL_API TFL_SINCE(0, 1) tfl_status tfl_grad_enabled(TFL_OUT bool* out) {
  TFL_CAPI_BEGIN
  TFL_CHECK_ARG(out != nullptr, "out", "must not be NULL");
  *out = tfl::autograd::grad_enabled();
  TFL_CAPI_END
}

/// Registers a hook that sees (and may replace) the gradient flowing into t during every later
/// backward pass, before it is accumulated or propagated. Hooks run in registration order, on the
/// thread running the backward pass. The hook lives as long as t's place in the graph (t itself for a
/// leaf) or until tfl_hook_remove; user_data must stay valid that long.
/// @param[out] out Receives the hook's handle for tfl_hook_remove.
/// @param t A tensor that requires grad.
/// @param fn The callback (see tfl_tensor_hook_fn).
/// @param user_data Passed to fn unchanged.
/// @return TFL_OK; TFL_ERR_INVALID_ARGUMENT for NULL out, t or fn; TFL_ERR_GRADIENT when t does not
///         require grad.
TFL_API TFL_SINCE(0, 1) tfl_status tfl_tensor_register_hook(TFL_OUT int64_t* out, TFL_IN tfl_tensor* t,
                                                             tfl_tensor_hook_fn fn, TFL_IN TFL_NULLABLE void* user_data) {
  TFL_CAPI_BEGIN
  TFL_CHECK_ARG(out != nullptr, "out", "must not be NULL");
  TFL_CHECK_TENSOR(t);
  TFL_CHECK_ARG(fn != nullptr, "fn", "must not be NULL");
  auto id = std::make_shared<int64_t>(0);
  *id = tfl::autograd::register_hook(from_handle(t), c_hook(fn, user_data, id));
  *out = *id;
  TFL_CAPI_END
}

/// Removes a tensor hook or a module hook so that it no longer runs.
/// @param handle A handle from tfl_tensor_register_hook or tfl_module_register_forward_pre_hook,
///               tfl_module_register_forward_hook, tfl_module_register_backward_hook.
/// @return TFL_OK; TFL_ERR_INVALID_ARGUMENT when no such hook is registered (never was, already removed,
///         or the graph node, tensor or module it was attached to is gone).
TFL_API TFL_SINCE(0, 1) tfl_status tfl_hook_remove(int64_t handle) {
  TFL_CAPI_BEGIN
  TFL_CHECK_ARG(tfl::autograd::remove_hook(handle) || tfl::capi::remove_module_hook(handle), "handle",
                "no hook " + std::to_string(handle) +
                    " is registered (already removed, or the tensor or module it was registered on is gone)");
  TFL_CAPI_END
}

/// Renders the recorded graph that produced t as Graphviz DOT text: one box per op application
/// labelled with the op name and its outputs' shapes and dtypes, one ellipse ("parameter") per leaf
/// that requires grad, edges in data-flow direction. To size the buffer, call with out = NULL and
/// capacity = 0 first; *out_len then receives the length.
/// @param[out] out Receives the NUL-terminated text; may be NULL when capacity is 0.
/// @param[out] out_len Receives the length of the text in bytes, without the NUL (also when capacity is too small).
/// @param capacity Size of out in bytes: 0, or at least *out_len + 1.
/// @param t The root of the graph (a tensor that does not require grad gives an empty digraph).
/// @return TFL_OK; TFL_ERR_INVALID_ARGUMENT for NULL arguments or a capacity that is neither 0 nor large
///         enough (nothing is written to out then).
TFL_API TFL_SINCE(0, 1) tfl_status tfl_tensor_graph_dot(TFL_OUT TFL_NULLABLE TFL_ARRAY(capacity) char* out,
                                                         TFL_OUT size_t* out_len, size_t capacity, const tfl_tensor* t) {
  TFL_CAPI_BEGIN
  TFL_CHECK_TEXT_OUT(out, out_len, capacity);
  TFL_CHECK_TENSOR(t);
  return tfl::capi::write_text(__func__, out, out_len, capacity, tfl::autograd::graph_to_dot({from_handle(t)}));
  TFL_CAPI_END
}
