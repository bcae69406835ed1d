#!/usr/bin/env python3
"""Checks, from abi/api.json, that every C function has its Rust counterpart: an extern declaration in
bindings/rust/src/sys.rs and a safe wrapper in bindings/rust/src/generated.rs (a function carrying
#[doc(alias = "<name>")] whose body calls sys::<name>; for tfl_<x>_retain/_release the Clone/Drop impl
of the owned type). A function listed in UNWRAPPED fails the check too, with its reason: nothing is
skipped silently. Also every handle with retain/release must have its owned type.
    check_rust_coverage.py <repo root>
"""
import json
import re
import sys
from pathlib import Path

root = Path(sys.argv[1] if len(sys.argv) > 1 else ".")
api = json.loads((root / "abi/api.json").read_text())
sys_rs = (root / "bindings/rust/src/sys.rs").read_text()
gen_rs = (root / "bindings/rust/src/generated.rs").read_text()

declared = set(re.findall(r"^\s*pub fn (tfl_\w+)\(", sys_rs, re.M))
unwrapped = dict(re.findall(r'^\s*\("(tfl_\w+)", "([^"]*)"\),$', gen_rs, re.M))

# Each wrapper: the alias line, then the item up to the next alias (its body calls sys::<name>).
wrappers = {}
parts = re.split(r'#\[doc\(alias = "(tfl_\w+)"\)\]', gen_rs)
for name, body in zip(parts[1::2], parts[2::2]):
    wrappers[name] = body

names = [f["name"] for f in api["functions"]]
problems = []
for name in names:
    if name not in declared:
        problems.append(f"{name}: no extern declaration in sys.rs")
    if name in unwrapped:
        problems.append(f"{name}: no safe wrapper ({unwrapped[name]})")
        continue
    body = wrappers.get(name)
    if body is None:
        problems.append(f"{name}: no safe wrapper in generated.rs")
    elif f"sys::{name}(" not in body:
        problems.append(f"{name}: the wrapper aliased to it does not call sys::{name}")
fnames = set(names)
for h in api["handles"]:
    n = h["name"]
    if f"{n}_retain" in fnames and f"{n}_release" in fnames:
        rust = "".join(w.capitalize() for w in n[len("tfl_"):].split("_"))
        for trait in ("Clone", "Drop"):
            if f"impl {trait} for {rust} " not in gen_rs:
                problems.append(f"{n}: no `impl {trait} for {rust}`")
for extra in sorted(declared - fnames):
    problems.append(f"{extra}: declared in sys.rs but not in abi/api.json (stale)")

if problems:
    print("\n".join(problems))
    print(f"{len(problems)} problem(s): run 'cmake --build build --target regenerate' or extend gen/emit_rust_wrappers.cpp")
    sys.exit(1)
print(f"every one of the {len(names)} C functions has its Rust declaration and safe wrapper "
      f"({len(api['handles'])} handle types)")
