// Ownership of the nn handles (Module, Optimizer, Scheduler, Safetensors): Clone shares, Drop releases,
// objects that keep references (optimizer -> parameters, scheduler -> optimizer) keep them alive, and
// nothing leaks. One test function: the allocator counters are process-wide.
use tenflowers::{
    memory_stat, nn_linear_create, optim_sgd_create, sched_step_create, Dtype, MemoryCounter, Safetensors, Tensor,
};

fn live() -> i64 {
    memory_stat(MemoryCounter::LiveBytes).unwrap()
}

#[test]
fn nn_handles_clone_share_drop_release_and_nothing_leaks() {
    let base = live();

    // Module: Linear(100, 100) holds 100*100 + 100 f32 = 40400 bytes of parameters.
    let lin = nn_linear_create(100, 100, true, Dtype::F32).unwrap();
    let with_module = live();
    assert!(with_module - base >= 40400, "live bytes grew by {}", with_module - base);
    let lin2 = lin.clone();
    assert_eq!(live(), with_module, "a clone is a reference, not a copy");
    assert_eq!(lin.as_ptr(), lin2.as_ptr());
    lin2.eval().unwrap();
    assert!(!lin.is_training().unwrap(), "both handles are the same module");
    drop(lin);
    assert_eq!(live(), with_module);
    assert_eq!(lin2.parameter_count(true).unwrap(), 10100);
    // A child handle of a container shares the module too.
    let seq = tenflowers::nn_sequential_create().unwrap();
    tenflowers::nn_sequential_append(&seq, &lin2).unwrap();
    let child = seq.child("0").unwrap();
    drop(lin2);
    assert_eq!(live(), with_module, "the Sequential keeps the Linear");
    assert_eq!(child.type_name().unwrap(), "Linear");
    drop(seq);
    assert_eq!(live(), with_module, "the child handle keeps the Linear");

    // Optimizer: holds a reference to each parameter, so they outlive the module.
    let w = child.parameter("weight").unwrap();
    let b = child.parameter("bias").unwrap();
    let opt = optim_sgd_create(&[&w, &b], 0.1, 0.9, 0.0, 0.0, false).unwrap();
    drop((w, b));
    drop(child);
    assert!(live() - base >= 40400, "the optimizer keeps the parameters alive");
    let opt2 = opt.clone();
    assert_eq!(opt.as_ptr(), opt2.as_ptr());
    opt2.set_lr(0.25).unwrap();
    assert_eq!(opt.lr().unwrap(), 0.25);
    drop(opt2);

    // Scheduler: keeps a reference to its optimizer.
    let sched = sched_step_create(&opt, 1, 0.5).unwrap();
    let sched2 = sched.clone();
    drop(opt);
    assert!(live() - base >= 40400, "the scheduler keeps the optimizer (and its parameters)");
    sched2.step().unwrap();
    assert_eq!(sched.last_lr().unwrap(), 0.125);
    drop(sched);
    assert!(live() > base);
    drop(sched2);
    assert_eq!(live(), base, "the last scheduler reference frees optimizer and parameters");

    // Safetensors: tensors read from a file stay valid after the file handle is dropped.
    let path = std::env::temp_dir().join(format!("tfl_rust_own_{}.safetensors", std::process::id()));
    let path = path.to_str().unwrap();
    {
        let t = Tensor::full(&[1000], 2.5, Dtype::F64).unwrap();
        Safetensors::save(path, &["t"], &[&t], None, None).unwrap();
    }
    assert_eq!(live(), base);
    let file = Safetensors::from_file(path).unwrap();
    let file2 = file.clone();
    assert_eq!(file.as_ptr(), file2.as_ptr());
    drop(file);
    let t = file2.tensor_by_name("t").unwrap();
    drop(file2);
    assert_eq!(t.item_at(999).unwrap(), 2.5);
    drop(t);
    assert_eq!(live(), base);
    std::fs::remove_file(path).unwrap();

    // into_raw / from_raw hand a module reference across the boundary and back exactly once.
    let m = nn_linear_create(10, 10, false, Dtype::F64).unwrap();
    let raw = m.into_raw();
    assert!(live() > base);
    let back = unsafe { tenflowers::Module::from_raw(raw) }.unwrap();
    drop(back);
    assert_eq!(live(), base);
}
