// The training error classes (issue 9) provoked for real through the Rust binding, each with its
// ErrorKind; plus .npy files, the Dataloader and the numerical check mode.
use tenflowers::{
    data_load_npy, data_save_npy, nn_linear_create, numerical_check_enabled, numerical_check_set_enabled,
    optim_adam_create, sys, Dataloader, Dtype, ErrorKind, Tensor,
};

#[test]
fn kinds_of_the_new_status_codes() {
    let kinds = [
        (sys::TFL_ERR_GRADIENT, ErrorKind::Gradient),
        (sys::TFL_ERR_NUMERICAL, ErrorKind::Numerical),
        (sys::TFL_ERR_TENSOR_OP, ErrorKind::TensorOp),
        (sys::TFL_ERR_LAYER_CONFIG, ErrorKind::LayerConfig),
        (sys::TFL_ERR_OPTIMIZER, ErrorKind::Optimizer),
        (sys::TFL_ERR_SERIALIZATION, ErrorKind::Serialization),
        (sys::TFL_ERR_DATA_LOADING, ErrorKind::DataLoading),
        (sys::TFL_ERR_CHECKPOINT, ErrorKind::Checkpoint),
    ];
    for (code, kind) in kinds {
        assert_eq!(ErrorKind::from_sys(code), Some(kind));
        assert_eq!(kind.to_sys(), code);
    }
}

#[test]
fn real_failures_have_the_new_kinds() {
    let x = Tensor::from_slice(&[1.0f32, 2.0], &[2]).unwrap();
    let e = x.sum().unwrap().backward(None, false, false).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Gradient);
    assert!(e.message().contains("does not require grad"), "{}", e.message());

    let empty = Tensor::zeros(&[0, 3], Dtype::F32).unwrap();
    let e = empty.max().unwrap_err();
    assert_eq!(e.kind(), ErrorKind::TensorOp);

    let e = nn_linear_create(-1, 2, true, Dtype::F32).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::LayerConfig);
    assert!(e.message().contains("in_features"), "{}", e.message());

    let p = Tensor::from_slice(&[1.0f64, 2.0], &[2]).unwrap();
    p.set_requires_grad(true).unwrap();
    let e = optim_adam_create(&[&p], 0.1, 1.0, 0.999, 1e-8, 0.0, false).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Optimizer);

    let path = std::env::temp_dir().join("tfl_rust_error_classes.safetensors");
    std::fs::write(&path, b"\x05\x00\x00\x00\x00\x00\x00\x00{oops").unwrap();
    let adam = optim_adam_create(&[&p], 0.1, 0.9, 0.999, 1e-8, 0.0, false).unwrap();
    let e = adam.state_load(path.to_str().unwrap()).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Serialization);
    std::fs::remove_file(&path).unwrap();
    assert_eq!(adam.state_load(path.to_str().unwrap()).unwrap_err().kind(), ErrorKind::Io);

    let lin = nn_linear_create(2, 3, false, Dtype::F32).unwrap();
    let w = Tensor::zeros(&[4, 2], Dtype::F32).unwrap();
    let e = lin.load_state_dict(&["weight"], &[&w], true).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Checkpoint);

    let neg = Tensor::from_slice(&[-1.0f32, 4.0], &[2]).unwrap();
    numerical_check_set_enabled(true).unwrap();
    assert!(numerical_check_enabled().unwrap());
    let e = neg.sqrt().unwrap_err();
    numerical_check_set_enabled(false).unwrap();
    assert_eq!(e.kind(), ErrorKind::Numerical);
    assert!(e.message().contains("'sqrt'"), "{}", e.message());

    let y = Tensor::from_slice(&[1i64, 2, 3], &[3]).unwrap();
    let e = Dataloader::create(&[&x, &y], 2, false, 0, false).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::DataLoading);
    let npy = std::env::temp_dir().join("tfl_rust_error_classes_missing.npy");
    assert_eq!(data_load_npy(npy.to_str().unwrap()).unwrap_err().kind(), ErrorKind::Io);
    std::fs::write(&npy, b"\x93NUMPY\x01\x00\x10\x00{'descr'").unwrap();
    assert_eq!(data_load_npy(npy.to_str().unwrap()).unwrap_err().kind(), ErrorKind::DataLoading);
    std::fs::remove_file(&npy).unwrap();
}

#[test]
fn npy_round_trip_and_dataloader() {
    let x = Tensor::from_slice(&[0.0f32, 1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0, 9.0], &[5, 2]).unwrap();
    let path = std::env::temp_dir().join("tfl_rust_error_classes_rt.npy");
    data_save_npy(path.to_str().unwrap(), &x).unwrap();
    let back = data_load_npy(path.to_str().unwrap()).unwrap();
    assert_eq!(back.to_vec::<f32>().unwrap(), x.to_vec::<f32>().unwrap());
    std::fs::remove_file(&path).unwrap();

    let loader = Dataloader::create(&[&x], 2, false, 0, true).unwrap();
    assert_eq!(loader.len().unwrap(), 2);
    let mut rows = Vec::new();
    loop {
        let batch = loader.next().unwrap();
        if batch.is_empty() {
            break;
        }
        assert_eq!(batch.len(), 1);
        rows.extend(batch[0].to_vec::<f32>().unwrap());
    }
    assert_eq!(rows, vec![0.0, 1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0]);
    loader.reset().unwrap();
    assert_eq!(loader.next().unwrap().len(), 1);
}
