// The struct behind the tfl_module handle, and the module helpers shared by capi/nn_*.cpp.
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <string>

#include "capi/api_types.h"
#include "core/nn/module.h"

// A reference-counted handle sharing ownership of a module (see Note [Module ownership] in
// core/nn/module.h): the module lives while any handle, parent module or optimizer holds it.
struct tfl_module {
  explicit tfl_module(std::shared_ptr<tfl::nn::Module> m) : impl(std::move(m)) {}
  std::shared_ptr<tfl::nn::Module> impl;
  std::atomic<int32_t> refs{1};
};

// Checks a borrowed module handle argument.
#define TFL_CHECK_MODULE(h) TFL_CHECK_ARG((h) != nullptr, #h, "must not be NULL")

namespace tfl::capi {

// A new handle owning one reference to m.
inline tfl_module* to_handle(std::shared_ptr<nn::Module> m) { return new tfl_module(std::move(m)); }
inline nn::Module& module_of(const tfl_module* h) { return *h->impl; }

// Removes a hook registered through tfl_module_register_*_hook (capi/nn_hooks.cpp); false when
// `handle` names no module hook still registered on a live module. Used by tfl_hook_remove.
bool remove_module_hook(int64_t handle);

}  // namespace tfl::capi
