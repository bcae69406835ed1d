#!/usr/bin/env python3
"""Generates a C program that calls every exported function with each non-nullable pointer argument
NULL, and each dtype argument out of range, and checks the status and that the message names the
argument. Driven by abi/api.json, so a new function cannot skip these cases.

    gen_argument_tests.py <abi/api.json> <output.c>
"""
import json
import sys

# A valid value for each C parameter type, used for every argument except the one under test.
VALID = {
    "tfl_tensor **": "&o_tensor",
    "const tfl_tensor *": "x",
    "tfl_tensor *": "x",
    "const int64_t *": "dims",
    "int64_t *": "i64buf",
    "size_t *": "&o_size",
    "int32_t *": "&o_i32",
    "double *": "&o_double",
    "tfl_dtype *": "&o_dtype",
    "tfl_device_type *": "&o_device",
    "const char **": "&o_str",
    "void **": "&o_ptr",
    "void *": "buffer",
    "const void *": "buffer",
    "double": "1.0",
    "int32_t": "1",
    "int64_t": "0",
    "tfl_dtype": "TFL_DTYPE_F32",
    "tfl_deleter_fn": "NULL",
    "bool": "false",
    "uint64_t": "1",
    "uint64_t *": "&o_u64",
    "tfl_pad_mode": "TFL_PAD_CONSTANT",
    "tfl_memory_counter": "TFL_MEMORY_LIVE_BYTES",
    "const tfl_tensor *const *": "xs",
    # Autograd.
    "bool *": "(bool[1]){false}",
    "char *": "(char *)buffer",
    "tfl_tensor_hook_fn": "NULL",
    "tfl_tape **": "(tfl_tape *[1]){NULL}",
    # Never dereferenced: each case makes another argument NULL, and NULL checks come first.
    "tfl_tape *": "(tfl_tape *)buffer",
    # nn modules. Handles are never dereferenced (see tfl_tape *); constructors get a real out slot,
    # and fail on the case's NULL or bad dtype before writing it.
    "tfl_module **": "(tfl_module *[1]){NULL}",
    "tfl_module *": "(tfl_module *)buffer",
    "const tfl_module *": "(const tfl_module *)buffer",
    "const double *": "(const double[1]){0.1}",
    "const char *": "\"x\"",
    "const char *const *": "(const char *const[2]){\"x\", \"y\"}",
    "tfl_module_forward_pre_hook_fn": "NULL",
    "tfl_module_forward_hook_fn": "NULL",
    "tfl_module_backward_hook_fn": "NULL",
    # Losses, optimizers, schedulers, checkpoints, memory profiler (handles never dereferenced, as above).
    "tfl_reduction": "TFL_REDUCTION_MEAN",
    "tfl_anneal_strategy": "TFL_ANNEAL_COS",
    "tfl_optimizer **": "(tfl_optimizer *[1]){NULL}",
    "tfl_optimizer *": "(tfl_optimizer *)buffer",
    "const tfl_optimizer *": "(const tfl_optimizer *)buffer",
    "tfl_scheduler **": "(tfl_scheduler *[1]){NULL}",
    "tfl_scheduler *": "(tfl_scheduler *)buffer",
    "const tfl_scheduler *": "(const tfl_scheduler *)buffer",
    "tfl_safetensors **": "(tfl_safetensors *[1]){NULL}",
    "tfl_safetensors *": "(tfl_safetensors *)buffer",
    "const tfl_safetensors *": "(const tfl_safetensors *)buffer",
    # Devices (capi/device.cpp).
    "tfl_device_type": "TFL_DEVICE_CPU",
    # Custom modules (capi/nn_parameter.cpp).
    "tfl_module_forward_fn": "NULL",
    # Data loading (capi/data.cpp; handles never dereferenced, as above).
    "tfl_dataloader **": "(tfl_dataloader *[1]){NULL}",
    "tfl_dataloader *": "(tfl_dataloader *)buffer",
    "const tfl_dataloader *": "(const tfl_dataloader *)buffer",
    # Metrics (capi/metrics.cpp).
    "tfl_metric_average": "TFL_AVERAGE_MACRO",
    # Transformer layers (capi/nn_transformer.cpp).
    "tfl_transformer_activation": "TFL_TRANSFORMER_ACTIVATION_RELU",
    # Recurrent layers (capi/nn_rnn.cpp).
    "tfl_rnn_nonlinearity": "TFL_RNN_TANH",
}
# Enum arguments that are also tried with an out-of-range value (the message must name the argument).
# The value is the first code past the last enumerator where one is known (13 for tfl_dtype: 0..12 are valid).
BAD_ENUM = {
    "tfl_dtype": ("(tfl_dtype)13", "13"),
    "tfl_reduction": ("(tfl_reduction)99", "99"),
    "tfl_anneal_strategy": ("(tfl_anneal_strategy)99", "99"),
    "tfl_metric_average": ("(tfl_metric_average)99", "99"),
    "tfl_transformer_activation": ("(tfl_transformer_activation)99", "99"),
    "tfl_rnn_nonlinearity": ("(tfl_rnn_nonlinearity)99", "99"),
}
# Out-arrays (TFL_OUT with TFL_ARRAY) get an array of 16 slots instead of the single-value form.
VALID_ARRAY_OUT = {
    "tfl_tensor **": "o_tensors",
    "int64_t *": "i64buf",
}


