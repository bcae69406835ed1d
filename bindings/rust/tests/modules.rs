// nn modules through the crate: a Linear layer, forward pre-hooks / forward hooks / backward hooks as
// closures (replacing inputs, outputs and input gradients, failing with Err), safetensors with names.
// Expected values are worked out by hand from W = [[1,2,3],[4,5,6]], b = [0.5,-0.5].
use std::cell::RefCell;
use std::rc::Rc;
use tenflowers::{hook_remove, nn_linear_create, Dtype, Error, ErrorKind, Module, Safetensors, Tensor};

fn linear() -> Module {
    let lin = nn_linear_create(3, 2, true, Dtype::F32).unwrap();
    let w = Tensor::from_slice(&[1.0f32, 2.0, 3.0, 4.0, 5.0, 6.0], &[2, 3]).unwrap();
    let b = Tensor::from_slice(&[0.5f32, -0.5], &[2]).unwrap();
    let (missing, unexpected) = lin.load_state_dict(&["weight", "bias"], &[&w, &b], true).unwrap();
    assert_eq!((missing, unexpected), (0, 0));
    lin
}

fn ones_input() -> Tensor {
    Tensor::from_slice(&[1.0f32, 1.0, 1.0], &[1, 3]).unwrap()
}

#[test]
fn linear_created_through_the_crate_computes_xw_t_plus_b() {
    let lin = linear();
    assert_eq!(lin.type_name().unwrap(), "Linear");
    assert_eq!(lin.parameter_count(true).unwrap(), 8);
    assert_eq!(lin.parameter("weight").unwrap().dims().unwrap(), vec![2, 3]);
    // x = [1, 2, -1]: [1+4-3+0.5, 4+10-6-0.5] = [2.5, 7.5].
    let x = Tensor::from_slice(&[1.0f32, 2.0, -1.0], &[1, 3]).unwrap();
    assert_eq!(lin.forward(&[&x]).unwrap().to_vec::<f32>().unwrap(), vec![2.5, 7.5]);
    // The names and the tensors must pair up: lengths are checked before the call.
    let w = lin.parameter("weight").unwrap();
    let e = lin.load_state_dict(&["weight", "bias"], &[&w], true).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::InvalidArgument);
    assert!(e.message().contains("as many elements"), "{}", e.message());
    let e = lin.load_state_dict(&["wei\0ght"], &[&w], false).unwrap_err();
    assert!(e.message().contains("NUL"), "{}", e.message());
    // An unknown name is reported by the library under strict loading.
    let e = lin.load_state_dict(&["nope"], &[&w], true).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Checkpoint);
}

#[test]
fn forward_hook_closure_replaces_the_output() {
    let lin = linear();
    let seen = Rc::new(RefCell::new(Vec::new()));
    let seen2 = seen.clone();
    let id = lin
        .register_forward_hook(move |inputs: &[Option<Tensor>], output: &Tensor| {
            seen2.borrow_mut().push((inputs.len(), inputs[0].as_ref().unwrap().to_vec::<f32>()?));
            Ok(Some(output.mul_scalar(2.0)?))
        })
        .unwrap();
    // Without the hook [6.5, 14.5]; doubled by it.
    assert_eq!(lin.forward(&[&ones_input()]).unwrap().to_vec::<f32>().unwrap(), vec![13.0, 29.0]);
    assert_eq!(*seen.borrow(), vec![(1, vec![1.0, 1.0, 1.0])]);
    hook_remove(id).unwrap();
    assert_eq!(lin.forward(&[&ones_input()]).unwrap().to_vec::<f32>().unwrap(), vec![6.5, 14.5]);
    // A hook returning None keeps the output.
    lin.register_forward_hook(|_: &[Option<Tensor>], _: &Tensor| Ok(None)).unwrap();
    assert_eq!(lin.forward(&[&ones_input()]).unwrap().to_vec::<f32>().unwrap(), vec![6.5, 14.5]);
}

