# pytest set-up: the tests import the development tree (PYTHONPATH=python, TENFLOWERS_LIBRARY=build/...),
# which ctest passes in; running pytest by hand falls back to the in-tree paths.
import os
import sys

_root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
if "TENFLOWERS_LIBRARY" not in os.environ:
    os.environ["TENFLOWERS_LIBRARY"] = os.path.join(_root, "build", "libtenflowers.so")
sys.path.insert(0, os.path.join(_root, "python"))
