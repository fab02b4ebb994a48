// SPDX-License-Identifier: BSL-1.0
// run_prompt's steps for each option combination, and what a cancellation between two steps
// does, as tables. No sockets, no clock.
#include <catch2/catch.hpp>

#include <betterprompt/detail/decisions/run_prompt_plan.hpp>

#include <vector>

namespace bp = betterprompt;
using bp::detail::run_prompt_plan;
using bp::detail::run_prompt_step;
using cancellation = boost::asio::cancellation_type;

namespace {
/// The steps run_prompt takes when every step succeeds and nothing is cancelled; `finished`:
/// whether the create answers with a finished run (else a 504, then a wait).
std::vector<run_prompt_step> steps(const run_prompt_plan& plan, bool finished) {
  std::vector<run_prompt_step> taken{bp::detail::first_step(plan)};
  while (taken.back() != run_prompt_step::finish && taken.size() < 10)
    taken.push_back(bp::detail::next_step(plan, taken.back(), finished, cancellation::none));
  return taken;
}
}  // namespace

TEST_CASE("run_prompt reads only what its options need before creating",
          "[unit][decisions][run_prompt]") {
  using step = run_prompt_step;
  struct row {
    run_prompt_plan plan;
    std::vector<step> expected;
  };
  const std::vector<row> table{
      // latest version, validated (the default): resolve, create
      {{true, false, false}, {step::fetch_prompt, step::create, step::finish}},
      // latest version, unchecked: the version must still be resolved
      {{false, false, false}, {step::fetch_prompt, step::create, step::finish}},
      // pinned version, validated: read it to check the inputs
      {{true, false, true}, {step::fetch_prompt, step::create, step::finish}},
      // pinned version, unchecked: straight to the create
      {{false, false, true}, {step::create, step::finish}},
      // with a resource cache: the resources first
      {{true, true, false},
       {step::fetch_resources, step::fetch_prompt, step::create, step::finish}},
      {{true, true, true}, {step::fetch_resources, step::fetch_prompt, step::create, step::finish}},
  };
  for (const auto& r : table) {
    INFO("validate " << r.plan.validate << ", resources " << r.plan.check_resources << ", pinned "
                     << r.plan.pinned);
    CHECK(steps(r.plan, true) == r.expected);
  }
}

TEST_CASE("a 504 from the create leads to a wait, and the wait to the end",
          "[unit][decisions][run_prompt]") {
  const run_prompt_plan plan{false, false, true};
  CHECK(steps(plan, false) ==
        std::vector{run_prompt_step::create, run_prompt_step::wait, run_prompt_step::finish});
}

TEST_CASE("any cancellation before the create ends run_prompt, after it, only terminal",
          "[unit][decisions][run_prompt]") {
  using step = run_prompt_step;
  const run_prompt_plan plan{true, true, false};
  struct row {
    step done;
    bool finished;
    cancellation cancelled;
    step expected;
  };
  const std::vector<row> table{
      // nothing sent yet: every type ends it
      {step::fetch_resources, true, cancellation::partial, step::abort},
      {step::fetch_resources, true, cancellation::total, step::abort},
      {step::fetch_prompt, true, cancellation::partial, step::abort},
      {step::fetch_prompt, true, cancellation::terminal, step::abort},
      {step::fetch_prompt, true, cancellation::none, step::create},
      // the run exists and runs on: partial and total are ignored, terminal stops the wait
      {step::create, false, cancellation::partial, step::wait},
      {step::create, false, cancellation::total, step::wait},
      {step::create, false, cancellation::terminal, step::abort},
      {step::create, false, cancellation::terminal | cancellation::partial, step::abort},
      // a finished run is handed back, whatever arrived meanwhile
      {step::create, true, cancellation::terminal, step::finish},
      {step::wait, true, cancellation::terminal, step::finish},
  };
  for (const auto& r : table) {
    INFO("after step " << static_cast<int>(r.done) << ", finished " << r.finished
                       << ", cancellation " << static_cast<int>(r.cancelled));
    CHECK(bp::detail::next_step(plan, r.done, r.finished, r.cancelled) == r.expected);
  }
}

TEST_CASE("a create of unknown outcome is reconciled only when asked and not cancelled",
          "[unit][decisions][run_prompt][reconcile]") {
  using step = run_prompt_step;
  run_prompt_plan on{false, false, true, true, false};
  run_prompt_plan off{false, false, true, false, false};
  using bp::detail::after_create_failure;
  CHECK(after_create_failure(on, true, false, cancellation::none) == step::reconcile);
  CHECK(after_create_failure(off, true, false, cancellation::none) == step::finish);
  // Proven not created: nothing to find.
  CHECK(after_create_failure(on, false, false, cancellation::none) == step::finish);
  // The caller's cancellation or close() ended the create: the caller decides what follows.
  CHECK(after_create_failure(on, true, true, cancellation::none) == step::finish);
  CHECK(after_create_failure(on, true, false, cancellation::terminal) == step::finish);
  CHECK(after_create_failure(on, true, false, cancellation::total) == step::finish);
}

TEST_CASE("after a reconciliation: wait for a found run, resend once only when asked",
          "[unit][decisions][run_prompt][reconcile]") {
  using step = run_prompt_step;
  using as = bp::detail::reconciled_as;
  using bp::detail::after_reconcile;
  run_prompt_plan plain{false, false, true, true, false};
  run_prompt_plan resend{false, false, true, true, true};
  struct row {
    run_prompt_plan plan;
    as answer;
    bool finished, resent;
    cancellation cancelled;
    step expected;
  };
  const std::vector<row> table{
      {plain, as::found, true, false, cancellation::none, step::finish},
      {plain, as::found, false, false, cancellation::none, step::wait},
      {plain, as::found, false, false, cancellation::total, step::wait},  // as after a create
      {plain, as::found, false, false, cancellation::terminal, step::abort},
      {plain, as::not_found, false, false, cancellation::none, step::finish},
      {resend, as::not_found, false, false, cancellation::none, step::create},
      {resend, as::not_found, false, true, cancellation::none, step::finish},  // once only
      {resend, as::not_found, false, false, cancellation::partial, step::abort},
      {resend, as::ambiguous, false, false, cancellation::none, step::finish},  // never resent
      {resend, as::failed, false, false, cancellation::none, step::finish},
  };
  for (std::size_t i = 0; i < table.size(); ++i) {
    INFO("row " << i);
    const row& r = table[i];
    CHECK(after_reconcile(r.plan, r.answer, r.finished, r.resent, r.cancelled) == r.expected);
  }
}
