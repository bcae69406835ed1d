// The hand-written helpers of lib.rs: Module::parameters / named_parameters / call / sequential, and
// Tensor::hook, whose guard frees the closure. Expected values are worked out by hand in the comments.
use std::cell::Cell;
use std::rc::Rc;
use tenflowers::{nn_linear_create, nn_relu_create, optim_sgd_create, Dtype, ErrorKind, Module, Tensor};

#[test]
fn sequential_lists_its_parameters_by_name() {
    let l1 = nn_linear_create(3, 4, true, Dtype::F32).unwrap();
    let relu = nn_relu_create().unwrap();
    let l2 = nn_linear_create(4, 2, false, Dtype::F32).unwrap();
    let seq = Module::sequential(&[&l1, &relu, &l2]).unwrap();
    assert_eq!(seq.children_size().unwrap(), 3);
    let named = seq.named_parameters().unwrap();
    let names: Vec<&str> = named.iter().map(|(n, _)| n.as_str()).collect();
    assert_eq!(names, vec!["0.weight", "0.bias", "2.weight"]);
    assert_eq!(named[0].1.dims().unwrap(), vec![4, 3]);
    assert_eq!(named[1].1.dims().unwrap(), vec![4]);
    assert_eq!(named[2].1.dims().unwrap(), vec![2, 4]);
    assert_eq!(seq.parameters().unwrap().len(), 3);
    assert!(Module::sequential(&[]).unwrap().parameters().unwrap().is_empty());
    // One input of the wrong width: the library's shape error comes back.
    let x = Tensor::from_slice(&[1.0f32, 2.0], &[1, 2]).unwrap();
    assert_eq!(seq.call(&x).unwrap_err().kind(), ErrorKind::Shape);
}

#[test]
fn an_optimizer_over_parameters_updates_the_module() {
    let lin = nn_linear_create(1, 1, true, Dtype::F32).unwrap();
    let model = Module::sequential(&[&lin]).unwrap();
    let w = Tensor::from_slice(&[2.0f32], &[1, 1]).unwrap();
    let b = Tensor::from_slice(&[1.0f32], &[1]).unwrap();
    assert_eq!(model.load_state_dict_entries(&[("0.weight", &w), ("0.bias", &b)], true).unwrap(), (0, 0));
    // Unknown names fail under strict and are counted otherwise.
    assert!(model.load_state_dict_entries(&[("nope", &w)], true).is_err());
    assert_eq!(model.load_state_dict_entries(&[("0.bias", &b), ("nope", &w)], false).unwrap(), (1, 1));
    let x = Tensor::from_slice(&[3.0f32], &[1, 1]).unwrap();
    // y = 2 * 3 + 1 = 7
    assert_eq!(model.call(&x).unwrap().item().unwrap(), 7.0);
    let params = model.parameters().unwrap();
    let refs: Vec<&Tensor> = params.iter().collect();
    let sgd = optim_sgd_create(&refs, 0.1, 0.0, 0.0, 0.0, false).unwrap();
    sgd.zero_grad(true).unwrap();
    model.call(&x).unwrap().sum().unwrap().backward(None, false, false).unwrap();
    sgd.step().unwrap();
    // dy/dw = 3, dy/db = 1: w = 1.7, b = 0.9, y = 1.7 * 3 + 0.9 = 6.0
    assert!((model.call(&x).unwrap().item().unwrap() - 6.0).abs() < 1e-5);
}

fn leaf(v: f32) -> Tensor {
    let t = Tensor::from_slice(&[v], &[1]).unwrap();
    t.set_requires_grad(true).unwrap();
    t
}

#[test]
fn hook_guard_runs_the_closure_and_frees_it_on_drop() {
    let w = leaf(1.0);
    let token = Rc::new(Cell::new(0));
    let seen = token.clone();
    let hook = w
        .hook(move |g| {
            seen.set(seen.get() + 1);
            Ok(Some(&*g * 10.0))
        })
        .unwrap();
    assert!(hook.id() != 0);
    // d(3w)/dw = 3, replaced by 30 in the hook.
    (&w * 3.0).sum().unwrap().backward(None, false, false).unwrap();
    assert_eq!(w.grad().unwrap().item().unwrap(), 30.0);
    assert_eq!(token.get(), 1);
    assert_eq!(Rc::strong_count(&token), 2, "the guard holds the closure");
    drop(hook);
    assert_eq!(Rc::strong_count(&token), 1, "dropping the guard freed the closure");
    // The hook is gone: the next pass accumulates the plain gradient 3 (30 + 3).
    (&w * 3.0).sum().unwrap().backward(None, false, false).unwrap();
    assert_eq!(w.grad().unwrap().item().unwrap(), 33.0);
    assert_eq!(token.get(), 1);
}

#[test]
fn hook_guard_remove_reports_and_frees() {
    let w = leaf(1.0);
    let token = Rc::new(());
    let held = token.clone();
    let hook = w
        .hook(move |_| {
            let _ = &held;
            Ok(None)
        })
        .unwrap();
    hook.remove().unwrap();
    assert_eq!(Rc::strong_count(&token), 1);

    // The tensor dies first: removing then fails (the library dropped the hook with it), the closure is
    // freed all the same.
    let v = leaf(2.0);
    let held = token.clone();
    let hook = v
        .hook(move |_| {
            let _ = &held;
            Ok(None)
        })
        .unwrap();
    drop(v);
    assert!(hook.remove().is_err());
    assert_eq!(Rc::strong_count(&token), 1);

    // Registering on a tensor without requires_grad fails and frees the closure.
    let plain = Tensor::ones(&[1], Dtype::F32).unwrap();
    let held = token.clone();
    let e = plain.hook(move |_| {
        let _ = &held;
        Ok(None)
    });
    assert_eq!(e.err().unwrap().kind(), ErrorKind::Gradient);
    assert_eq!(Rc::strong_count(&token), 1);
}

#[test]
fn hook_errors_and_panics_come_back_from_backward() {
    let w = leaf(1.0);
    let _h = w.hook(|_| Err(tenflowers::Error::new(ErrorKind::Io, "the hook could not log"))).unwrap();
    let e = (&w * 3.0).sum().unwrap().backward(None, false, false).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Io);
    assert!(e.message().contains("the hook could not log"), "{}", e.message());
    let v = leaf(1.0);
    let _h2 = v.hook(|_| panic!("boom in a guarded hook")).unwrap();
    let e = (&v * 3.0).sum().unwrap().backward(None, false, false).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Internal);
    assert!(e.message().contains("boom in a guarded hook"), "{}", e.message());
}
