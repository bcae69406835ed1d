// Graphviz (DOT) rendering of a recorded autograd graph, for debugging and documentation.
#pragma once

#include <string>
#include <vector>

#include "core/tensor.h"

namespace tfl::autograd {

// A `digraph` of every node reachable from the roots' grad_fn (a root that is a leaf contributes its
// parameter node). Each op node is a box labelled with the op name and one "<shape_str> <dtype>" line per
// output; each leaf (AccumulateGrad) is an ellipse labelled "parameter" with its shape and dtype. Edges
// point in data-flow direction (input producer -> consumer); an edge from a multi-output node is
// labelled with the output number. Nodes producing a root have a double border. Roots that do not
// require grad are skipped. Node ids follow a depth-first walk from the roots, so the text is
// deterministic for a given graph.
std::string graph_to_dot(const std::vector<Tensor>& roots);

}  // namespace tfl::autograd
