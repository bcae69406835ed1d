// Ops, operators and autograd end to end through the C++ binding; expected values are worked out by
// hand in the comments.
#include <catch2/catch.hpp>
#include <tenflowers/tenflowers_extra.hpp>

#include <cmath>
#include <vector>

TEST_CASE("operators and ops compute through the C ABI", "[cpp_binding][ops]") {
  tfl::Tensor a = tfl::tensor({1, 2, 3, 4}, {2, 2});
  tfl::Tensor b = tfl::tensor({10, 20, 30, 40}, {2, 2});
  CHECK(tfl::to_vector<float>(a + b) == std::vector<float>{11, 22, 33, 44});
  CHECK(tfl::to_vector<float>(b - a) == std::vector<float>{9, 18, 27, 36});
  CHECK(tfl::to_vector<float>(a * b) == std::vector<float>{10, 40, 90, 160});
  CHECK(tfl::to_vector<float>(b / a) == std::vector<float>{10, 10, 10, 10});
  CHECK(tfl::to_vector<float>(-a) == std::vector<float>{-1, -2, -3, -4});
  CHECK(tfl::to_vector<float>(a * 2.0 + 1.0) == std::vector<float>{3, 5, 7, 9});
  CHECK(tfl::to_vector<float>(10.0 - a) == std::vector<float>{9, 8, 7, 6});
  CHECK(tfl::to_vector<float>(12.0 / a) == std::vector<float>{12, 6, 4, 3});
  // [[1,2],[3,4]] @ [[10,20],[30,40]] = [[70,100],[150,220]]
  CHECK(tfl::to_vector<float>(tfl::matmul(a, b)) == std::vector<float>{70, 100, 150, 220});
  // Broadcasting a row: [[1,2],[3,4]] + [100,200]
  CHECK(tfl::to_vector<float>(a + tfl::tensor({100, 200}, {2})) == std::vector<float>{101, 202, 103, 204});
  CHECK(tfl::shape_of(a.reshape({4, 1})) == std::vector<int64_t>{4, 1});
  CHECK(a.dtype() == tfl::Dtype::F32);
  CHECK(std::get<0>(a.device()) == tfl::DeviceType::Cpu);
  // Column sums 4 and 6; the whole sum is 10.
  CHECK(tfl::to_vector<double>(a.sum_axes({0}, false)) == std::vector<double>{4, 6});
  CHECK(a.sum_axes({}, false).item_at(0) == 10.0);
}

TEST_CASE("array results, tuples, optionals and strings", "[cpp_binding][ops]") {
  tfl::Tensor t = tfl::Tensor::arange(0, 6, 1, tfl::Dtype::I64);
  std::vector<tfl::Tensor> parts = t.split({1, 2, 3}, 0);
  REQUIRE(parts.size() == 3);
  CHECK(tfl::to_vector<int64_t>(parts[2]) == std::vector<int64_t>{3, 4, 5});
  CHECK(t.chunk(2, 0).size() == 2);
  auto [values, indices] = tfl::tensor({3, 1, 2}, {3}).sort(0, false, true);
  CHECK(tfl::to_vector<float>(values) == std::vector<float>{1, 2, 3});
  CHECK(tfl::to_vector<int64_t>(indices) == std::vector<int64_t>{1, 2, 0});
  // Optional bounds: t[2:] and t[:2].
  CHECK(tfl::to_vector<int64_t>(t.slice(0, 2, std::nullopt, 1)) == std::vector<int64_t>{2, 3, 4, 5});
  CHECK(tfl::to_vector<int64_t>(t.slice(0, std::nullopt, 2, 1)) == std::vector<int64_t>{0, 1});
  CHECK(tfl::Tensor::concat({parts[0], parts[1]}, 0).numel() == 3);
  CHECK(tfl::version() == TFL_VERSION_STRING);
  CHECK(!tfl::library_build_info().empty());
  std::vector<int64_t> stats = tfl::memory_stats(3);
  CHECK(stats.size() == 3);
  CHECK(stats[static_cast<size_t>(tfl::MemoryCounter::LiveBytes)] == tfl::memory_stat(tfl::MemoryCounter::LiveBytes));
}

