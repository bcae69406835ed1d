// Idioms on top of the generated C++ binding: tensor operators, scope objects and lambdas as hooks.
// Hand-written; it uses only the generated tenflowers.hpp (which wraps the C ABI one-to-one).
#ifndef TENFLOWERS_TENFLOWERS_EXTRA_HPP
#define TENFLOWERS_TENFLOWERS_EXTRA_HPP

#include <tenflowers/tenflowers.hpp>

#include <functional>
#include <memory>
#include <new>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

namespace tfl {

// ---- operators: broadcasting arithmetic, like the C functions they call --------------------------

inline Tensor operator+(const Tensor& a, const Tensor& b) { return a.add(b); }
inline Tensor operator-(const Tensor& a, const Tensor& b) { return a.sub(b); }
inline Tensor operator*(const Tensor& a, const Tensor& b) { return a.mul(b); }
inline Tensor operator/(const Tensor& a, const Tensor& b) { return a.div(b); }
inline Tensor operator+(const Tensor& a, double s) { return a.add_scalar(s); }
inline Tensor operator-(const Tensor& a, double s) { return a.sub_scalar(s); }
inline Tensor operator*(const Tensor& a, double s) { return a.mul_scalar(s); }
inline Tensor operator/(const Tensor& a, double s) { return a.div_scalar(s); }
inline Tensor operator+(double s, const Tensor& a) { return a.add_scalar(s); }
inline Tensor operator-(double s, const Tensor& a) { return a.sub_rscalar(s); }
inline Tensor operator*(double s, const Tensor& a) { return a.mul_scalar(s); }
inline Tensor operator/(double s, const Tensor& a) { return a.div_rscalar(s); }
inline Tensor operator-(const Tensor& a) { return a.neg(); }

/// Matrix product (Python's `@`; C++ has no such operator).
inline Tensor matmul(const Tensor& a, const Tensor& b) { return a.matmul(b); }

// ---- data in and out ----------------------------------------------------------------------------

namespace detail {
template <class T>
constexpr Dtype dtype_of() {
  static_assert(std::is_same_v<T, float> || std::is_same_v<T, double> || std::is_same_v<T, int32_t> ||
                    std::is_same_v<T, int64_t> || std::is_same_v<T, uint8_t> || std::is_same_v<T, bool> ||
                    std::is_same_v<T, int8_t> || std::is_same_v<T, int16_t> || std::is_same_v<T, uint16_t> ||
                    std::is_same_v<T, uint32_t> || std::is_same_v<T, uint64_t>,
                "tfl: no dtype for this element type");
  if constexpr (std::is_same_v<T, float>) return Dtype::F32;
  else if constexpr (std::is_same_v<T, double>) return Dtype::F64;
  else if constexpr (std::is_same_v<T, int32_t>) return Dtype::I32;
  else if constexpr (std::is_same_v<T, int64_t>) return Dtype::I64;
  else if constexpr (std::is_same_v<T, uint8_t>) return Dtype::U8;
  else if constexpr (std::is_same_v<T, int8_t>) return Dtype::I8;
  else if constexpr (std::is_same_v<T, int16_t>) return Dtype::I16;
  else if constexpr (std::is_same_v<T, uint16_t>) return Dtype::U16;
  else if constexpr (std::is_same_v<T, uint32_t>) return Dtype::U32;
  else if constexpr (std::is_same_v<T, uint64_t>) return Dtype::U64;
  else return Dtype::Bool;
}
}  // namespace detail

/// The shape as a vector (tfl_tensor_ndim, then tfl_tensor_shape).
inline std::vector<int64_t> shape_of(const Tensor& t) { return t.shape(t.ndim()); }

/// A new tensor holding a copy of `values` with the given shape; the dtype follows T.
template <class T>
Tensor tensor(Span<T> values, Span<int64_t> shape) {
  return Tensor::from_buffer(values.data(), values.size() * sizeof(T), shape, detail::dtype_of<T>());
}
inline Tensor tensor(std::initializer_list<float> values, Span<int64_t> shape) {
  return tensor<float>(Span<float>(values), shape);
}

/// The elements in row-major order, converted to T's dtype first when they differ.
template <class T>
std::vector<T> to_vector(const Tensor& t) {
  Tensor c = t.dtype() == detail::dtype_of<T>() ? t : t.to_dtype(detail::dtype_of<T>());
  std::vector<T> out(static_cast<size_t>(c.numel()));
  c.copy_to_buffer(out.data(), out.size() * sizeof(T));
  return out;
}

/// The value of a one-element tensor (any shape with numel 1), as double; throws tfl::ShapeError
/// otherwise, where tfl_tensor_item_at would silently read element 0.
inline double item(const Tensor& t) {
  if (t.numel() != 1) {
    std::string dims;
    for (int64_t d : shape_of(t)) dims += (dims.empty() ? "" : ", ") + std::to_string(d);
    throw ShapeError("[item] the tensor has shape (" + dims + "), not one element");
  }
  return t.item_at(0);
}

// ---- modules --------------------------------------------------------------------------------------

/// The module's parameters with their dotted names ("0.weight"), in listing order
/// (tfl_module_named_parameters_size, then tfl_module_named_parameter). The tensors are the module's
/// own, not copies. (Called on the C function directly: the generated Module::named_parameter sizes the
/// name with a first call that also returns a tensor reference, which it then overwrites.)
inline std::vector<std::pair<std::string, Tensor>> named_parameters(const Module& m, bool recurse = true) {
  std::vector<std::pair<std::string, Tensor>> out;
  size_t n = m.named_parameters_size(recurse);
  out.reserve(n);
  for (size_t i = 0; i < n; ++i) {
    size_t len = 0;
    check(::tfl_module_named_parameter(nullptr, nullptr, &len, 0, m.borrow(), i, recurse));
    std::string name(len + 1, '\0');
    tfl_tensor* t = nullptr;
    check(::tfl_module_named_parameter(&t, &name[0], &len, name.size(), m.borrow(), i, recurse));
    name.resize(len);
    out.emplace_back(std::move(name), Tensor::adopt(t));
  }
  return out;
}

/// The module's parameters in listing order: the list an optimizer takes
/// (`tfl::optim_sgd_create(tfl::parameters(model), ...)`).
inline std::vector<Tensor> parameters(const Module& m, bool recurse = true) {
  std::vector<Tensor> out;
  size_t n = m.named_parameters_size(recurse);
  out.reserve(n);
  for (size_t i = 0; i < n; ++i) {
    size_t len = 0;
    tfl_tensor* t = nullptr;
    check(::tfl_module_named_parameter(&t, nullptr, &len, 0, m.borrow(), i, recurse));
    out.push_back(Tensor::adopt(t));
  }
  return out;
}

/// A Sequential container running `layers` in order (it holds its own reference to each).
inline Module sequential(std::vector<Module> layers) {
  Module seq = nn_sequential_create();
  for (Module& layer : layers) nn_sequential_append(seq, layer);
  return seq;
}

/// Runs a one-input module (tfl_module_forward with a single input).
inline Tensor forward(Module& m, const Tensor& x) { return m.forward(Span<Tensor>(&x, 1)); }

// ---- scopes ---------------------------------------------------------------------------------------

/// Records the ops run on this thread while it lives (tfl_tape_create ... tfl_tape_stop), like
/// TensorFlow's `with tf.GradientTape() as tape:`. Watched tensors become sources of gradients.
class GradientTape {
 public:
  explicit GradientTape(bool persistent = false) : tape_(Tape::create(persistent)) {}
  GradientTape(const GradientTape&) = delete;
  GradientTape& operator=(const GradientTape&) = delete;
  ~GradientTape() {
    // Stopping is what the destructor is for; a failure here (tapes stopped out of order) has no one
    // to report to, and releasing the tape stops it anyway.
    if (tape_ && ::tfl_tape_stop(tape_.borrow()) != TFL_OK) {
    }
  }
  /// Makes t a source of gradients.
  void watch(const Tensor& t) { tape_.watch(t); }
  /// Ends recording (idempotent); gradients can still be asked for.
  void stop() { tape_.stop(); }
  /// d(target)/d(sources[i]); an entry is empty when target does not depend on that source (unless
  /// unconnected_zeros). A non-persistent tape answers once.
  std::vector<Tensor> gradient(const Tensor& target, Span<Tensor> sources, bool unconnected_zeros = false,
                               const std::optional<Tensor>& output_gradient = std::nullopt) {
    return tape_.gradient(sources.size(), target, sources, unconnected_zeros, output_gradient);
  }
  Tape& tape() noexcept { return tape_; }