#[test]
fn forward_pre_hook_closure_replaces_an_input() {
    let lin = linear();
    lin.register_forward_pre_hook(|inputs: &[Option<Tensor>]| {
        assert_eq!(inputs.len(), 1);
        // Replace x by 2x: [1,1,1] -> [2,2,2] gives [12.5, 29.5].
        Ok(vec![Some(inputs[0].as_ref().unwrap().mul_scalar(2.0)?)])
    })
    .unwrap();
    assert_eq!(lin.forward(&[&ones_input()]).unwrap().to_vec::<f32>().unwrap(), vec![12.5, 29.5]);
    // An empty Vec (or None entries) keeps the inputs; later pre-hooks see the replaced ones.
    let seen = Rc::new(RefCell::new(Vec::new()));
    let seen2 = seen.clone();
    lin.register_forward_pre_hook(move |inputs: &[Option<Tensor>]| {
        seen2.borrow_mut().push(inputs[0].as_ref().unwrap().to_vec::<f32>()?);
        Ok(vec![None])
    })
    .unwrap();
    lin.register_forward_pre_hook(|_: &[Option<Tensor>]| Ok(Vec::new())).unwrap();
    assert_eq!(lin.forward(&[&ones_input()]).unwrap().to_vec::<f32>().unwrap(), vec![12.5, 29.5]);
    assert_eq!(*seen.borrow(), vec![vec![2.0f32, 2.0, 2.0]]);
}

#[test]
fn pre_hook_returning_more_replacements_than_inputs_fails_the_call() {
    let lin = linear();
    let x = ones_input();
    lin.register_forward_pre_hook(move |_: &[Option<Tensor>]| Ok(vec![None, Some(ones_input())])).unwrap();
    let e = lin.forward(&[&x]).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::InvalidArgument);
    assert!(e.message().contains("returned 2 replacements for 1 entries"), "{}", e.message());
}

#[test]
fn backward_hook_closure_observes_and_replaces_grad_input() {
    let lin = linear();
    let seen = Rc::new(RefCell::new(Vec::new()));
    let seen2 = seen.clone();
    lin.register_backward_hook(move |grad_input: &[Option<Tensor>], grad_output: &[Option<Tensor>]| {
        let gi = grad_input[0].as_ref().unwrap();
        let go = grad_output[0].as_ref().unwrap();
        seen2.borrow_mut().push((grad_input.len(), gi.to_vec::<f32>()?, go.to_vec::<f32>()?));
        Ok(vec![Some(gi.mul_scalar(10.0)?)])
    })
    .unwrap();
    let x = ones_input();
    x.set_requires_grad(true).unwrap();
    let y = lin.forward(&[&x]).unwrap();
    y.sum().unwrap().backward(None, false, false).unwrap();
    // d sum(xW^T + b)/dx = column sums of W = [5, 7, 9]; grad_output is ones of y's shape.
    assert_eq!(*seen.borrow(), vec![(1, vec![5.0f32, 7.0, 9.0], vec![1.0f32, 1.0])]);
    assert_eq!(x.grad().unwrap().to_vec::<f32>().unwrap(), vec![50.0, 70.0, 90.0]);
    // The parameters' gradients are not the hook's business: d/dW = outer(ones, x).
    assert_eq!(lin.parameter("weight").unwrap().grad().unwrap().to_vec::<f32>().unwrap(), vec![1.0; 6]);
}

