// Ownership of handles: Clone takes a reference (shares the tensor), Drop gives it back, nothing leaks.
// One test function: the allocator counters are process-wide, so nothing else may run beside it.
use tenflowers::{memory_stat, sys, Dtype, MemoryCounter, Tape, Tensor};

fn live() -> i64 {
    memory_stat(MemoryCounter::LiveBytes).unwrap()
}

#[test]
fn clone_shares_drop_releases_and_nothing_leaks() {
    let base = live();

    // A 1000-element f32 tensor holds at least 4000 bytes while any reference lives.
    let a = Tensor::full(&[10, 100], 1.5, Dtype::F32).unwrap();
    let with_one = live();
    assert!(with_one - base >= 4000, "live bytes grew by {}", with_one - base);

    // Clones are references to the same tensor: no new storage, and writes through one are seen by all.
    let clones: Vec<Tensor> = (0..3).map(|_| a.clone()).collect();
    assert_eq!(live(), with_one);
    assert_eq!(a.as_ptr(), clones[2].as_ptr());
    clones[0].fill_inplace(7.0).unwrap();
    assert_eq!(a.item_at(999).unwrap(), 7.0);

    // clone_tensor is the deep copy: new storage, independent values.
    let deep = a.clone_tensor().unwrap();
    assert!(live() - with_one >= 4000);
    deep.fill_inplace(-1.0).unwrap();
    assert_eq!(a.item_at(0).unwrap(), 7.0);
    drop(deep);
    assert_eq!(live(), with_one);

    // Dropping the original leaves the clones valid; dropping the last reference frees the storage.
    drop(a);
    assert_eq!(live(), with_one);
    assert_eq!(clones[1].to_vec::<f32>().unwrap().iter().sum::<f32>(), 7000.0);
    drop(clones);
    assert_eq!(live(), base);

    // into_raw / from_raw move the reference across the C boundary and back exactly once.
    let t = Tensor::ones(&[256], Dtype::F64).unwrap();
    let raw = t.into_raw();
    assert!(live() > base);
    let back = unsafe { Tensor::from_raw(raw) }.unwrap();
    assert_eq!(back.item_at(255).unwrap(), 1.0);
    // A C-side retain is one more reference: the Rust handle's drop does not free it, the C release does.
    assert_eq!(unsafe { sys::tfl_tensor_retain(raw) }, sys::TFL_OK);
    drop(back);
    assert!(live() > base);
    unsafe { sys::tfl_tensor_release(raw) };
    assert_eq!(live(), base);
    assert!(unsafe { Tensor::from_raw(std::ptr::null_mut()) }.is_none());

    // Arrays of handles: each piece is its own reference (views of the parent's storage).
    let parent = Tensor::full(&[6, 50], 2.0, Dtype::F32).unwrap();
    let pieces = parent.split(&[1, 2, 3], 0).unwrap();
    assert_eq!(pieces.len(), 3);
    assert_eq!(pieces[2].dims().unwrap(), vec![3, 50]);
    drop(parent);
    assert!(live() > base, "views keep the storage alive");
    assert_eq!(pieces[0].item_at(49).unwrap(), 2.0);
    drop(pieces);
    assert_eq!(live(), base);

    // Out arrays filled by the caller (tape gradients) hand over one reference per slot.
    let w = Tensor::full(&[100], 3.0, Dtype::F32).unwrap();
    w.set_requires_grad(true).unwrap();
    {
        let tape = Tape::create(false).unwrap();
        let tape2 = tape.clone();
        let loss = (&w * &w).sum().unwrap();
        drop(tape2);
        let mut grads = vec![None, None];
        let other = Tensor::zeros(&[1], Dtype::F32).unwrap();
        other.set_requires_grad(true).unwrap();
        tape.gradient(&mut grads, &loss, &[&w, &other], false, None).unwrap();
        let g = grads[0].take().unwrap();
        assert_eq!(g.item_at(0).unwrap(), 6.0);
        assert!(grads[1].is_none(), "loss does not depend on `other`");
        tape.stop().unwrap();
    }
    drop(w);
    assert_eq!(live(), base);
}
