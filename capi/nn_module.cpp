// C API: what every module offers: references, forward, introspection (parameters, buffers,
// children, printing), train/eval mode, zero_grad, and state dicts (arrays and safetensors files).
#include <memory>
#include <string>
#include <type_traits>
#include <vector>

#include "capi/capi_tensor_util.h"
#include "capi/capi_text.h"
#include "capi/handles_nn.h"
#include "core/io/safetensors.h"

using tfl::capi::from_handle;
using tfl::capi::module_of;
using tfl::capi::to_handle;

namespace {

// Entry `index` of a listing: its name into the caller buffer and, when out is not NULL, a new handle
// to its value. Checks index and name_capacity before writing anything.
template <class Value, class MakeHandle>
tfl_status listing_entry(const char* fn, const std::vector<std::pair<std::string, Value>>& list, const char* what,
                         size_t index, MakeHandle make, typename std::invoke_result_t<MakeHandle, Value>* out,
                         char* out_name, size_t* out_name_len, size_t name_capacity) {
  if (index >= list.size())
    return tfl::capi::set_error(TFL_ERR_INDEX, std::string(fn) + ": argument 'index': " + std::to_string(index) +
                                                   " is out of range for " + std::to_string(list.size()) + " " + what);
  tfl_status st = tfl::capi::write_text(fn, out_name, out_name_len, name_capacity, list[index].first, "name_capacity");
  if (st != TFL_OK) return st;
  if (out) *out = make(list[index].second);
  return TFL_OK;
}

tfl_tensor* tensor_handle(const tfl::Tensor& t) { return to_handle(t); }
tfl_module* module_handle(const std::shared_ptr<tfl::nn::Module>& m) { return to_handle(m); }

// Checks the out-pointers shared by the listing functions.
#define TFL_CHECK_LISTING_OUTS()                                                                     \
  do {                                                                                               \
    if (out) *out = nullptr;                                                                         \
    TFL_CHECK_ARG(out_name_len != nullptr, "out_name_len", "must not be NULL");                      \
    TFL_CHECK_ARG(out_name != nullptr || name_capacity == 0, "out_name", "must not be NULL when name_capacity > 0"); \
  } while (0)

}  // namespace

// --- references -----------------------------------------------------------------------------------

/// Adds a reference to a module.
/// @param m Module handle.
/// @return TFL_OK; TFL_ERR_INVALID_ARGUMENT if m is NULL.
TFL_API TFL_SINCE(0, 1) tfl_status tfl_module_retain(TFL_IN tfl_module* m) {
  TFL_CAPI_BEGIN
  TFL_CHECK_MODULE(m);
  m->refs.fetch_add(1, std::memory_order_relaxed);
  TFL_CAPI_END
}

/// Drops a reference to a module. The module itself is destroyed when no handle, parent module or
/// optimizer holds it any more; its hooks go with it.
/// @param m Module handle, or NULL (ignored).
TFL_API TFL_SINCE(0, 1) void tfl_module_release(TFL_IN TFL_NULLABLE tfl_module* m) {
  if (m != nullptr && m->refs.fetch_sub(1, std::memory_order_acq_rel) == 1) delete m;
}

// --- forward ---------------------------------------------------------------------------------------

/// Runs the module: its forward pre-hooks, its computation, its forward hooks; backward hooks are
/// attached to the graph of this call. Most layers take one input; MultiHeadAttention takes 1, 3 or 4.
/// @param[out] out New tensor; release with tfl_tensor_release.
/// @param m The module.
/// @param inputs The inputs.
/// @param n Number of inputs.
/// @return TFL_OK; TFL_ERR_INVALID_ARGUMENT for NULL arguments or elements, or the wrong number of
///         inputs; TFL_ERR_SHAPE / TFL_ERR_DTYPE / TFL_ERR_INDEX for inputs the layer does not accept
///         (the message names the layer); any status returned by a forward hook.
TFL_API TFL_SINCE(0, 1) tfl_status tfl_module_forward(TFL_OUT tfl_tensor** out, TFL_IN tfl_module* m,
                                                       TFL_ARRAY(n) const tfl_tensor* const* inputs, size_t n) {
  TFL_CAPI_BEGIN
  TFL_CHECK_OUT(out);
  TFL_CHECK_MODULE(m);
  TFL_CHECK_TENSOR_ARRAY(inputs, n);
  *out = to_handle(module_of(m)(tfl::capi::to_tensors(inputs, n)));
  TFL_CAPI_END
}

