//! tenflowers for Rust: the deep-learning engine through its stable C ABI.
//!
//! `sys` holds the raw `extern "C"` declarations and `generated` the safe layer, both written by
//! tfl-gen from the C API (do not edit them). This file adds the idioms C cannot say: element types,
//! slices in and out, operators on `&Tensor`, and `GradientTape` as a scope guard.
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

use std::os::raw::c_void;
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
