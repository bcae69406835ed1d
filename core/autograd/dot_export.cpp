// DOT export of the autograd graph: a depth-first walk over next edges from the roots.
#include "core/autograd/dot_export.h"

#include <sstream>
#include <unordered_map>
#include <unordered_set>

#include "core/autograd/node.h"
#include "core/autograd/variable.h"

namespace tfl::autograd {
namespace {

// A DOT string literal body: quotes and backslashes escaped, line breaks as \n.
std::string escape(const std::string& s) {
  std::string r;
  for (char c : s) {
    if (c == '"' || c == '\\') r += '\\';
    if (c == '\n') {
      r += "\\n";
      continue;
    }
    r += c;
  }
  return r;
}

std::string output_line(const OutputMeta& m) { return shape_str(m.shape) + " " + dtype_name(m.dtype); }

}  // namespace

std::string graph_to_dot(const std::vector<Tensor>& roots) {
  std::unordered_map<const Node*, int> ids;
  std::vector<Node*> order;
  std::unordered_set<const Node*> root_nodes;
  std::vector<Node*> stack;
  auto visit = [&](Node* n) {
    if (ids.emplace(n, static_cast<int>(order.size())).second) {
      order.push_back(n);
      stack.push_back(n);
    }
  };
  for (const Tensor& r : roots) {
    if (!r.defined() || !requires_grad(r)) continue;
    Edge e = gradient_edge(r);
    root_nodes.insert(e.node.get());
    visit(e.node.get());
    while (!stack.empty()) {
      Node* n = stack.back();
      stack.pop_back();
      for (const Edge& next : n->next_edges())
        if (next.valid()) visit(next.node.get());
    }
  }

  std::ostringstream out;
  out << "digraph autograd {\n  rankdir=BT;\n  node [fontname=\"monospace\"];\n";
  for (Node* n : order) {
    const bool leaf = n->name() == "AccumulateGrad";
    std::string label = leaf ? "parameter" : n->name();
    for (const OutputMeta& m : n->outputs()) label += "\n" + output_line(m);
    out << "  n" << ids[n] << " [label=\"" << escape(label) << "\", shape=" << (leaf ? "ellipse" : "box");
    if (leaf) out << ", style=filled, fillcolor=lightblue";
    if (root_nodes.count(n)) out << ", peripheries=2";
    out << "];\n";
  }
  for (Node* n : order) {
    for (const Edge& e : n->next_edges()) {
      if (!e.valid()) continue;
      out << "  n" << ids[e.node.get()] << " -> n" << ids[n];
      if (e.node->outputs().size() > 1) out << " [label=\"" << e.input_nr << "\"]";
      out << ";\n";
    }
  }
  out << "}\n";
  return out.str();
}

}  // namespace tfl::autograd