#[test]
fn hook_errors_and_panics_propagate_to_the_call() {
    let lin = linear();
    let id = lin
        .register_forward_hook(|_: &[Option<Tensor>], _: &Tensor| {
            Err(Error::new(ErrorKind::InvalidArgument, "output rejected by the hook"))
        })
        .unwrap();
    let e = lin.forward(&[&ones_input()]).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::InvalidArgument);
    assert!(e.message().contains("output rejected by the hook"), "{}", e.message());
    hook_remove(id).unwrap();

    let id = lin
        .register_forward_pre_hook(|_: &[Option<Tensor>]| -> tenflowers::Result<Vec<Option<Tensor>>> { panic!("pre-hook exploded") })
        .unwrap();
    let e = lin.forward(&[&ones_input()]).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Internal);
    assert!(e.message().contains("pre-hook exploded"), "{}", e.message());
    hook_remove(id).unwrap();

    lin.register_backward_hook(|_: &[Option<Tensor>], _: &[Option<Tensor>]| {
        Err(Error::new(ErrorKind::Shape, "gradient refused"))
    })
    .unwrap();
    let x = ones_input();
    x.set_requires_grad(true).unwrap();
    let y = lin.forward(&[&x]).unwrap();
    let e = y.sum().unwrap().backward(None, false, false).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Shape);
    assert!(e.message().contains("gradient refused"), "{}", e.message());
}

#[test]
fn safetensors_round_trip_with_names_and_metadata() {
    let dir = std::env::temp_dir().join(format!("tfl_rust_st_{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("pair.safetensors");
    let path = path.to_str().unwrap();
    let a = Tensor::from_slice(&[1.5f32, -2.0, 3.25, 0.0], &[2, 2]).unwrap();
    let b = Tensor::from_slice(&[7i64, -9, 11], &[3]).unwrap();
    Safetensors::save(path, &["alpha", "beta.x"], &[&a, &b], Some(&["format", "note"]), Some(&["pt", "from rust"])).unwrap();

    let file = Safetensors::from_file(path).unwrap();
    assert_eq!(file.count().unwrap(), 2);
    let mut names: Vec<String> = (0..2).map(|i| file.name(i).unwrap()).collect();
    names.sort();
    assert_eq!(names, vec!["alpha", "beta.x"]);
    let a2 = file.tensor_by_name("alpha").unwrap();
    assert_eq!(a2.dims().unwrap(), vec![2, 2]);
    assert_eq!(a2.to_vec::<f32>().unwrap(), vec![1.5, -2.0, 3.25, 0.0]);
    let b2 = file.tensor_by_name("beta.x").unwrap();
    assert_eq!(b2.dtype().unwrap(), Dtype::I64);
    assert_eq!(b2.to_vec::<i64>().unwrap(), vec![7, -9, 11]);
    assert_eq!(file.metadata("note").unwrap(), "from rust");
    assert_eq!(file.metadata_count().unwrap(), 2);
    assert_eq!(file.tensor_by_name("gamma").unwrap_err().kind(), ErrorKind::InvalidArgument);

    // Without metadata; names and tensors must pair up, metadata keys and values too.
    Safetensors::save(path, &["only"], &[&a], None, None).unwrap();
    assert_eq!(Safetensors::from_file(path).unwrap().count().unwrap(), 1);
    let e = Safetensors::save(path, &["x", "y"], &[&a], None, None).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::InvalidArgument);
    assert!(e.message().contains("'tensors' must have as many elements as 'names'"), "{}", e.message());
    let e = Safetensors::save(path, &["x"], &[&a], Some(&["k"]), Some(&[])).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::InvalidArgument);

    // A module's state dict goes through the same format: load it into a fresh Linear by name.
    let lin = linear();
    let st = dir.join("linear.safetensors");
    lin.state_dict_save(st.to_str().unwrap()).unwrap();
    let file = Safetensors::from_file(st.to_str().unwrap()).unwrap();
    let w = file.tensor_by_name("weight").unwrap();
    let b = file.tensor_by_name("bias").unwrap();
    let fresh = nn_linear_create(3, 2, true, Dtype::F32).unwrap();
    fresh.load_state_dict(&["weight", "bias"], &[&w, &b], true).unwrap();
    assert_eq!(fresh.forward(&[&ones_input()]).unwrap().to_vec::<f32>().unwrap(), vec![6.5, 14.5]);
    std::fs::remove_dir_all(&dir).unwrap();
}