def valid_value(fn, p):
    if p["out"] and p.get("array_len") and p["type"] in VALID_ARRAY_OUT:
        return VALID_ARRAY_OUT[p["type"]]
    if p["type"] == "size_t":
        # An array length gets the length of the array passed with it; other sizes are byte counts
        # matching the 2x3 f32 tensor (24 bytes).
        for q in fn["params"]:
            if q.get("array_len") == p["name"]:
                return "16" if q["out"] else "2"
        return "24"
    if p["type"] not in VALID:
        raise SystemExit(f"gen_argument_tests.py: no test value for type '{p['type']}' of {fn['name']}({p['name']}); add one")
    return VALID[p["type"]]


def call(fn, override):
    args = [override.get(p["name"], valid_value(fn, p)) for p in fn["params"]]
    return f"{fn['name']}({', '.join(args)})"


def main():
    api = json.load(open(sys.argv[1]))
    cases = []
    for fn in api["functions"]:
        if fn["returns"] != "tfl_status":
            continue
        for p in fn["params"]:
            if p["pointer"] and not p["nullable"]:
                cases.append((fn["name"], p["name"], call(fn, {p["name"]: "NULL"}), "NULL"))
            if p["type"] in BAD_ENUM:
                bad, shown = BAD_ENUM[p["type"]]
                cases.append((fn["name"], p["name"], call(fn, {p["name"]: bad}), shown))
    out = [
        "/* Generated by tests/capi/gen_argument_tests.py from abi/api.json at build time. */",
        "#include <stdio.h>",
        "#include <string.h>",
        "#include <tenflowers/tenflowers.h>",
        "",
        "static int passed = 0, failed = 0;",
        "static void expect(const char* fn, const char* arg, const char* value, tfl_status st) {",
        "  char quoted[128];",
        "  snprintf(quoted, sizeof quoted, \"'%s'\", arg);",
        "  if (st == TFL_ERR_INVALID_ARGUMENT && strstr(tfl_last_error_message(), quoted) != NULL) {",
        "    ++passed;",
        "  } else {",
        "    ++failed;",
        "    fprintf(stderr, \"%s with %s = %s: status %s, message '%s'\\n\", fn, arg, value, tfl_status_name(st),",
        "            tfl_last_error_message());",
        "  }",
        "}",
        "",
        "int main(void) {",
        "  const int64_t dims[2] = {2, 3};",
        "  float buffer[64] = {0};",
        "  int64_t i64buf[16] = {0};",
        "  size_t o_size = 0; int32_t o_i32 = 0; double o_double = 0; tfl_dtype o_dtype = TFL_DTYPE_F32;",
        "  tfl_device_type o_device = TFL_DEVICE_CPU; const char* o_str = NULL; void* o_ptr = NULL;",
        "  tfl_tensor* o_tensor = NULL;",
        "  tfl_tensor* o_tensors[16] = {NULL};",
        "  uint64_t o_u64 = 0;",
        "  tfl_tensor* x = NULL;",
        "  if (tfl_tensor_zeros(&x, dims, 2, TFL_DTYPE_F32) != TFL_OK) { fprintf(stderr, \"setup failed\\n\"); return 1; }",
        "  const tfl_tensor* xs[2] = {x, x};",
        "  (void)o_u64; (void)xs;",
        "  (void)o_size; (void)o_i32; (void)o_double; (void)o_dtype; (void)o_device; (void)o_str; (void)o_ptr;",
    ]
    for fn, arg, expr, value in cases:
        out.append(f'  expect("{fn}", "{arg}", "{value}", {expr});')
        out.append("  tfl_tensor_release(o_tensor); o_tensor = NULL;")
        if "o_tensors" in expr:
            out.append("  for (int i = 0; i < 16; ++i) { tfl_tensor_release(o_tensors[i]); o_tensors[i] = NULL; }")
    out += [
        "  tfl_tensor_release(x);",
        '  printf("%d passed, %d failed\\n", passed, failed);',
        "  return failed == 0 ? 0 : 1;",
        "}",
        "",
    ]
    open(sys.argv[2], "w").write("\n".join(out))


main()
