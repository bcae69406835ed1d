// Errors: every status code has its ErrorKind, and failures carry the kind and the library's message.
use tenflowers::{status_name, sys, Dtype, ErrorKind, Tensor};

#[test]
fn kinds_match_the_status_codes() {
    let kinds = [
        (sys::TFL_ERR_INVALID_ARGUMENT, ErrorKind::InvalidArgument),
        (sys::TFL_ERR_SHAPE, ErrorKind::Shape),
        (sys::TFL_ERR_DTYPE, ErrorKind::Dtype),
        (sys::TFL_ERR_DEVICE, ErrorKind::Device),
        (sys::TFL_ERR_OUT_OF_MEMORY, ErrorKind::OutOfMemory),
        (sys::TFL_ERR_INDEX, ErrorKind::Index),
        (sys::TFL_ERR_NOT_IMPLEMENTED, ErrorKind::NotImplemented),
        (sys::TFL_ERR_IO, ErrorKind::Io),
        (sys::TFL_ERR_INTERNAL, ErrorKind::Internal),
    ];
    for (code, kind) in kinds {
        assert_eq!(ErrorKind::from_sys(code), Some(kind));
        assert_eq!(kind.to_sys(), code);
        // The library's own name for the code is the variant's C name.
        assert_eq!(status_name(kind), kind.name());
    }
    assert_eq!(ErrorKind::from_sys(sys::TFL_OK), None);
    assert_eq!(ErrorKind::from_sys(sys::tfl_status(1000)), Some(ErrorKind::Unknown(1000)));
}

#[test]
fn failures_carry_kind_and_message() {
    let t = Tensor::zeros(&[2, 3], Dtype::F32).unwrap();

    let e = t.reshape(&[4, 2]).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Shape);
    assert!(e.message().contains("reshape"), "{}", e.message());
    assert!(e.to_string().starts_with("TFL_ERR_SHAPE: "), "{e}");

    let e = t.item_at(6).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Index);
    assert!(!e.message().is_empty());

    let e = Tensor::zeros(&[-1], Dtype::F32).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Shape);

    let a = Tensor::ones(&[2, 3], Dtype::F32).unwrap();
    let b = Tensor::ones(&[4, 5], Dtype::F32).unwrap();
    let e = a.matmul(&b).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Shape);
    assert!(e.message().contains("2x3") || e.message().contains("[2, 3]") || e.message().contains("(2, 3)"), "{}", e.message());

    // Checks made on the Rust side use the same kinds.
    let e = t.to_vec::<i64>().unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Dtype);
    let e = t.item().unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Shape);

    // Slices that share one C length must agree.
    let data = [1.0f32; 4];
    let e = unsafe {
        Tensor::from_external(
            data.as_ptr() as *mut _,
            &[4],
            Some(&[1, 1]),
            Dtype::F32,
            None,
            std::ptr::null_mut(),
        )
    }
    .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::InvalidArgument);
    assert!(e.message().contains("strides"), "{}", e.message());
}

#[test]
#[should_panic(expected = "TFL_ERR_SHAPE")]
fn operators_panic_with_the_error() {
    let a = Tensor::ones(&[2], Dtype::F32).unwrap();
    let b = Tensor::ones(&[3], Dtype::F32).unwrap();
    let _ = &a + &b;
}

#[test]
fn version_matches_the_generated_declarations() {
    assert_eq!(tenflowers::version(), sys::VERSION);
}
