"""tfl.nn.Parameter: a Tensor subclass marked as a parameter in the core, registered by attribute
assignment, shown as Parameter in repr; custom modules hold them."""

import numpy as np
import pytest

import tenflowers as tfl
import tenflowers.nn as nn


def test_parameter_is_a_marked_tensor():
    data = tfl.tensor([1.0, 2.0, 3.0])
    p = nn.Parameter(data)
    assert isinstance(p, tfl.Tensor) and isinstance(p, nn.Parameter)
    assert p.requires_grad and p.is_leaf
    assert nn.is_parameter(p) and not nn.is_parameter(data)
    assert not nn.is_parameter(p.detach()) and not nn.is_parameter(p[1:])
    assert not nn.is_parameter([1.0])
    # Shares data with its source (no copy).
    with tfl.no_grad():
        data.copy_(tfl.tensor([5.0, 6.0, 7.0]))
    np.testing.assert_array_equal(np.array(p.detach().numpy()), [5.0, 6.0, 7.0])
    assert repr(p).startswith("Parameter containing:\n")
    frozen = nn.Parameter(tfl.zeros((2,)), requires_grad=False)
    assert not frozen.requires_grad and nn.is_parameter(frozen)
    with pytest.raises(tfl.DTypeError):
        nn.Parameter(tfl.tensor([1, 2]))  # integers cannot require grad


def test_registered_by_attribute_assignment():
    class Scale(nn.Module):
        def __init__(self):
            super().__init__()
            self.w = nn.Parameter(tfl.tensor([2.0, 3.0]))
            self.not_param = tfl.tensor([1.0])  # a plain Tensor is not registered

        def forward(self, x):
            return x * self.w

    m = Scale()
    assert [n for n, _ in m.named_parameters()] == ["w"]
    assert isinstance(m.w, nn.Parameter) and nn.is_parameter(m.w)
    y = m(tfl.tensor([1.0, 1.0]))
    y.sum().backward()
    np.testing.assert_array_equal(np.array(m.w.grad.numpy()), [1.0, 1.0])
    # Core layers' parameters are Parameters too.
    lin = nn.Linear(2, 3)
    assert all(isinstance(p, nn.Parameter) and nn.is_parameter(p) for p in lin.parameters())
    assert "Parameter containing" in repr(lin.weight)