TEST_CASE("autograd: backward, tape, hooks and no-grad scopes", "[cpp_binding][autograd]") {
  tfl::Tensor x = tfl::tensor({1, 2, 3}, {3});
  x.set_requires_grad(true);
  // y = sum(x * x): dy/dx = 2x = [2, 4, 6]
  tfl::Tensor y = (x * x).sum_axes({}, false);
  CHECK_THAT(y.graph_dot(), Catch::Contains("digraph"));
  y.backward(std::nullopt, false, false);
  CHECK(tfl::to_vector<float>(x.grad()) == std::vector<float>{2, 4, 6});

  // The same through a tape over a watched tensor that does not require grad.
  tfl::Tensor z = tfl::tensor({1, 2, 3}, {3});
  std::vector<tfl::Tensor> g;
  {
    tfl::GradientTape tape;
    tape.watch(z);
    tfl::Tensor out = (z * z * z).sum_axes({}, false);  // d/dz = 3z^2 = [3, 12, 27]
    tape.stop();
    g = tape.gradient(out, {z});
  }
  REQUIRE(g.size() == 1);
  CHECK(tfl::to_vector<float>(g[0]) == std::vector<float>{3, 12, 27});

  // tfl::grad: second order through create_graph. d/dx sum(x^3) = 3x^2; d/dx sum(3x^2) = 6x.
  tfl::Tensor s = (x * x * x).sum_axes({}, false);
  std::vector<tfl::Tensor> first = tfl::grad({s}, {x}, std::nullopt, false, true);
  CHECK(tfl::to_vector<float>(first[0]) == std::vector<float>{3, 12, 27});
  std::vector<tfl::Tensor> second = tfl::grad({first[0].sum_axes({}, false)}, {x});
  CHECK(tfl::to_vector<float>(second[0]) == std::vector<float>{6, 12, 18});

  // A lambda hook that doubles the gradient it sees.
  tfl::Tensor w = tfl::tensor({1, 1}, {2});
  w.set_requires_grad(true);
  int calls = 0;
  tfl::HookHandle h = tfl::register_hook(w, [&calls](const tfl::Tensor& grad) -> std::optional<tfl::Tensor> {
    ++calls;
    return grad * 2.0;
  });
  (w * 5.0).sum_axes({}, false).backward(std::nullopt, false, false);
  CHECK(calls == 1);
  CHECK(tfl::to_vector<float>(w.grad()) == std::vector<float>{10, 10});

  {
    tfl::NoGrad no_grad;
    CHECK(!tfl::grad_enabled());
    CHECK(!(w * 2.0).requires_grad());
  }
  CHECK(tfl::grad_enabled());
}

TEST_CASE("a tiny linear regression trains with tensors, autograd and the tape", "[cpp_binding][autograd]") {
  // y = 2x + 1 on x = 1..4. With w = b = 0 the loss mean((w x + b - y)^2) has gradients
  // dL/dw = -2 mean(x y) = -2 * 70/4 = -35 and dL/db = -2 mean(y) = -12.
  tfl::Tensor x = tfl::tensor({1, 2, 3, 4}, {4, 1});
  tfl::Tensor y = tfl::tensor({3, 5, 7, 9}, {4, 1});
  tfl::Tensor w = tfl::Tensor::zeros({1, 1}, tfl::Dtype::F32);
  tfl::Tensor b = tfl::Tensor::zeros({1}, tfl::Dtype::F32);
  double first_loss = 0, last_loss = 0;
  for (int step = 0; step < 500; ++step) {
    tfl::GradientTape tape;
    tape.watch(w);
    tape.watch(b);
    tfl::Tensor diff = tfl::matmul(x, w) + b - y;
    tfl::Tensor loss = (diff * diff).mean_axes({}, false);
    tape.stop();
    std::vector<tfl::Tensor> grads = tape.gradient(loss, {w, b});
    if (step == 0) {
      CHECK(grads[0].item_at(0) == Approx(-35.0));
      CHECK(grads[1].item_at(0) == Approx(-12.0));
      first_loss = loss.item_at(0);
    }
    last_loss = loss.item_at(0);
    tfl::NoGrad no_grad;
    w = w - grads[0] * 0.05;
    b = b - grads[1] * 0.05;
  }
  CHECK(first_loss == Approx(41.0));  // mean(9, 25, 49, 81)
  CHECK(last_loss < 1e-3);
  CHECK(w.item_at(0) == Approx(2.0).margin(0.05));
  CHECK(b.item_at(0) == Approx(1.0).margin(0.1));
}
