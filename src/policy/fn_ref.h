// FnRef: a non-owning reference to a callable (like llvm::function_ref),
// used for the evaluator's continuations and for builtins that produce many
// results. It never allocates; the referenced callable must outlive it, so
// an FnRef is only passed down a call chain, never stored.
#pragma once

#include <type_traits>

namespace sluice::policy {

template <typename Sig>
class FnRef;
template <typename R, typename... A>
class FnRef<R(A...)> {
 public:
  template <typename F, typename = std::enable_if_t<!std::is_same_v<std::decay_t<F>, FnRef>>>
  FnRef(F&& f)  // NOLINT(google-explicit-constructor)
      : obj_(const_cast<void*>(static_cast<const void*>(&f))),
        call_([](void* o, A... a) -> R { return (*static_cast<std::remove_reference_t<F>*>(o))(a...); }) {}
  R operator()(A... a) const { return call_(obj_, a...); }

 private:
  void* obj_;
  R (*call_)(void*, A...);
};

}  // namespace sluice::policy