// --- introspection ---------------------------------------------------------------------------------

/// The module's type name, e.g. "Linear", "Sequential", "Mamba".
/// @param[out] out Receives a NUL-terminated string owned by the module (valid while it lives).
/// @param m The module.
/// @return TFL_OK; TFL_ERR_INVALID_ARGUMENT for NULL arguments.
TFL_API TFL_SINCE(0, 1) tfl_status tfl_module_type_name(TFL_OUT const char** out, const tfl_module* m) {
  TFL_CAPI_BEGIN
  TFL_CHECK_OUT(out);
  TFL_CHECK_MODULE(m);
  *out = module_of(m).type_name().c_str();
  TFL_CAPI_END
}

/// A readable description, e.g. "Linear(in_features=3, out_features=4, bias=true)"; containers list
/// their children on the following lines. To size the buffer, call with out = NULL and capacity = 0
/// first; *out_len then receives the length.
/// @param[out] out Receives the NUL-terminated text; may be NULL when capacity is 0.
/// @param[out] out_len Receives the length of the text in bytes, without the NUL (also when capacity is
///             too small).
/// @param capacity Size of out in bytes: 0, or at least *out_len + 1.
/// @param m The module.
/// @return TFL_OK; TFL_ERR_INVALID_ARGUMENT for NULL arguments or a capacity that is neither 0 nor large
///         enough (nothing is written to out then).
TFL_API TFL_SINCE(0, 1) tfl_status tfl_module_to_string(TFL_OUT TFL_NULLABLE TFL_ARRAY(capacity) char* out,
                                                         TFL_OUT size_t* out_len, size_t capacity, const tfl_module* m) {
  TFL_CAPI_BEGIN
  TFL_CHECK_ARG(out_len != nullptr, "out_len", "must not be NULL");
  TFL_CHECK_ARG(out != nullptr || capacity == 0, "out", "must not be NULL when capacity > 0");
  TFL_CHECK_MODULE(m);
  return tfl::capi::write_text(__func__, out, out_len, capacity, module_of(m).to_string());
  TFL_CAPI_END
}

/// Number of scalar values in the module's distinct parameters (a tensor shared by several
/// submodules counts once).
/// @param[out] out Receives the count.
/// @param m The module.
/// @param trainable_only Count only parameters that require grad.
/// @return TFL_OK; TFL_ERR_INVALID_ARGUMENT for NULL arguments.
TFL_API TFL_SINCE(0, 1) tfl_status tfl_module_parameter_count(TFL_OUT int64_t* out, const tfl_module* m,
                                                               bool trainable_only) {
  TFL_CAPI_BEGIN
  TFL_CHECK_ARG(out != nullptr, "out", "must not be NULL");
  TFL_CHECK_MODULE(m);
  *out = module_of(m).parameter_count(trainable_only);
  TFL_CAPI_END
}

/// Number of entries of the module's parameter listing (read them with tfl_module_named_parameter):
/// own parameters first, then each child's, depth first, in registration order; a tensor shared by
/// several submodules is listed once.
/// @param[out] out Receives the number of parameters.
/// @param m The module.
/// @param recurse Include the parameters of descendants (otherwise only the module's own).
/// @return TFL_OK; TFL_ERR_INVALID_ARGUMENT for NULL arguments.
TFL_API TFL_SINCE(0, 1) tfl_status tfl_module_named_parameters_size(TFL_OUT size_t* out, const tfl_module* m,
                                                                     bool recurse) {
  TFL_CAPI_BEGIN
  TFL_CHECK_ARG(out != nullptr, "out", "must not be NULL");
  TFL_CHECK_MODULE(m);
  *out = module_of(m).named_parameters(recurse).size();
  TFL_CAPI_END
}

