//! tenflowers for Rust: the deep-learning engine through its stable C ABI.
//!
//! `sys` holds the raw `extern "C"` declarations and `generated` the safe layer, both written by
//! tfl-gen from the C API (do not edit them). This file adds the idioms C cannot say: element types,
//! slices in and out, operators on `&Tensor`, `GradientTape` as a scope guard, modules' parameter lists,
//! and gradient hooks whose closures are freed when the hook goes (`Tensor::hook` -> `Hook`).
//!
//! ```no_run
//! use tenflowers::{Dtype, Tensor};
//! let a = Tensor::from_slice(&[1.0f32, 2.0, 3.0], &[3]).unwrap();
//! let b = Tensor::ones(&[3], Dtype::F32).unwrap();
//! let c = &a + &b;
//! assert_eq!(c.to_vec::<f32>().unwrap(), vec![2.0, 3.0, 4.0]);
//! ```
pub mod sys;

mod generated;
pub use generated::*;

use std::os::raw::{c_char, c_void};
use std::ops;

/// Rust types that match a tenflowers dtype bit for bit.
pub trait Element: Copy + Default + 'static {
    /// The tenflowers dtype of this type.
    const DTYPE: Dtype;
}

impl Element for f32 {
    const DTYPE: Dtype = Dtype::F32;
}
impl Element for f64 {
    const DTYPE: Dtype = Dtype::F64;
}
impl Element for i32 {
    const DTYPE: Dtype = Dtype::I32;
}
impl Element for i64 {
    const DTYPE: Dtype = Dtype::I64;
}
impl Element for u8 {
    const DTYPE: Dtype = Dtype::U8;
}
impl Element for bool {
    const DTYPE: Dtype = Dtype::Bool;
}
impl Element for i8 {
    const DTYPE: Dtype = Dtype::I8;
}
impl Element for i16 {
    const DTYPE: Dtype = Dtype::I16;
}
impl Element for u16 {
    const DTYPE: Dtype = Dtype::U16;
}
impl Element for u32 {
    const DTYPE: Dtype = Dtype::U32;
}
impl Element for u64 {
    const DTYPE: Dtype = Dtype::U64;
}

impl Tensor {
    /// A new tensor holding a copy of `data` (row-major) with the given shape.
    pub fn from_slice<T: Element>(data: &[T], shape: &[i64]) -> Result<Tensor> {
        // SAFETY: the pointer and byte count describe `data`, which outlives the call (it is copied).
        unsafe { Tensor::from_buffer(data.as_ptr() as *const c_void, std::mem::size_of_val(data), shape, T::DTYPE) }
    }

    /// The sizes of the dimensions.
    pub fn dims(&self) -> Result<Vec<i64>> {
        let mut dims = vec![0i64; self.ndim()?];
        self.shape(&mut dims)?;
        Ok(dims)
    }

    /// The elements in row-major order; `T` must be the tensor's dtype.
    pub fn to_vec<T: Element>(&self) -> Result<Vec<T>> {
        let dtype = self.dtype()?;
        if dtype != T::DTYPE {
            return Err(Error::new(
                ErrorKind::Dtype,
                format!("Tensor::to_vec: the tensor is {} but {} was asked for", dtype.name(), T::DTYPE.name()),
            ));
        }
        let n = self.numel()? as usize;
        let mut out = vec![T::default(); n];
        // SAFETY: `out` holds exactly numel elements of the tensor's dtype.
        unsafe { self.copy_to_buffer(out.as_mut_ptr() as *mut c_void, std::mem::size_of_val(out.as_slice()))? };
        Ok(out)
    }

    /// The value of a one-element tensor, as f64.
    pub fn item(&self) -> Result<f64> {
        if self.numel()? != 1 {
            return Err(Error::new(ErrorKind::Shape, format!("Tensor::item: the tensor has shape {:?}", self.dims()?)));
        }
        self.item_at(0)
    }
}

