// The C types of the public API: status codes, enums, opaque handles and callbacks. tfl-gen copies
// them into include/tenflowers/tenflowers.h; the numbers are part of the ABI (append only).
#pragma once

#include <stddef.h>
#include <stdint.h>

#include "capi/annotations.h"  // parameter annotations of the callback typedefs

#ifdef __cplusplus
extern "C" {
#endif

/// Result of every fallible call. Numbers are stable and never reused.
typedef enum tfl_status {
  TFL_OK = 0,                   ///< success
  TFL_ERR_INVALID_ARGUMENT = 1, ///< an argument is NULL, out of range or otherwise invalid
  TFL_ERR_SHAPE = 2,            ///< shapes do not match or cannot be broadcast
  TFL_ERR_DTYPE = 3,            ///< a dtype is not supported or two dtypes do not promote
  TFL_ERR_DEVICE = 4,           ///< the device is unavailable or operands are on different devices
  TFL_ERR_OUT_OF_MEMORY = 5,    ///< an allocation failed or exceeded the memory limit
  TFL_ERR_INDEX = 6,            ///< an index or axis is out of range
  TFL_ERR_NOT_IMPLEMENTED = 7,  ///< no kernel for this combination (e.g. CUDA in a CPU-only build)
  TFL_ERR_IO = 8,               ///< a file could not be read or written, or is malformed
  TFL_ERR_INTERNAL = 9,         ///< a bug in tenflowers; please report it
  TFL_ERR_GRADIENT = 10,        ///< autograd misuse: no gradient required, graph already freed, saved tensor modified
  TFL_ERR_NUMERICAL = 11,       ///< NaN or Inf produced while the numerical check mode is on
  TFL_ERR_TENSOR_OP = 12,       ///< valid inputs the op cannot compute (e.g. a singular matrix)
  TFL_ERR_LAYER_CONFIG = 13,    ///< a layer's hyperparameters are impossible (e.g. 0 features)
  TFL_ERR_OPTIMIZER = 14,       ///< bad optimizer hyperparameters or optimizer state
  TFL_ERR_SERIALIZATION = 15,   ///< bytes that do not decode (malformed header, JSON or dtype tag)
  TFL_ERR_DATA_LOADING = 16,    ///< a dataset or data loader cannot deliver samples
  TFL_ERR_CHECKPOINT = 17       ///< a checkpoint does not match the model or optimizer it is loaded into
} tfl_status;

/// Element types. f16 and bf16 are stored natively and computed in f32.
typedef enum tfl_dtype {
  TFL_DTYPE_F32 = 0,
  TFL_DTYPE_F64 = 1,
  TFL_DTYPE_F16 = 2,
  TFL_DTYPE_BF16 = 3,
  TFL_DTYPE_I32 = 4,
  TFL_DTYPE_I64 = 5,
  TFL_DTYPE_U8 = 6,
  TFL_DTYPE_BOOL = 7,
  TFL_DTYPE_I8 = 8,
  TFL_DTYPE_I16 = 9,
  TFL_DTYPE_U16 = 10,
  TFL_DTYPE_U32 = 11,
  TFL_DTYPE_U64 = 12
} tfl_dtype;

/// Device kinds.
typedef enum tfl_device_type { TFL_DEVICE_CPU = 0, TFL_DEVICE_CUDA = 1 } tfl_device_type;

/// An n-dimensional array (opaque, reference-counted).
typedef struct tfl_tensor tfl_tensor;

/// Releases memory handed to tfl_tensor_from_external; called exactly once with the data pointer and
/// the user_data given there.
typedef void (*tfl_deleter_fn)(void* data, void* user_data);

/// How tfl_tensor_pad fills the border.
typedef enum tfl_pad_mode {
  TFL_PAD_CONSTANT = 0, ///< a constant value
  TFL_PAD_REFLECT = 1   ///< the mirror image without repeating the edge (numpy.pad "reflect")
} tfl_pad_mode;

/// Counters of the host memory allocator, read with tfl_memory_stat or tfl_memory_stats (which
/// indexes its output array by these values).
typedef enum tfl_memory_counter {
  TFL_MEMORY_LIVE_BYTES = 0,   ///< bytes in use by tensors (rounded to the allocator's size classes)
  TFL_MEMORY_PEAK_BYTES = 1,   ///< highest live bytes since start or the last tfl_memory_reset_peak
  TFL_MEMORY_ALLOCATIONS = 2,  ///< successful allocations
  TFL_MEMORY_FREES = 3,        ///< frees
  TFL_MEMORY_CACHE_HITS = 4,   ///< allocations served from the cache
  TFL_MEMORY_CACHE_MISSES = 5, ///< allocations that went to the system
  TFL_MEMORY_CACHED_BYTES = 6, ///< bytes held in the cache, free for reuse
  TFL_MEMORY_LIMIT_BYTES = 7   ///< the limit set with tfl_memory_set_limit (0: none)
} tfl_memory_counter;

/// A GradientTape (opaque, reference-counted): records the ops run while it is active so gradients can
/// be asked for later. It belongs to the thread that created it.
typedef struct tfl_tape tfl_tape;

/// A gradient hook, registered with tfl_tensor_register_hook and run during a backward pass with the
/// gradient flowing into the tensor. `grad` is borrowed for the duration of the call (tfl_tensor_retain it
/// to keep it). To replace the gradient, set *replacement to a new reference of the same shape (the
/// library takes it over and releases it); leave it NULL to keep the gradient. A status other than TFL_OK
/// aborts the backward pass, which then fails with that status (any *replacement is released).
typedef tfl_status (*tfl_tensor_hook_fn)(tfl_tensor** replacement, const tfl_tensor* grad, void* user_data);

// --- nn modules (capi/nn_*.cpp) -------------------------------------------------------------------

/// A neural-network module (opaque, reference-counted): a layer such as Linear or Conv2d, or a
/// container such as Sequential, with named parameters, buffers and children. Handles to the same
/// module (e.g. one from a constructor and one from tfl_module_named_child) share it.
typedef struct tfl_module tfl_module;

/// A forward pre-hook, registered with tfl_module_register_forward_pre_hook and run by
/// tfl_module_forward before the module computes, with the inputs (after earlier pre-hooks). `inputs`
/// and its ninputs tensors are borrowed for the duration of the call (tfl_tensor_retain one to keep it).
/// To replace input i, set replacements[i] to a new reference (the library takes it over and releases
/// it); entries left NULL keep their input (replacements has ninputs entries, all NULL on entry). A
/// status other than TFL_OK aborts the forward call, which then fails with that status (any
/// replacements are released).
typedef tfl_status (*tfl_module_forward_pre_hook_fn)(TFL_OUT TFL_ARRAY(ninputs) tfl_tensor** replacements,
                                                     TFL_ARRAY(ninputs) const tfl_tensor* const* inputs,
                                                     size_t ninputs, void* user_data);

/// A forward hook, registered with tfl_module_register_forward_hook and run by tfl_module_forward after
/// the module computed `output` from `inputs` (the inputs after any pre-hook replaced them). All
/// tensors are borrowed for the duration of the call. To replace the output, set *replacement to a new
/// reference (the library takes it over); leave it NULL to keep the output. A status other than TFL_OK
/// aborts the forward call, which then fails with that status (any *replacement is released).
typedef tfl_status (*tfl_module_forward_hook_fn)(TFL_OUT tfl_tensor** replacement,
                                                 TFL_ARRAY(ninputs) const tfl_tensor* const* inputs,
                                                 size_t ninputs, const tfl_tensor* output, void* user_data);

/// A backward hook, registered with tfl_module_register_backward_hook and run during a backward pass
/// through a tfl_module_forward call, once the gradients w.r.t. that call's inputs (grad_input, one per
/// input; NULL entries for inputs that need no gradient) have been computed from the gradient w.r.t.
/// its output (grad_output). All tensors are borrowed for the duration of the call. To replace the
/// gradient of input i, set replacements[i] to a new reference of grad_input[i]'s shape (the library
/// takes it over); entries left NULL keep theirs (replacements has ngrad_input entries, all NULL on
/// entry). A status other than TFL_OK aborts the backward pass, which then fails with that status.
typedef tfl_status (*tfl_module_backward_hook_fn)(TFL_OUT TFL_ARRAY(ngrad_input) tfl_tensor** replacements,
                                                  TFL_ARRAY(ngrad_input) const tfl_tensor* const* grad_input,
                                                  size_t ngrad_input,
                                                  TFL_ARRAY(ngrad_output) const tfl_tensor* const* grad_output,
                                                  size_t ngrad_output, void* user_data);

// --- losses, optimizers, schedulers, checkpoints (capi/losses.cpp, optim.cpp, scheduler.cpp, checkpoint.cpp)

/// How a loss combines its per-element values.
typedef enum tfl_reduction {
  TFL_REDUCTION_NONE = 0,      ///< no reduction: one loss per element (or per sample for cross-entropy)
  TFL_REDUCTION_MEAN = 1,      ///< the mean (cross-entropy with class indices: divided by the total target weight)
  TFL_REDUCTION_SUM = 2,       ///< the sum
  TFL_REDUCTION_BATCHMEAN = 3  ///< the sum divided by the batch size (input's first dimension); tfl_loss_kl_div only
} tfl_reduction;

/// An optimizer over a fixed list of parameters with per-parameter state (opaque, reference-counted).
typedef struct tfl_optimizer tfl_optimizer;

/// A learning-rate scheduler over an optimizer (opaque, reference-counted); it keeps its optimizer alive.
typedef struct tfl_scheduler tfl_scheduler;

/// How tfl_sched_one_cycle_create anneals between its phases.
typedef enum tfl_anneal_strategy {
  TFL_ANNEAL_COS = 0,    ///< cosine annealing
  TFL_ANNEAL_LINEAR = 1  ///< linear annealing
} tfl_anneal_strategy;

/// The named tensors and metadata of a safetensors file, loaded by tfl_safetensors_from_file (opaque,
/// reference-counted). Tensors are views of the memory-mapped file where alignment allows.
typedef struct tfl_safetensors tfl_safetensors;

// --- custom modules (capi/nn_parameter.cpp) ---------------------------------------------------------

/// The computation of a module made by tfl_module_create_custom, run by tfl_module_forward (between the
/// module's hooks) with the inputs, borrowed for the duration of the call. Set *out to a new reference
/// (the library takes it over and releases it); leaving it NULL fails the forward call. A status other
/// than TFL_OK fails the forward call with that status.
typedef tfl_status (*tfl_module_forward_fn)(TFL_OUT tfl_tensor** out, TFL_ARRAY(ninputs) const tfl_tensor* const* inputs,
                                            size_t ninputs, void* user_data);
// --- data loading (capi/data.cpp) --------------------------------------------------------------------

/// Batches over tensors whose rows are samples, optionally shuffled (opaque, reference-counted); it
/// holds a reference to each tensor.
typedef struct tfl_dataloader tfl_dataloader;
// --- metrics (capi/metrics.cpp) ------------------------------------------------------------------

/// How tfl_metrics_precision_recall_f1_average combines the per-class scores (as scikit-learn's average=).
typedef enum tfl_metric_average {
  TFL_AVERAGE_MACRO = 0,    ///< unweighted mean over classes
  TFL_AVERAGE_MICRO = 1,    ///< from the true/false positive and negative counts summed over classes
  TFL_AVERAGE_WEIGHTED = 2  ///< mean over classes weighted by their support (samples per target class)
} tfl_metric_average;
// --- transformer layers (capi/nn_transformer.cpp) -----------------------------------------------------

/// The feed-forward activation of a transformer layer.
typedef enum tfl_transformer_activation {
  TFL_TRANSFORMER_ACTIVATION_RELU = 0, ///< max(x, 0)
  TFL_TRANSFORMER_ACTIVATION_GELU = 1  ///< x * Phi(x) (exact, erf form)
} tfl_transformer_activation;
// --- recurrent layers (capi/nn_rnn.cpp)

/// The nonlinearity of tfl_nn_rnn_create (torch.nn.RNN's nonlinearity argument).
typedef enum tfl_rnn_nonlinearity {
  TFL_RNN_TANH = 0, ///< h' = tanh(W_ih x + b_ih + W_hh h + b_hh)
  TFL_RNN_RELU = 1  ///< h' = relu(W_ih x + b_ih + W_hh h + b_hh)
} tfl_rnn_nonlinearity;

#ifdef __cplusplus
}
#endif
