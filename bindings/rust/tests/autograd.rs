// Ops and autograd end to end: operators, backward, GradientTape, hooks (closures) and their failures.
use std::cell::Cell;
use std::rc::Rc;
use tenflowers::{hook_remove, Dtype, ErrorKind, GradientTape, Tensor};

#[test]
fn operators_compute_elementwise() {
    let a = Tensor::from_slice(&[1.0f32, 2.0, 3.0, 4.0], &[2, 2]).unwrap();
    let b = Tensor::from_slice(&[0.5f32, -1.0, 2.0, 8.0], &[2, 2]).unwrap();
    assert_eq!((&a + &b).to_vec::<f32>().unwrap(), vec![1.5, 1.0, 5.0, 12.0]);
    assert_eq!((&a - &b).to_vec::<f32>().unwrap(), vec![0.5, 3.0, 1.0, -4.0]);
    assert_eq!((&a * &b).to_vec::<f32>().unwrap(), vec![0.5, -2.0, 6.0, 32.0]);
    assert_eq!((&a / &b).to_vec::<f32>().unwrap(), vec![2.0, -2.0, 1.5, 0.5]);
    assert_eq!((-&a).to_vec::<f32>().unwrap(), vec![-1.0, -2.0, -3.0, -4.0]);
    assert_eq!((&a * 2.0).to_vec::<f32>().unwrap(), vec![2.0, 4.0, 6.0, 8.0]);
    // [[1,2],[3,4]] @ [[0.5,-1],[2,8]] = [[4.5,15],[9.5,29]] (by hand).
    assert_eq!(a.matmul(&b).unwrap().to_vec::<f32>().unwrap(), vec![4.5, 15.0, 9.5, 29.0]);
    assert_eq!(a.sum().unwrap().item().unwrap(), 10.0);
    assert_eq!(a.dims().unwrap(), vec![2, 2]);
    assert_eq!(a.transpose(0, 1).unwrap().contiguous().unwrap().to_vec::<f32>().unwrap(), vec![1.0, 3.0, 2.0, 4.0]);
    let (device, index) = a.device().unwrap();
    assert_eq!((device, index), (tenflowers::DeviceType::Cpu, 0));
    assert_eq!(a.dtype().unwrap(), Dtype::F32);
}

// Loss mean((x*w + b - y)^2) over a fixed data set; y = 3x + 2 exactly.
fn data() -> (Vec<f32>, Vec<f32>) {
    let x: Vec<f32> = (0..8).map(|i| i as f32 / 4.0 - 1.0).collect();
    let y = x.iter().map(|v| 3.0 * v + 2.0).collect();
    (x, y)
}

fn leaf(v: f32) -> Tensor {
    let t = Tensor::from_slice(&[v], &[1, 1]).unwrap();
    t.set_requires_grad(true).unwrap();
    t
}

fn loss(x: &Tensor, y: &Tensor, w: &Tensor, b: &Tensor) -> Tensor {
    let pred = &x.matmul(w).unwrap() + b;
    (&pred - y).square().unwrap().mean().unwrap()
}

#[test]
fn backward_gives_the_closed_form_gradient() {
    let (xs, ys) = data();
    let x = Tensor::from_slice(&xs, &[8, 1]).unwrap();
    let y = Tensor::from_slice(&ys, &[8, 1]).unwrap();
    let (w, b) = (leaf(0.5), leaf(-0.25));
    loss(&x, &y, &w, &b).backward(None, false, false).unwrap();
    // d/dw = 2/N sum(r x), d/db = 2/N sum(r) with r = x w + b - y (naive loop).
    let (mut gw, mut gb) = (0.0f64, 0.0f64);
    for (xi, yi) in xs.iter().zip(&ys) {
        let r = (*xi as f64) * 0.5 - 0.25 - *yi as f64;
        gw += 2.0 * r * *xi as f64 / 8.0;
        gb += 2.0 * r / 8.0;
    }
    assert!((w.grad().unwrap().item().unwrap() - gw).abs() < 1e-5);
    assert!((b.grad().unwrap().item().unwrap() - gb).abs() < 1e-5);
}

