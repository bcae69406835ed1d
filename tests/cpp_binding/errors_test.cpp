// Exceptions of the C++ binding: one class per tfl_status code under tfl::Error, carrying the code and
// the library's message; exceptions thrown by callbacks come back out of the call that ran them.
#include <catch2/catch.hpp>
#include <tenflowers/tenflowers_extra.hpp>

#include <string>

namespace {

template <class E>
void check_mapping(tfl_status status, tfl::Status code) {
  try {
    tfl::detail::throw_status(status, "the message");
    FAIL("throw_status returned");
  } catch (const E& e) {
    CHECK(e.code() == code);
    CHECK(std::string(e.what()) == "the message");
    const tfl::Error& base = e;  // every class derives from tfl::Error
    CHECK(base.code() == code);
  }
}

}  // namespace

TEST_CASE("each status code has its exception class", "[cpp_binding][errors]") {
  check_mapping<tfl::InvalidArgumentError>(TFL_ERR_INVALID_ARGUMENT, tfl::Status::ErrInvalidArgument);
  check_mapping<tfl::ShapeError>(TFL_ERR_SHAPE, tfl::Status::ErrShape);
  check_mapping<tfl::DtypeError>(TFL_ERR_DTYPE, tfl::Status::ErrDtype);
  check_mapping<tfl::DeviceError>(TFL_ERR_DEVICE, tfl::Status::ErrDevice);
  check_mapping<tfl::OutOfMemoryError>(TFL_ERR_OUT_OF_MEMORY, tfl::Status::ErrOutOfMemory);
  check_mapping<tfl::IndexError>(TFL_ERR_INDEX, tfl::Status::ErrIndex);
  check_mapping<tfl::NotImplementedError>(TFL_ERR_NOT_IMPLEMENTED, tfl::Status::ErrNotImplemented);
  check_mapping<tfl::IoError>(TFL_ERR_IO, tfl::Status::ErrIo);
  check_mapping<tfl::InternalError>(TFL_ERR_INTERNAL, tfl::Status::ErrInternal);
  // A code this binding does not know still throws, as the base class.
  check_mapping<tfl::Error>(static_cast<tfl_status>(1000), static_cast<tfl::Status>(1000));
  CHECK_NOTHROW(tfl::check(TFL_OK));
}

TEST_CASE("library failures throw with the code and the library's message", "[cpp_binding][errors]") {
  tfl::Tensor a = tfl::Tensor::ones({2, 3}, tfl::Dtype::F32);
  tfl::Tensor b = tfl::Tensor::ones({4}, tfl::Dtype::F32);
  try {
    (void)a.add(b);
    FAIL("no exception");
  } catch (const tfl::ShapeError& e) {
    CHECK(e.code() == tfl::Status::ErrShape);
    CHECK(std::string(e.what()) == tfl::last_error_message());
    CHECK_THAT(e.what(), Catch::Contains("2x3") || Catch::Contains("[2, 3]") || Catch::Contains("(2, 3)"));
  }
  // An empty object is a NULL argument to the C function.
  REQUIRE_THROWS_AS(tfl::Tensor().neg(), tfl::InvalidArgumentError);
  REQUIRE_THROWS_WITH(tfl::Tensor().neg(), Catch::Contains("tfl_tensor_neg"));
  REQUIRE_THROWS_AS(a.item_at(6), tfl::IndexError);
  tfl::Tensor ints = tfl::Tensor::zeros({2}, tfl::Dtype::I32);
  REQUIRE_THROWS_AS(ints.set_requires_grad(true), tfl::DtypeError);
  REQUIRE_THROWS_AS(a.reshape({4, 2}), tfl::ShapeError);
  CHECK(tfl::status_name(tfl::Status::ErrShape) == "TFL_ERR_SHAPE");
}

TEST_CASE("arrays sharing one C length must agree", "[cpp_binding][errors]") {
  float data[4] = {1, 2, 3, 4};
  REQUIRE_THROWS_AS(tfl::Tensor::from_external(data, {2, 2}, {{1}}, tfl::Dtype::F32, nullptr, nullptr),
                    tfl::InvalidArgumentError);
  REQUIRE_THROWS_WITH(tfl::Tensor::from_external(data, {2, 2}, {{1}}, tfl::Dtype::F32, nullptr, nullptr),
                      Catch::Contains("'strides'"));
}

namespace {
struct MyError {
  int value;
};
}  // namespace

TEST_CASE("exceptions thrown by hooks come out of backward unchanged", "[cpp_binding][errors][hooks]") {
  tfl::Tensor w = tfl::Tensor::full({2}, 3.0, tfl::Dtype::F32);
  w.set_requires_grad(true);
  {
    tfl::HookHandle h = tfl::register_hook(w, [](const tfl::Tensor&) -> std::optional<tfl::Tensor> {
      throw MyError{42};
    });
    tfl::Tensor loss = (w * w).sum_axes({}, false);
    try {
      loss.backward(std::nullopt, false, false);
      FAIL("no exception");
    } catch (const MyError& e) {
      CHECK(e.value == 42);
    }
  }
  {
    tfl::HookHandle h = tfl::register_hook(w, [](const tfl::Tensor&) -> std::optional<tfl::Tensor> {
      throw tfl::IoError("from the hook");
    });
    tfl::Tensor loss = (w * w).sum_axes({}, false);
    try {
      loss.backward(std::nullopt, false, false);
      FAIL("no exception");
    } catch (const tfl::IoError& e) {
      CHECK(std::string(e.what()) == "from the hook");
    }
  }
  // Once the handles are gone the hooks are removed: backward works again.
  tfl::Tensor loss = (w * w).sum_axes({}, false);
  loss.backward(std::nullopt, false, false);
  CHECK(w.grad().item_at(0) == 6.0);
}
