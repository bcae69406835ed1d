// Gives the example an rpath to the libtenflowers the binding crate linked (it exports its directory as
// DEP_TENFLOWERS_LIB_DIR through `links = "tenflowers"`), so it runs without LD_LIBRARY_PATH.
fn main() {
    if let Ok(dir) = std::env::var("DEP_TENFLOWERS_LIB_DIR") {
        println!("cargo:rustc-link-arg=-Wl,-rpath,{dir}");
    }
}