// Operators panic on failure (there is no way to return a Result from them); the methods of the same
// name (`a.add(&b)`) return the error instead.
macro_rules! binary_operator {
    ($trait:ident, $method:ident, $scalar:ident) => {
        impl ops::$trait<&Tensor> for &Tensor {
            type Output = Tensor;
            fn $method(self, rhs: &Tensor) -> Tensor {
                Tensor::$method(self, rhs).unwrap_or_else(|e| panic!("{e}"))
            }
        }
        impl ops::$trait<Tensor> for Tensor {
            type Output = Tensor;
            fn $method(self, rhs: Tensor) -> Tensor {
                Tensor::$method(&self, &rhs).unwrap_or_else(|e| panic!("{e}"))
            }
        }
        impl ops::$trait<f64> for &Tensor {
            type Output = Tensor;
            fn $method(self, rhs: f64) -> Tensor {
                Tensor::$scalar(self, rhs).unwrap_or_else(|e| panic!("{e}"))
            }
        }
    };
}

binary_operator!(Add, add, add_scalar);
binary_operator!(Sub, sub, sub_scalar);
binary_operator!(Mul, mul, mul_scalar);
binary_operator!(Div, div, div_scalar);

impl ops::Neg for &Tensor {
    type Output = Tensor;
    fn neg(self) -> Tensor {
        Tensor::neg(self).unwrap_or_else(|e| panic!("{e}"))
    }
}

impl ops::Neg for Tensor {
    type Output = Tensor;
    fn neg(self) -> Tensor {
        Tensor::neg(&self).unwrap_or_else(|e| panic!("{e}"))
    }
}

/// A GradientTape as a scope: it records from `new` until it is dropped (or `stop`), and answers
/// `gradient` afterwards or meanwhile. Tapes stop in reverse order of creation, as scopes do.
pub struct GradientTape {
    tape: Tape,
}

impl GradientTape {
    /// Starts recording; a non-persistent tape answers `gradient` once.
    pub fn new() -> Result<GradientTape> {
        Ok(GradientTape { tape: Tape::create(false)? })
    }

    /// Starts recording; the tape answers `gradient` any number of times.
    pub fn persistent() -> Result<GradientTape> {
        Ok(GradientTape { tape: Tape::create(true)? })
    }

    /// Makes `t` a source of gradients even if it does not require grad.
    pub fn watch(&self, t: &Tensor) -> Result<()> {
        self.tape.watch(t)
    }

    /// Ends recording early (dropping the guard does it too).
    pub fn stop(&self) -> Result<()> {
        self.tape.stop()
    }

    /// d(target)/d(source) for each source; None where target does not depend on it.
    pub fn gradient(&self, target: &Tensor, sources: &[&Tensor]) -> Result<Vec<Option<Tensor>>> {
        let mut out = vec![None; sources.len()];
        self.tape.gradient(&mut out, target, sources, false, None)?;
        Ok(out)
    }

    /// The underlying handle, for the generated calls.
    pub fn tape(&self) -> &Tape {
        &self.tape
    }
}

impl Drop for GradientTape {
    fn drop(&mut self) {
        // Stopping a stopped tape does nothing; an error here (out-of-order stop) cannot be reported.
        let _ = self.tape.stop();
    }
}

impl Module {
    /// The parameters (with those of all descendants) in listing order: what an optimizer takes.
    /// The tensors are the module's own, not copies.
    pub fn parameters(&self) -> Result<Vec<Tensor>> {
        Ok(self.named_parameters()?.into_iter().map(|(_, t)| t).collect())
    }

    /// The parameters with their dotted names ("0.weight"), in listing order.
    pub fn named_parameters(&self) -> Result<Vec<(String, Tensor)>> {
        let n = self.named_parameters_size(true)?;
        let mut out = Vec::with_capacity(n);
        for i in 0..n {
            // Capacity 0 asks for the name's length; the second call writes it with its NUL.
            let (_, len) = self.named_parameter(&mut [], i, true)?;
            let mut buf: Vec<c_char> = vec![0; len + 1];
            let (t, _) = self.named_parameter(&mut buf, i, true)?;
            let bytes: Vec<u8> = buf[..len].iter().map(|&c| c as u8).collect();
            let t = t.ok_or_else(|| Error::new(ErrorKind::Internal, "Module::named_parameters: no tensor returned"))?;
            out.push((String::from_utf8_lossy(&bytes).into_owned(), t));
        }
        Ok(out)
    }

