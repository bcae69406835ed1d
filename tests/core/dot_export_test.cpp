// DOT export of the autograd graph: structure, labels and edge count of a small known graph.
#include <catch2/catch.hpp>

#include <regex>
#include <string>

#include "core/autograd/dot_export.h"
#include "core/autograd/variable.h"
#include "core/ops/assemble.h"
#include "core/ops/creation.h"
#include "core/ops/elementwise.h"
#include "core/ops/reduce.h"
#include "core/ops/shape.h"

using namespace tfl;

namespace {
int count_of(const std::string& s, const std::string& what) {
  int n = 0;
  for (size_t p = s.find(what); p != std::string::npos; p = s.find(what, p + 1)) ++n;
  return n;
}
Tensor param(const Shape& s, DType dt = DType::F32) {
  Tensor t = zeros(s, dt);
  autograd::set_requires_grad(t, true);
  return t;
}
}  // namespace

TEST_CASE("graph_to_dot writes a digraph of ops and parameters", "[autograd][dot]") {
  Tensor w = param({2, 3});
  Tensor b = param({3}, DType::F64);
  Tensor c = ones({2, 3});                     // a constant: no node
  Tensor y = add(mul(transpose(w, 0, 1), transpose(c, 0, 1)), unsqueeze(b, 1));  // f32 * f32 + f64
  Tensor loss = sum(y);
  // Nodes: sum, add, mul, transpose, unsqueeze, 2 parameters. Edges: sum<-add, add<-mul, add<-unsqueeze,
  // mul<-transpose (the constant factor has none), transpose<-w, unsqueeze<-b.
  std::string dot = autograd::graph_to_dot({loss});
  INFO(dot);
  REQUIRE(dot.rfind("digraph autograd {", 0) == 0);
  REQUIRE(dot.substr(dot.size() - 2) == "}\n");
  CHECK(count_of(dot, "{") == 1);
  CHECK(count_of(dot, " -> ") == 6);
  CHECK(count_of(dot, "[label=") == 7);  // node declarations (no edge has a label here)
  CHECK(count_of(dot, "shape=ellipse") == 2);
  CHECK(count_of(dot, "peripheries=2") == 1);
  for (const char* op : {"\"sum\\nscalar float64\"", "\"add\\n3x2 float64\"", "\"mul\\n3x2 float32\"",
                         "\"transpose\\n3x2 float32\"", "\"unsqueeze\\n3x1 float64\"",
                         "\"parameter\\n2x3 float32\"", "\"parameter\\n3 float64\""})
    CHECK(count_of(dot, op) == 1);
  // Every edge joins two declared nodes, and the data flows into sum (the root, declared first as n0).
  std::regex edge(R"(n(\d+) -> n(\d+);)");
  int edges = 0;
  for (auto it = std::sregex_iterator(dot.begin(), dot.end(), edge); it != std::sregex_iterator(); ++it) {
    ++edges;
    CHECK(std::stoi((*it)[1]) < 7);
    CHECK(std::stoi((*it)[2]) < 7);
    CHECK((*it)[1] != (*it)[2]);
  }
  CHECK(edges == 6);
  CHECK(count_of(dot, "-> n0;") == 1);
  CHECK(count_of(dot, "n0 [label=\"sum") == 1);
}

TEST_CASE("graph_to_dot labels multi-output edges and skips non-grad roots", "[autograd][dot]") {
  Tensor x = param({4});
  auto parts = split(x, {1, 3});
  std::string dot = autograd::graph_to_dot({parts[1], ones({2})});
  INFO(dot);
  CHECK(count_of(dot, "\"split\\n1 float32\\n3 float32\"") == 1);
  CHECK(count_of(dot, " -> ") == 1);  // x's parameter -> split
  // A leaf root is drawn as its parameter node; the same graph reached twice is drawn once.
  std::string both = autograd::graph_to_dot({x, parts[0], parts[1]});
  CHECK(count_of(both, "[label=") == 2);
  CHECK(count_of(both, "peripheries=2") == 2);
  Tensor s = sum(add(parts[0], parts[0]));
  std::string multi = autograd::graph_to_dot({s});
  CHECK(count_of(multi, "[label=\"0\"]") == 2);  // add uses output 0 of split twice
  CHECK(autograd::graph_to_dot({}) == "digraph autograd {\n  rankdir=BT;\n  node [fontname=\"monospace\"];\n}\n");
}
