// Finds libtenflowers: TENFLOWERS_LIB_DIR (a build or install lib directory) first, then pkg-config
// (the tenflowers.pc that `cmake --install` writes). The test binaries get an rpath to it.
use std::env;
use std::path::PathBuf;
use std::process::Command;

fn from_pkg_config() -> Option<PathBuf> {
    let out = Command::new("pkg-config").args(["--variable=libdir", "tenflowers"]).output().ok()?;
    if !out.status.success() {
        return None;
    }
    let dir = String::from_utf8(out.stdout).ok()?.trim().to_string();
    if dir.is_empty() {
        None
    } else {
        Some(PathBuf::from(dir))
    }
}

fn main() {
    println!("cargo:rerun-if-env-changed=TENFLOWERS_LIB_DIR");
    println!("cargo:rerun-if-env-changed=PKG_CONFIG_PATH");
    let dir = match env::var_os("TENFLOWERS_LIB_DIR") {
        Some(d) => PathBuf::from(d),
        None => from_pkg_config().unwrap_or_else(|| {
            panic!(
                "tenflowers: libtenflowers not found; set TENFLOWERS_LIB_DIR to the directory holding \
                 libtenflowers.so (the CMake build directory) or make `pkg-config tenflowers` work"
            )
        }),
    };
    let found = ["libtenflowers.so", "libtenflowers.dylib"].iter().any(|n| dir.join(n).exists());
    if !found {
        panic!("tenflowers: no libtenflowers.so in {}", dir.display());
    }
    println!("cargo:rustc-link-search=native={}", dir.display());
    println!("cargo:rustc-link-lib=dylib=tenflowers");
    // Tests and examples run without LD_LIBRARY_PATH.
    println!("cargo:rustc-link-arg=-Wl,-rpath,{}", dir.display());
    println!("cargo:lib_dir={}", dir.display());
}