/// Entry `index` of the parameter listing (see tfl_module_named_parameters_size): its dotted name
/// ("0.weight") and the parameter itself (the module's tensor, not a copy: writes are seen by the
/// module). The name is written with the convention of tfl_module_to_string.
/// @param[out] out Receives a new reference to the parameter (release with tfl_tensor_release), or NULL
///             to ask for the name only.
/// @param[out] out_name Receives the NUL-terminated name; may be NULL when name_capacity is 0.
/// @param[out] out_name_len Receives the length of the name without the NUL.
/// @param name_capacity Size of out_name in bytes: 0, or at least *out_name_len + 1.
/// @param m The module.
/// @param index Position in the listing.
/// @param recurse Whether the listing includes descendants.
/// @return TFL_OK; TFL_ERR_INVALID_ARGUMENT for NULL arguments or a name_capacity that is neither 0 nor
///         large enough; TFL_ERR_INDEX when index is past the end. Nothing is written to out or out_name
///         on failure.
TFL_API TFL_SINCE(0, 1) tfl_status tfl_module_named_parameter(TFL_OUT TFL_NULLABLE tfl_tensor** out,
                                                               TFL_OUT TFL_NULLABLE TFL_ARRAY(name_capacity) char* out_name,
                                                               TFL_OUT size_t* out_name_len, size_t name_capacity,
                                                               const tfl_module* m, size_t index, bool recurse) {
  TFL_CAPI_BEGIN
  TFL_CHECK_LISTING_OUTS();
  TFL_CHECK_MODULE(m);
  return listing_entry(__func__, module_of(m).named_parameters(recurse), "parameters", index, tensor_handle, out,
                       out_name, out_name_len, name_capacity);
  TFL_CAPI_END
}

/// Number of entries of the module's buffer listing (state that is saved but not trained, such as
/// running statistics), in the order of tfl_module_named_parameters_size.
/// @param[out] out Receives the number of buffers.
/// @param m The module.
/// @param recurse Include the buffers of descendants.
/// @return TFL_OK; TFL_ERR_INVALID_ARGUMENT for NULL arguments.
TFL_API TFL_SINCE(0, 1) tfl_status tfl_module_named_buffers_size(TFL_OUT size_t* out, const tfl_module* m,
                                                                  bool recurse) {
  TFL_CAPI_BEGIN
  TFL_CHECK_ARG(out != nullptr, "out", "must not be NULL");
  TFL_CHECK_MODULE(m);
  *out = module_of(m).named_buffers(recurse).size();
  TFL_CAPI_END
}

/// Entry `index` of the buffer listing: its dotted name and the module's buffer (not a copy).
/// @param[out] out Receives a new reference to the buffer (release with tfl_tensor_release), or NULL to
///             ask for the name only.
/// @param[out] out_name Receives the NUL-terminated name; may be NULL when name_capacity is 0.
/// @param[out] out_name_len Receives the length of the name without the NUL.
/// @param name_capacity Size of out_name in bytes: 0, or at least *out_name_len + 1.
/// @param m The module.
/// @param index Position in the listing.
/// @param recurse Whether the listing includes descendants.
/// @return TFL_OK; TFL_ERR_INVALID_ARGUMENT for NULL arguments or a name_capacity that is neither 0 nor
///         large enough; TFL_ERR_INDEX when index is past the end.
TFL_API TFL_SINCE(0, 1) tfl_status tfl_module_named_buffer(TFL_OUT TFL_NULLABLE tfl_tensor** out,
                                                            TFL_OUT TFL_NULLABLE TFL_ARRAY(name_capacity) char* out_name,
                                                            TFL_OUT size_t* out_name_len, size_t name_capacity,
                                                            const tfl_module* m, size_t index, bool recurse) {
  TFL_CAPI_BEGIN
  TFL_CHECK_LISTING_OUTS();
  TFL_CHECK_MODULE(m);
  return listing_entry(__func__, module_of(m).named_buffers(recurse), "buffers", index, tensor_handle, out, out_name,
                       out_name_len, name_capacity);
  TFL_CAPI_END
}

/// Number of direct children of a module (Sequential: its modules; MultiHeadAttention: its
/// projections; ...).
/// @param[out] out Receives the number of children.
/// @param m The module.
/// @return TFL_OK; TFL_ERR_INVALID_ARGUMENT for NULL arguments.
TFL_API TFL_SINCE(0, 1) tfl_status tfl_module_children_size(TFL_OUT size_t* out, const tfl_module* m) {
  TFL_CAPI_BEGIN
  TFL_CHECK_ARG(out != nullptr, "out", "must not be NULL");
  TFL_CHECK_MODULE(m);
  *out = module_of(m).named_children().size();
  TFL_CAPI_END
}