 private:
  Tape tape_;
};

/// Turns gradient recording off for its lifetime and restores the previous mode afterwards.
class NoGrad {
 public:
  NoGrad() : previous_(grad_enabled()) { grad_set_enabled(false); }
  NoGrad(const NoGrad&) = delete;
  NoGrad& operator=(const NoGrad&) = delete;
  ~NoGrad() {
    if (::tfl_grad_set_enabled(previous_) != TFL_OK) {
    }  // cannot fail for a bool; nothing to report to
  }

 private:
  bool previous_;
};

/// Gradients of outputs with respect to inputs (tfl_autograd_grad with one result per input).
inline std::vector<Tensor> grad(Span<Tensor> outputs, Span<Tensor> inputs,
                                const std::optional<Span<Tensor>>& grad_outputs = std::nullopt,
                                bool retain_graph = false, bool create_graph = false,
                                bool unused_as_zeros = false) {
  return autograd_grad(inputs.size(), outputs, inputs, grad_outputs, retain_graph, create_graph, unused_as_zeros);
}

// ---- hooks: C++ callables behind the C callback -------------------------------------------------

/// A gradient hook: sees the gradient flowing into a tensor and returns a replacement, or nullopt
/// to keep it. Exceptions it throws end the backward pass and come out of the call that ran it.
using GradHook = std::function<std::optional<Tensor>(const Tensor& grad)>;

namespace detail {

// The C callback behind every GradHook. Nothing may unwind through the library, so an exception is
// parked in pending_exception() and its status returned; check() rethrows it after the call fails.
inline tfl_status grad_hook_trampoline(tfl_tensor** replacement, const tfl_tensor* grad, void* user_data) noexcept {
  try {
    const GradHook& fn = *static_cast<const GradHook*>(user_data);
    std::optional<Tensor> r = fn(Tensor::share(grad));
    if (r && *r) *replacement = r->release();
    return TFL_OK;
  } catch (const Error& e) {
    pending_exception() = std::current_exception();
    return static_cast<tfl_status>(e.code());
  } catch (const std::bad_alloc&) {
    pending_exception() = std::current_exception();
    return TFL_ERR_OUT_OF_MEMORY;
  } catch (...) {
    pending_exception() = std::current_exception();
    return TFL_ERR_INTERNAL;
  }
}

}  // namespace detail

/// A registered hook. It owns the callable and removes the hook when destroyed (or on remove()), so the
/// library never calls into a freed closure; keep it alive as long as the hook should run.
class HookHandle {
 public:
  HookHandle() = default;
  HookHandle(HookHandle&& o) noexcept : id_(std::exchange(o.id_, 0)), fn_(std::move(o.fn_)) {}
  HookHandle& operator=(HookHandle&& o) noexcept {
    if (this != &o) {
      reset();
      id_ = std::exchange(o.id_, 0);
      fn_ = std::move(o.fn_);
    }
    return *this;
  }
  ~HookHandle() { reset(); }
  /// The library's id (tfl_hook_remove), 0 when empty.
  int64_t id() const noexcept { return id_; }
  /// Unregisters the hook; throws when the library no longer knows it (its tensor is gone).
  void remove() {
    int64_t id = std::exchange(id_, 0);
    fn_.reset();
    if (id != 0) hook_remove(id);
  }

 private:
  friend HookHandle register_hook(Tensor& t, GradHook fn);
  void reset() noexcept {
    // A hook whose tensor is gone is already unregistered; that failure is expected here.
    if (id_ != 0 && ::tfl_hook_remove(std::exchange(id_, 0)) != TFL_OK) {
    }
    fn_.reset();
  }
  int64_t id_ = 0;
  std::unique_ptr<GradHook> fn_;
};

/// Registers `fn` as a gradient hook on t (which must require grad).
inline HookHandle register_hook(Tensor& t, GradHook fn) {
  HookHandle h;
  h.fn_ = std::make_unique<GradHook>(std::move(fn));
  h.id_ = t.register_hook(&detail::grad_hook_trampoline, h.fn_.get());
  return h;
}

}  // namespace tfl

#endif  // TENFLOWERS_TENFLOWERS_EXTRA_HPP
