// The hand-written module helpers of tenflowers_extra.hpp (parameters, named_parameters, sequential,
// forward) and tfl::item; expected values are worked out by hand in the comments.
#include <catch2/catch.hpp>
#include <tenflowers/tenflowers_extra.hpp>

#include <string>
#include <vector>

TEST_CASE("item reads one-element tensors and rejects others", "[cpp_binding][extra]") {
  CHECK(tfl::item(tfl::tensor({2.5f}, {})) == 2.5);             // 0-d
  CHECK(tfl::item(tfl::tensor({-4.0f}, {1, 1, 1})) == -4.0);    // any shape with one element
  CHECK(tfl::item(tfl::tensor<int64_t>(std::vector<int64_t>{7}, {1})) == 7.0);
  CHECK_THROWS_AS(tfl::item(tfl::tensor({1.0f, 2.0f}, {2})), tfl::ShapeError);
  CHECK_THROWS_WITH(tfl::item(tfl::tensor({1.0f, 2.0f}, {1, 2})), Catch::Contains("[item]") && Catch::Contains("(1, 2)"));
  CHECK_THROWS_AS(tfl::item(tfl::tensor<float>(std::vector<float>{}, {0})), tfl::ShapeError);
}

TEST_CASE("sequential, named_parameters and parameters list the module's own tensors", "[cpp_binding][extra]") {
  tfl::Module seq = tfl::sequential({tfl::nn_linear_create(3, 4, true, tfl::Dtype::F32), tfl::nn_relu_create(),
                                     tfl::nn_linear_create(4, 2, false, tfl::Dtype::F32)});
  CHECK(seq.children_size() == 3);
  auto named = tfl::named_parameters(seq);
  REQUIRE(named.size() == 3);
  CHECK(named[0].first == "0.weight");
  CHECK(tfl::shape_of(named[0].second) == std::vector<int64_t>{4, 3});
  CHECK(named[1].first == "0.bias");
  CHECK(tfl::shape_of(named[1].second) == std::vector<int64_t>{4});
  CHECK(named[2].first == "2.weight");
  CHECK(tfl::shape_of(named[2].second) == std::vector<int64_t>{2, 4});
  CHECK(tfl::parameters(seq).size() == 3);
  // Non-recursive: a Sequential has no parameters of its own.
  CHECK(tfl::parameters(seq, false).empty());
  CHECK(tfl::named_parameters(seq, false).empty());
  // An empty list gives an empty container.
  CHECK(tfl::sequential({}).children_size() == 0);
}

TEST_CASE("an optimizer over parameters() updates the module", "[cpp_binding][extra]") {
  tfl::Module model = tfl::sequential({tfl::nn_linear_create(1, 1, true, tfl::Dtype::F32)});
  (void)model.load_state_dict({"0.weight", "0.bias"}, {tfl::tensor({2.0f}, {1, 1}), tfl::tensor({1.0f}, {1})}, true);
  tfl::Tensor x = tfl::tensor({3.0f}, {1, 1});
  // y = 2 * 3 + 1 = 7
  CHECK(tfl::item(tfl::forward(model, x)) == 7.0);
  tfl::Optimizer sgd = tfl::optim_sgd_create(tfl::parameters(model), 0.1, 0.0, 0.0, 0.0, false);
  sgd.zero_grad(true);
  tfl::forward(model, x).sum().backward(std::nullopt, false, false);
  sgd.step();
  // dy/dw = x = 3, dy/db = 1: w = 2 - 0.3 = 1.7, b = 1 - 0.1 = 0.9, y = 1.7 * 3 + 0.9 = 6.0
  CHECK(tfl::item(tfl::forward(model, x)) == Approx(6.0).epsilon(1e-6));
  CHECK(tfl::item(tfl::named_parameters(model)[0].second) == Approx(1.7).epsilon(1e-6));
}

TEST_CASE("forward reports the library's error for a wrong input shape", "[cpp_binding][extra]") {
  tfl::Module lin = tfl::nn_linear_create(3, 2, true, tfl::Dtype::F32);
  CHECK_THROWS_AS(tfl::forward(lin, tfl::tensor({1.0f, 2.0f}, {1, 2})), tfl::ShapeError);
}

TEST_CASE("generated named listings return each entry once, without leaking the size query's reference",
          "[cpp_binding][modules]") {
  // Runs under valgrind too (tests/CMakeLists.txt): a reference taken by the size query and then
  // overwritten would show up there as a leak.
  tfl::Module lin = tfl::nn_linear_create(3, 2, true, tfl::Dtype::F32);
  auto [w, wname] = lin.named_parameter(0, true);
  auto [b, bname] = lin.named_parameter(1, true);
  CHECK(wname == "weight");
  CHECK(bname == "bias");
  CHECK(tfl::shape_of(w) == std::vector<int64_t>{2, 3});
  tfl::Module seq = tfl::sequential({lin});
  auto [child, cname] = seq.named_child(0);
  CHECK(cname == "0");
  CHECK(child.borrow() != nullptr);
}