/// Direct child `index`, in registration order: its name ("0", "q_proj", ...) and a handle to it (the
/// same module, shared with the parent).
/// @param[out] out Receives a new handle to the child (release with tfl_module_release), or NULL to ask
///             for the name only.
/// @param[out] out_name Receives the NUL-terminated name; may be NULL when name_capacity is 0.
/// @param[out] out_name_len Receives the length of the name without the NUL.
/// @param name_capacity Size of out_name in bytes: 0, or at least *out_name_len + 1.
/// @param m The module.
/// @param index Position among the children.
/// @return TFL_OK; TFL_ERR_INVALID_ARGUMENT for NULL arguments or a name_capacity that is neither 0 nor
///         large enough; TFL_ERR_INDEX when index is past the end.
TFL_API TFL_SINCE(0, 1) tfl_status tfl_module_named_child(TFL_OUT TFL_NULLABLE tfl_module** out,
                                                           TFL_OUT TFL_NULLABLE TFL_ARRAY(name_capacity) char* out_name,
                                                           TFL_OUT size_t* out_name_len, size_t name_capacity,
                                                           const tfl_module* m, size_t index) {
  TFL_CAPI_BEGIN
  TFL_CHECK_LISTING_OUTS();
  TFL_CHECK_MODULE(m);
  return listing_entry(__func__, module_of(m).named_children(), "children", index, module_handle, out, out_name,
                       out_name_len, name_capacity);
  TFL_CAPI_END
}

/// The parameter with a dotted name, e.g. "0.weight" or "q_proj.bias" (the module's tensor, not a copy).
/// @param[out] out New reference to the parameter; release with tfl_tensor_release.
/// @param m The module.
/// @param name Dotted name.
/// @return TFL_OK; TFL_ERR_INVALID_ARGUMENT for NULL arguments or when the module has no such parameter.
TFL_API TFL_SINCE(0, 1) tfl_status tfl_module_parameter(TFL_OUT tfl_tensor** out, const tfl_module* m,
                                                         const char* name) {
  TFL_CAPI_BEGIN
  TFL_CHECK_OUT(out);
  TFL_CHECK_MODULE(m);
  TFL_CHECK_ARG(name != nullptr, "name", "must not be NULL");
  *out = to_handle(module_of(m).parameter(name));
  TFL_CAPI_END
}

/// The buffer with a dotted name, e.g. "1.running_mean" (the module's tensor, not a copy).
/// @param[out] out New reference to the buffer; release with tfl_tensor_release.
/// @param m The module.
/// @param name Dotted name.
/// @return TFL_OK; TFL_ERR_INVALID_ARGUMENT for NULL arguments or when the module has no such buffer.
TFL_API TFL_SINCE(0, 1) tfl_status tfl_module_buffer(TFL_OUT tfl_tensor** out, const tfl_module* m, const char* name) {
  TFL_CAPI_BEGIN
  TFL_CHECK_OUT(out);
  TFL_CHECK_MODULE(m);
  TFL_CHECK_ARG(name != nullptr, "name", "must not be NULL");
  *out = to_handle(module_of(m).buffer(name));
  TFL_CAPI_END
}

/// The descendant module with a dotted path, e.g. "0" or "1.q_proj".
/// @param[out] out New handle to the descendant (shared with its parent); release with tfl_module_release.
/// @param m The module.
/// @param name Dotted path.
/// @return TFL_OK; TFL_ERR_INVALID_ARGUMENT for NULL arguments or when there is no such descendant.
TFL_API TFL_SINCE(0, 1) tfl_status tfl_module_child(TFL_OUT tfl_module** out, const tfl_module* m, const char* name) {
  TFL_CAPI_BEGIN
  TFL_CHECK_OUT(out);
  TFL_CHECK_MODULE(m);
  TFL_CHECK_ARG(name != nullptr, "name", "must not be NULL");
  *out = to_handle(module_of(m).child(name));
  TFL_CAPI_END
}

// --- mode and gradients ------------------------------------------------------------------------------

/// Sets training mode (true) or eval mode (false) on the module and all its descendants. Modules start
/// in training mode. Dropout and BatchNorm behave differently in the two modes.
/// @param m The module.
/// @param training The mode.
/// @return TFL_OK; TFL_ERR_INVALID_ARGUMENT for NULL m.
TFL_API TFL_SINCE(0, 1) tfl_status tfl_module_train(TFL_IN tfl_module* m, bool training) {
  TFL_CAPI_BEGIN
  TFL_CHECK_MODULE(m);
  module_of(m).train(training);
  TFL_CAPI_END
}

