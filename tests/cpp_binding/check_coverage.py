#!/usr/bin/env python3
"""Checks that every C function in abi/api.json has its C++ counterpart in the generated tenflowers.hpp.

The naming rule is re-derived here from the API description, independently of the generator:
  tfl_<x>_retain / tfl_<x>_release   -> the copy constructor / destructor of class <X>
  tfl_<x>_<verb> (tfl_<x> a handle)  -> <X>::<verb>, a member defined out of class that calls ::tfl_<x>_<verb>
  any other tfl_<name>               -> the free function tfl::<name>, which calls ::tfl_<name>
A name that is a C++ keyword may carry a trailing underscore. Every miss is listed; none is skipped.
usage: check_coverage.py abi/api.json bindings/cpp/include/tenflowers/tenflowers.hpp
"""
import json
import re
import sys


def pascal(snake):
    return "".join(w[:1].upper() + w[1:].lower() for w in snake.split("_") if w)


def definitions(text):
    """Maps 'Class::name' or 'name' to the body of its out-of-class inline definition."""
    defs = {}
    lines = text.splitlines()
    sig = re.compile(r"^(?:\[\[nodiscard\]\] )?inline .*?\b((?:\w+::)?\w+)\(.*\)(?: const)? \{$")
    i = 0
    while i < len(lines):
        m = sig.match(lines[i])
        if m:
            j = i + 1
            while j < len(lines) and lines[j] != "}":
                j += 1
            defs[m.group(1)] = "\n".join(lines[i + 1:j])
            i = j
        i += 1
    return defs


def class_body(text, cls):
    m = re.search(r"^class %s \{\n(.*?)^\};" % re.escape(cls), text, re.S | re.M)
    return m.group(1) if m else None


def main():
    api = json.load(open(sys.argv[1]))
    text = open(sys.argv[2]).read()
    defs = definitions(text)
    handles = {h["name"]: pascal(h["name"][4:]) for h in api["handles"]}
    missing = []
    for f in api["functions"]:
        name = f["name"]
        owner = max((h for h in handles if name.startswith(h + "_")), key=len, default=None)
        call = "::%s(" % name
        if owner and name in (owner + "_retain", owner + "_release"):
            cls = handles[owner]
            body = class_body(text, cls)
            special = r"%s\(const %s& other\)[^\n]*\{\n[^\n]*%s" % (cls, cls, re.escape(call)) \
                if name.endswith("_retain") else r"~%s\(\) \{ %s" % (cls, re.escape(call))
            if body is None or not re.search(special, body):
                missing.append("%s: class %s does not use it in its %s" %
                               (name, cls, "copy constructor" if name.endswith("_retain") else "destructor"))
            continue
        if owner:
            cls = handles[owner]
            verb = name[len(owner) + 1:]
            keys = ["%s::%s" % (cls, verb), "%s::%s_" % (cls, verb)]
            body = class_body(text, cls)
            declared = body is not None and re.search(r"\b%s_?\(" % re.escape(verb), body)
            if not declared:
                missing.append("%s: no declaration of %s::%s in class %s" % (name, cls, verb, cls))
                continue
        else:
            keys = [name[4:], name[4:] + "_"]
        key = next((k for k in keys if k in defs), None)
        if key is None:
            missing.append("%s: no definition of tfl::%s" % (name, keys[0]))
        elif call not in defs[key]:
            missing.append("%s: tfl::%s does not call %s)" % (name, key, call))
    for m in missing:
        print("missing:", m)
    print("%d of %d C functions have their C++ counterpart" % (len(api["functions"]) - len(missing),
                                                             len(api["functions"])))
    return 1 if missing else 0


if __name__ == "__main__":
    sys.exit(main())