    /// Copies named tensors, given as (name, tensor) pairs, into the module's parameters and buffers
    /// (the generated `load_state_dict` takes the names and tensors as two slices). Returns the number
    /// of the module's entries not given and of given names the module lacks.
    pub fn load_state_dict_entries(&self, entries: &[(&str, &Tensor)], strict: bool) -> Result<(usize, usize)> {
        let names: Vec<&str> = entries.iter().map(|(n, _)| *n).collect();
        let tensors: Vec<&Tensor> = entries.iter().map(|(_, t)| *t).collect();
        self.load_state_dict(&names, &tensors, strict)
    }

    /// Runs a one-input module (`forward(&[x])`).
    pub fn call(&self, x: &Tensor) -> Result<Tensor> {
        self.forward(&[x])
    }

    /// A Sequential container running `layers` in order (it holds its own reference to each).
    pub fn sequential(layers: &[&Module]) -> Result<Module> {
        let seq = nn_sequential_create()?;
        for layer in layers {
            nn_sequential_append(&seq, layer)?;
        }
        Ok(seq)
    }
}

/// A registered gradient hook that owns its closure: dropping it (or `remove`) unregisters the hook and
/// then frees the closure, so nothing leaks and the library never calls a freed closure. (The generated
/// `Tensor::register_hook` cannot free its closure: the C API gives no notice when `user_data` dies, but
/// `tfl_hook_remove` is such a point, and this guard is the one who calls it.)
pub struct Hook {
    id: i64,
    state: *mut c_void,
    drop_state: unsafe fn(*mut c_void),
}

unsafe fn drop_boxed<F>(state: *mut c_void) {
    drop(Box::from_raw(state as *mut F));
}

impl Hook {
    /// The library's id of the hook (as `hook_remove` takes it), 0 once removed.
    pub fn id(&self) -> i64 {
        self.id
    }

    /// Unregisters the hook now and frees the closure; an error when the library no longer knows the hook
    /// (its tensor and graph are gone, which unregistered it already). The closure is freed either way.
    pub fn remove(mut self) -> Result<()> {
        let id = std::mem::replace(&mut self.id, 0);
        if id != 0 {
            hook_remove(id)
        } else {
            Ok(())
        }
    }
}

impl Drop for Hook {
    fn drop(&mut self) {
        if self.id != 0 {
            // Failure means the hook is already gone with its tensor: nothing left to undo.
            let _ = hook_remove(self.id);
        }
        // SAFETY: `state` came from Box::into_raw of the type `drop_state` was instantiated with, and the
        // library no longer holds it (the hook was removed, or never registered).
        unsafe { (self.drop_state)(self.state) }
    }
}

impl Tensor {
    /// Registers `f` as a gradient hook (as `register_hook`: it sees the gradient flowing into this tensor
    /// during later backward passes and may return a replacement) and returns the guard that owns it:
    /// keep the guard as long as the hook should run.
    pub fn hook<F: Fn(&Tensor) -> Result<Option<Tensor>> + 'static>(&self, f: F) -> Result<Hook> {
        let state = Box::into_raw(Box::new(f));
        let mut hook = Hook { id: 0, state: state as *mut c_void, drop_state: drop_boxed::<F> };
        let mut id: i64 = 0;
        // SAFETY: the trampoline is instantiated with F, the type behind `state`; `state` stays valid until
        // the guard has removed the hook.
        let status = unsafe {
            sys::tfl_tensor_register_hook(
                &mut id,
                self.as_ptr(),
                Some(generated::tfl_tensor_hook_fn_trampoline::<F>),
                state as *mut c_void,
            )
        };
        generated::check(status)?; // on failure the guard (id 0) frees the closure
        hook.id = id;
        Ok(hook)
    }
}