#[test]
fn linear_regression_converges_with_backward_and_with_a_tape() {
    let (xs, ys) = data();
    let x = Tensor::from_slice(&xs, &[8, 1]).unwrap();
    let y = Tensor::from_slice(&ys, &[8, 1]).unwrap();
    for use_tape in [false, true] {
        let (mut w, mut b) = (leaf(0.0), leaf(0.0));
        let mut losses = Vec::new();
        for _ in 0..300 {
            let (gw, gb, l) = if use_tape {
                let tape = GradientTape::new().unwrap();
                let l = loss(&x, &y, &w, &b);
                let g = tape.gradient(&l, &[&w, &b]).unwrap();
                let mut g = g.into_iter().map(|g| g.expect("both parameters are used"));
                (g.next().unwrap(), g.next().unwrap(), l)
            } else {
                let l = loss(&x, &y, &w, &b);
                l.backward(None, false, false).unwrap();
                (w.grad().unwrap(), b.grad().unwrap(), l)
            };
            losses.push(l.item().unwrap());
            // A fresh leaf per step: the update itself is not recorded.
            w = &w.detach().unwrap() - &(&gw * 0.2);
            b = &b.detach().unwrap() - &(&gb * 0.2);
            w.set_requires_grad(true).unwrap();
            b.set_requires_grad(true).unwrap();
        }
        assert!(losses[299] < losses[0] * 1e-4, "loss {} -> {}", losses[0], losses[299]);
        assert!((w.item().unwrap() - 3.0).abs() < 1e-2, "w = {}", w.item().unwrap());
        assert!((b.item().unwrap() - 2.0).abs() < 1e-2, "b = {}", b.item().unwrap());
    }
}

#[test]
fn hooks_see_and_replace_gradients() {
    let w = leaf(2.0);
    let calls = Rc::new(Cell::new(0));
    let seen = calls.clone();
    let id = w
        .register_hook(move |g| {
            seen.set(seen.get() + 1);
            assert_eq!(g.item().unwrap(), 4.0); // d(w^2)/dw at 2
            Ok(Some(g * 10.0))
        })
        .unwrap();
    (&w * &w).sum().unwrap().backward(None, false, false).unwrap();
    assert_eq!(calls.get(), 1);
    assert_eq!(w.grad().unwrap().item().unwrap(), 40.0);

    // After removal the hook no longer runs: the gradient accumulates plainly (40 + 4).
    hook_remove(id).unwrap();
    (&w * &w).sum().unwrap().backward(None, false, false).unwrap();
    assert_eq!(calls.get(), 1);
    assert_eq!(w.grad().unwrap().item().unwrap(), 44.0);
}

#[test]
fn hook_errors_and_panics_become_statuses() {
    let w = leaf(1.0);
    w.register_hook(|_| Err(tenflowers::Error::new(ErrorKind::Io, "the hook could not log"))).unwrap();
    let e = (&w * 3.0).sum().unwrap().backward(None, false, false).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Io);
    assert!(e.message().contains("the hook could not log"), "{}", e.message());

    let v = leaf(1.0);
    v.register_hook(|_| panic!("boom in a hook")).unwrap();
    let e = (&v * 3.0).sum().unwrap().backward(None, false, false).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Internal);
    assert!(e.message().contains("boom in a hook"), "{}", e.message());

    // Registering on a tensor that does not require grad fails, and the closure is dropped.
    let plain = Tensor::ones(&[1], Dtype::F32).unwrap();
    let token = Rc::new(());
    let held = token.clone();
    let e = plain.register_hook(move |_| {
        let _ = &held;
        Ok(None)
    });
    assert_eq!(e.unwrap_err().kind(), ErrorKind::Gradient);
    assert_eq!(Rc::strong_count(&token), 1, "the closure was freed");
}

#[test]
fn graph_dot_names_the_ops() {
    let w = leaf(1.0);
    let l = (&w * &w).sum().unwrap();
    let dot = l.graph_dot().unwrap();
    assert!(dot.starts_with("digraph"), "{dot}");
    assert!(dot.contains("mul") && dot.contains("sum"), "{dot}");
}