/// Sets eval mode on the module and all its descendants (tfl_module_train(m, false)).
/// @param m The module.
/// @return TFL_OK; TFL_ERR_INVALID_ARGUMENT for NULL m.
TFL_API TFL_SINCE(0, 1) tfl_status tfl_module_eval(TFL_IN tfl_module* m) {
  TFL_CAPI_BEGIN
  TFL_CHECK_MODULE(m);
  module_of(m).eval();
  TFL_CAPI_END
}

/// Whether the module is in training mode.
/// @param[out] out Receives the flag.
/// @param m The module.
/// @return TFL_OK; TFL_ERR_INVALID_ARGUMENT for NULL arguments.
TFL_API TFL_SINCE(0, 1) tfl_status tfl_module_is_training(TFL_OUT bool* out, const tfl_module* m) {
  TFL_CAPI_BEGIN
  TFL_CHECK_ARG(out != nullptr, "out", "must not be NULL");
  TFL_CHECK_MODULE(m);
  *out = module_of(m).is_training();
  TFL_CAPI_END
}

/// Clears the accumulated gradient of every parameter of the module and its descendants.
/// @param m The module.
/// @param set_to_none Remove the gradients (tfl_tensor_grad then gives NULL) instead of filling them
///                    with zeros.
/// @return TFL_OK; TFL_ERR_INVALID_ARGUMENT for NULL m.
TFL_API TFL_SINCE(0, 1) tfl_status tfl_module_zero_grad(TFL_IN tfl_module* m, bool set_to_none) {
  TFL_CAPI_BEGIN
  TFL_CHECK_MODULE(m);
  module_of(m).zero_grad(set_to_none);
  TFL_CAPI_END
}

// --- state dicts -----------------------------------------------------------------------------------

/// Number of entries of the module's state dict: per module its parameters, then its buffers, then
/// each child's entries (PyTorch's key order). Read them with tfl_module_state_dict_entry.
/// @param[out] out Receives the number of entries.
/// @param m The module.
/// @return TFL_OK; TFL_ERR_INVALID_ARGUMENT for NULL arguments.
TFL_API TFL_SINCE(0, 1) tfl_status tfl_module_state_dict_size(TFL_OUT size_t* out, const tfl_module* m) {
  TFL_CAPI_BEGIN
  TFL_CHECK_ARG(out != nullptr, "out", "must not be NULL");
  TFL_CHECK_MODULE(m);
  *out = module_of(m).state_dict().size();
  TFL_CAPI_END
}

/// Entry `index` of the module's state dict: its dotted name and a detached view of the module's
/// tensor (no copy: it changes when the module is trained; clone it for a snapshot).
/// @param[out] out Receives a new reference to the tensor (release with tfl_tensor_release), or NULL to
///             ask for the name only.
/// @param[out] out_name Receives the NUL-terminated name; may be NULL when name_capacity is 0.
/// @param[out] out_name_len Receives the length of the name without the NUL.
/// @param name_capacity Size of out_name in bytes: 0, or at least *out_name_len + 1.
/// @param m The module.
/// @param index Position in the state dict.
/// @return TFL_OK; TFL_ERR_INVALID_ARGUMENT for NULL arguments or a name_capacity that is neither 0 nor
///         large enough; TFL_ERR_INDEX when index is past the end.
TFL_API TFL_SINCE(0, 1) tfl_status tfl_module_state_dict_entry(TFL_OUT TFL_NULLABLE tfl_tensor** out,
                                                                TFL_OUT TFL_NULLABLE TFL_ARRAY(name_capacity) char* out_name,
                                                                TFL_OUT size_t* out_name_len, size_t name_capacity,
                                                                const tfl_module* m, size_t index) {
  TFL_CAPI_BEGIN
  TFL_CHECK_LISTING_OUTS();
  TFL_CHECK_MODULE(m);
  return listing_entry(__func__, module_of(m).state_dict(), "state dict entries", index, tensor_handle, out,
                       out_name, out_name_len, name_capacity);
  TFL_CAPI_END
}

