// Ownership rules of every generated handle class: copy = retain, move = steal, borrow/release/adopt/share.
// The suite also runs under valgrind (tests/CMakeLists.txt): a double release or a leak fails it.
#include <catch2/catch.hpp>
#include <tenflowers/tenflowers_extra.hpp>

#include <optional>
#include <string>
#include <tuple>
#include <typeinfo>

namespace {

// How to make one live object of each handle type. A handle type without a factory here fails the
// test: a new handle type must come with its factory, so its live-object rules are always checked.
template <class H>
struct Factory {
  static constexpr bool available = false;
};
template <>
struct Factory<tfl::Tensor> {
  static constexpr bool available = true;
  static tfl::Tensor make() { return tfl::Tensor::ones({2, 2}, tfl::Dtype::F32); }
};
template <>
struct Factory<tfl::Tape> {
  static constexpr bool available = true;
  static tfl::Tape make() {
    tfl::Tape t = tfl::Tape::create(false);
    t.stop();  // a stopped tape can outlive the scopes below in any order
    return t;
  }
};

template <>
struct Factory<tfl::Module> {
  static constexpr bool available = true;
  static tfl::Module make() { return tfl::nn_linear_create(3, 2, true, tfl::Dtype::F32); }
};
template <>
struct Factory<tfl::Optimizer> {
  static constexpr bool available = true;
  static tfl::Optimizer make() {
    tfl::Tensor p = tfl::Tensor::ones({2}, tfl::Dtype::F32);
    p.set_requires_grad(true);
    return tfl::optim_sgd_create({p}, 0.1, 0.0, 0.0, 0.0, false);
  }
};
template <>
struct Factory<tfl::Scheduler> {
  static constexpr bool available = true;
  static tfl::Scheduler make() {
    tfl::Optimizer opt = Factory<tfl::Optimizer>::make();
    return tfl::sched_step_create(opt, 10, 0.5);  // the scheduler keeps its optimizer alive
  }
};
template <>
struct Factory<tfl::Safetensors> {
  static constexpr bool available = true;
  static tfl::Safetensors make() {
    const std::string path = "cpp_binding_ownership.safetensors";
    tfl::Safetensors::save(path, {"w"}, {tfl::Tensor::ones({2}, tfl::Dtype::F32)}, std::nullopt, std::nullopt);
    return tfl::Safetensors::from_file(path);  // maps the file; the mapping outlives the path name
  }
};
template <>
struct Factory<tfl::Dataloader> {
  static constexpr bool available = true;
  static tfl::Dataloader make() {
    tfl::Tensor rows = tfl::Tensor::ones({4, 2}, tfl::Dtype::F32);
    return tfl::Dataloader::create({rows}, 2, false, 0, false);  // the loader keeps its tensors alive
  }
};

template <class H>
void check_ownership(const char* name) {
  INFO(name);
  H empty;
  CHECK(!empty);
  CHECK(empty.borrow() == nullptr);
  H copy_of_empty(empty);
  CHECK(!copy_of_empty);
  H moved_empty(std::move(copy_of_empty));
  CHECK(!moved_empty);
  CHECK(empty.release() == nullptr);
  if constexpr (Factory<H>::available) {
    H a = Factory<H>::make();
    REQUIRE(a);
    auto* raw = a.borrow();
    H b = a;  // retain: both own a reference to the same handle
    CHECK(b.borrow() == raw);
    H c = std::move(b);  // steal: b is empty, c owns its reference
    CHECK(!b);
    CHECK(c.borrow() == raw);
    c = a;  // copy-assign over a live object releases the old reference
    CHECK(c.borrow() == raw);
    auto* released = c.release();  // the caller now owns one reference...
    CHECK(!c);
    CHECK(released == raw);
    H back = H::adopt(released);  // ...and hands it back without a retain
    CHECK(back.borrow() == raw);
    H shared = H::share(a.borrow());  // a new reference to a borrowed handle
    CHECK(shared.borrow() == raw);
  } else {
    FAIL(std::string("no factory for ") + name + " in tests/cpp_binding/ownership_test.cpp: add one");
  }
}

template <size_t... I>
void check_all(std::index_sequence<I...>) {
  (check_ownership<std::tuple_element_t<I, tfl::HandleTypes>>(
       typeid(std::tuple_element_t<I, tfl::HandleTypes>).name()),
   ...);
}

// Counts the deleter calls of a tensor over caller memory: it runs exactly once, when the last
// reference goes.
int deleter_calls = 0;
void count_deleter(void*, void* user_data) { ++*static_cast<int*>(user_data); }

}  // namespace

TEST_CASE("every handle class follows the ownership rules", "[cpp_binding][ownership]") {
  check_all(std::make_index_sequence<std::tuple_size_v<tfl::HandleTypes>>());
}

TEST_CASE("the last reference releases a tensor exactly once", "[cpp_binding][ownership]") {
  float data[4] = {1, 2, 3, 4};
  deleter_calls = 0;
  {
    tfl::Tensor t = tfl::Tensor::from_external(data, {4}, std::nullopt, tfl::Dtype::F32, &count_deleter,
                                               &deleter_calls);
    tfl::Tensor copy = t;
    {
      tfl::Tensor moved = std::move(t);
      CHECK(!t);
      tfl::Tensor shared = tfl::Tensor::share(moved.borrow());
    }
    CHECK(deleter_calls == 0);  // `copy` still owns a reference
    tfl_tensor* raw = copy.release();
    CHECK(deleter_calls == 0);
    CHECK(tfl::Tensor::adopt(raw).item_at(2) == 3.0);  // the temporary releases the last reference
    CHECK(deleter_calls == 1);
  }
  CHECK(deleter_calls == 1);
}

TEST_CASE("handles cross to C and back", "[cpp_binding][ownership]") {
  tfl::Tensor a = tfl::Tensor::full({3}, 2.0, tfl::Dtype::F64);
  // C code borrows the handle...
  tfl_tensor* doubled = nullptr;
  REQUIRE(tfl_tensor_add(&doubled, a.borrow(), a.borrow()) == TFL_OK);
  // ...and a result from C is adopted without an extra retain.
  tfl::Tensor d = tfl::Tensor::adopt(doubled);
  CHECK(d.item_at(0) == 4.0);
  // A released handle is the caller's to release.
  tfl_tensor* mine = a.release();
  tfl_tensor_release(mine);
}