/// Copies named tensors into the module's parameters and buffers (without recording autograd). Every
/// entry is checked before anything is written, so a failed load leaves the module unchanged.
/// @param[out] out_missing Receives the number of the module's entries absent from names, or NULL.
/// @param[out] out_unexpected Receives the number of names the module does not have, or NULL.
/// @param m The module.
/// @param names Dotted names, as tfl_module_state_dict_entry gives them.
/// @param tensors The values, tensors[i] for names[i], each of the module's shape and dtype for that name.
/// @param n Number of entries.
/// @param strict Fail when a name is missing or unexpected.
/// @return TFL_OK; TFL_ERR_INVALID_ARGUMENT for NULL arguments or elements or a name given twice;
///         TFL_ERR_CHECKPOINT for (when strict) missing or unexpected names, all listed in the message,
///         or a value whose shape or dtype differs from the module's.
TFL_API TFL_SINCE(0, 1) tfl_status tfl_module_load_state_dict(TFL_OUT TFL_NULLABLE size_t* out_missing,
                                                               TFL_OUT TFL_NULLABLE size_t* out_unexpected,
                                                               TFL_IN tfl_module* m,
                                                               TFL_ARRAY(n) const char* const* names,
                                                               TFL_ARRAY(n) const tfl_tensor* const* tensors, size_t n,
                                                               bool strict) {
  TFL_CAPI_BEGIN
  if (out_missing) *out_missing = 0;
  if (out_unexpected) *out_unexpected = 0;
  TFL_CHECK_MODULE(m);
  TFL_CHECK_ARRAY(names, n);
  for (size_t i = 0; i < n; ++i)
    TFL_CHECK_ARG(names[i] != nullptr, "names", "element " + std::to_string(i) + " is NULL");
  TFL_CHECK_TENSOR_ARRAY(tensors, n);
  tfl::StateDict dict;
  dict.reserve(n);
  for (size_t i = 0; i < n; ++i) dict.emplace_back(names[i], from_handle(tensors[i]));
  tfl::nn::LoadResult r = module_of(m).load_state_dict(dict, strict);
  if (out_missing) *out_missing = r.missing_keys.size();
  if (out_unexpected) *out_unexpected = r.unexpected_keys.size();
  TFL_CAPI_END
}

/// Saves the module's state dict as a safetensors checkpoint (readable by the Python safetensors
/// package; metadata format "pt"). The file is written through a temporary file renamed into place, so
/// a failed save leaves an old file intact.
/// @param m The module.
/// @param path File to write (replaced if it exists).
/// @return TFL_OK; TFL_ERR_INVALID_ARGUMENT for NULL arguments; TFL_ERR_IO when the file cannot be written.
TFL_API TFL_SINCE(0, 1) tfl_status tfl_module_state_dict_save(const tfl_module* m, const char* path) {
  TFL_CAPI_BEGIN
  TFL_CHECK_MODULE(m);
  TFL_CHECK_ARG(path != nullptr, "path", "must not be NULL");
  tfl::save_safetensors(path, module_of(m).state_dict(), {{"format", "pt"}});
  TFL_CAPI_END
}

/// Loads a safetensors checkpoint into the module's parameters and buffers, as
/// tfl_module_load_state_dict does with the file's tensors (nothing is written unless every entry fits).
/// @param[out] out_missing Receives the number of the module's entries absent from the file, or NULL.
/// @param[out] out_unexpected Receives the number of file entries the module does not have, or NULL.
/// @param m The module.
/// @param path File to read.
/// @param strict Fail when an entry is missing or unexpected.
/// @return TFL_OK; TFL_ERR_INVALID_ARGUMENT for NULL arguments; TFL_ERR_CHECKPOINT for (when strict)
///         missing or unexpected entries or an entry whose shape or dtype differs from the module's;
///         TFL_ERR_SERIALIZATION for a malformed file; TFL_ERR_IO when the file cannot be read.
TFL_API TFL_SINCE(0, 1) tfl_status tfl_module_state_dict_load(TFL_OUT TFL_NULLABLE size_t* out_missing,
                                                               TFL_OUT TFL_NULLABLE size_t* out_unexpected,
                                                               TFL_IN tfl_module* m, const char* path, bool strict) {
  TFL_CAPI_BEGIN
  if (out_missing) *out_missing = 0;
  if (out_unexpected) *out_unexpected = 0;
  TFL_CHECK_MODULE(m);
  TFL_CHECK_ARG(path != nullptr, "path", "must not be NULL");
  tfl::nn::LoadResult r = module_of(m).load_state_dict(tfl::load_safetensors(path).tensors, strict);
  if (out_missing) *out_missing = r.missing_keys.size();
  if (out_unexpected) *out_unexpected = r.unexpected_keys.size();
  TFL_CAPI_END
}
