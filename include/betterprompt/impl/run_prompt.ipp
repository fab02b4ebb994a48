// SPDX-License-Identifier: BSL-1.0
// Bodies of run_prompt's steps (run_prompt_state) and of the composed operation that performs
// them.
#pragma once

#include <betterprompt/detail/operations/run_prompt_op.hpp>
#include <betterprompt/prompts.hpp>
#include <betterprompt/run_prompt.hpp>
#include <betterprompt/runs.hpp>
#include <betterprompt/wait.hpp>

namespace betterprompt {

namespace detail {

BETTERPROMPT_DECL run_prompt_state::run_prompt_state(std::shared_ptr<client_handle> client,
                                                     prompt_ref which, run_inputs inputs,
                                                     run_prompt_options options)
    : client_(std::move(client)),
      which_(std::move(which)),
      request_{which_.id, std::move(inputs.text_inputs), std::move(inputs.image_inputs),
               std::move(inputs.run_options), std::move(inputs.run_model)},
      options_(std::move(options)),
      plan_{options_.validate, options_.validate && options_.resources.has_value(), which_.pinned,
            options_.reconcile, options_.resend_if_not_created} {}

BETTERPROMPT_DECL run_prompt_step run_prompt_state::begin() {
  diagnostics refusal;
  if (auto refused =
          refuse_empty_id(which_.id, which_.pinned ? "prompt version id" : "prompt id", refusal))
    return fail(refused, std::move(refusal));
  sent_ = true;  // every first step sends (or completes through another operation)
  return step_ = first_step(plan_);
}

BETTERPROMPT_DECL run_prompt_step run_prompt_state::resources_read(
    boost::system::error_code ec, resources&& answer, diagnostics&& answered,
    boost::asio::cancellation_type_t cancelled) {
  requests_ += answered.attempts;
  if (ec) return fail(ec, std::move(answered));
  diagnostics refusal;
  if (auto refused = check_run_options(answer, request_, refusal))
    return fail(refused, std::move(refusal));
  return go(next_step(plan_, step_, false, cancelled));
}

BETTERPROMPT_DECL run_prompt_step
run_prompt_state::prompt_read(boost::system::error_code ec, prompt&& answer, diagnostics&& answered,
                              boost::asio::cancellation_type_t cancelled) {
  requests_ += answered.attempts;
  if (ec) return fail(ec, std::move(answered));
  request_.prompt_version_id = answer.prompt_version_id;
  if (options_.validate) {
    diagnostics refusal;
    if (auto refused = check_run_request(answer, request_, refusal))
      return fail(refused, std::move(refusal));
  }
  return go(next_step(plan_, step_, false, cancelled));
}

BETTERPROMPT_DECL run_prompt_step
run_prompt_state::run_answered(boost::system::error_code ec, run&& answer, diagnostics&& answered,
                               boost::asio::cancellation_type_t cancelled) {
  requests_ += answered.attempts;
  if (ec && step_ == run_prompt_step::create) {
    const bool may_exist =
        answered.create && answered.create->outcome != create_outcome::not_created;
    const bool by_caller =
        ec == boost::asio::error::operation_aborted || ec == error::client_closed;
    if (after_create_failure(plan_, may_exist, by_caller, cancelled) ==
        run_prompt_step::reconcile) {
      create_failure_ = {ec, std::move(answered)};
      return step_ = run_prompt_step::reconcile;
    }
  }
  if (ec) return fail(ec, std::move(answered));
  const bool finished = answer.finished();
  const run_prompt_step done = step_;
  result_ = std::move(answer);
  // What answered, on success too: the create's request id, then the last poll's.
  if (done == run_prompt_step::create) result_diag_.create_request_id = answered.request_id;
  result_diag_.http_status = answered.http_status;
  result_diag_.request_id = std::move(answered.request_id);
  result_diag_.attempts = requests_;
  if (done == run_prompt_step::wait) return step_ = run_prompt_step::finish;
  return go(next_step(plan_, done, finished, cancelled));
}

BETTERPROMPT_DECL run_prompt_step
run_prompt_state::reconciled(boost::system::error_code ec, reconcile_result&& answer,
                             diagnostics&& answered, boost::asio::cancellation_type_t cancelled) {
  diagnostics diag = std::move(create_failure_.diag);
  if (diag.data.is_null()) diag.data.emplace_object();
  boost::json::object* data = diag.data.if_object();
  reconciled_as as = reconciled_as::failed;
  if (ec) {
    diag.message += "; reconciling it failed (" + error::code_name(ec) + "): " + answered.message;
    if (data) (*data)["reconcile"] = {{"status", "failed"}, {"error", error::code_name(ec)}};
    // The caller's cancellation and close() keep their codes; a broken listing keeps the create's.
    const bool by_caller =
        ec == boost::asio::error::operation_aborted || ec == error::client_closed;
    return fail(by_caller ? ec : create_failure_.ec, std::move(diag));
  }
  const reconcile_result& r = answer;
  as = r.status == reconcile_status::found       ? reconciled_as::found
       : r.status == reconcile_status::not_found ? reconciled_as::not_found
                                                 : reconciled_as::ambiguous;
  const bool finished = r.run && r.run->finished();
  const run_prompt_step next = after_reconcile(plan_, as, finished, resent_, cancelled);
  if (as == reconciled_as::found) {
    result_ = *answer.run;
    return go(next);
  }
  if (next == run_prompt_step::create) {
    resent_ = true;
    return step_ = next;
  }
  if (next == run_prompt_step::abort) return go(next);
  boost::json::array candidates;
  for (const auto& id : r.candidates) candidates.emplace_back(id);
  diag.message += "; reconciled: " + std::string(to_string(r.status)) + " (" + r.reason + ")";
  if (data)
    (*data)["reconcile"] = {{"status", to_string(r.status)},
                            {"reason", r.reason},
                            {"candidates", std::move(candidates)}};
  return fail(create_failure_.ec, std::move(diag));
}

BETTERPROMPT_DECL std::unique_ptr<endpoint_call<prompt>> run_prompt_state::prompt_call() const {
  return std::make_unique<endpoint_call<prompt>>(which_.pinned ? get_prompt_version_call(which_.id)
                                                               : get_prompt_call(which_.id, {}));
}

BETTERPROMPT_DECL std::unique_ptr<endpoint_call<run>> run_prompt_state::create_call() const {
  return std::make_unique<endpoint_call<run>>(create_run_call(request_));
}

BETTERPROMPT_DECL run_prompt_step run_prompt_state::go(run_prompt_step next) {
  if (next != run_prompt_step::abort) return step_ = next;
  diagnostics diag;
  diag.message = "run_prompt: cancelled";
  return fail(boost::asio::error::operation_aborted, std::move(diag));
}

BETTERPROMPT_DECL run_prompt_step run_prompt_state::fail(boost::system::error_code ec,
                                                         diagnostics diag) {
  const std::string& created = result_.run_id;
  if (!created.empty()) {
    // The run exists and keeps going: say which, so that nothing is lost.
    if (diag.data.is_null()) diag.data.emplace_object();
    if (auto* data = diag.data.if_object()) (*data)["runId"] = created;
  }
  ec_ = ec;
  diag.attempts = requests_;
  if (diag.create_request_id.empty())
    diag.create_request_id = std::move(result_diag_.create_request_id);
  result_ = run();
  result_diag_ = std::move(diag);
  return step_ = run_prompt_step::finish;
}

/// The composed operation: performs the step run_prompt_state chose, resumes it with the answer.
/// Every cancellation type reaches the reads and the create (which apply their own rules); the
/// wait gets terminal cancellation only (see next_step).
struct run_prompt_op {
  std::unique_ptr<run_prompt_state> state;

  /// The start, and the completion of a refusal posted by take().
  template <class Self>
  void operator()(Self& self) {
    if (state->refused_at_once()) return complete(self);
    self.reset_cancellation_state(boost::asio::enable_total_cancellation());
    take(self, state->begin());
  }

  template <class Self>
  void operator()(Self& self, boost::system::error_code ec, resources answer,
                  diagnostics answered) {
    take(self, state->resources_read(ec, std::move(answer), std::move(answered), self.cancelled()));
  }

  template <class Self>
  void operator()(Self& self, boost::system::error_code ec, prompt answer, diagnostics answered) {
    take(self, state->prompt_read(ec, std::move(answer), std::move(answered), self.cancelled()));
  }

  template <class Self>
  void operator()(Self& self, boost::system::error_code ec, run answer, diagnostics answered) {
    take(self, state->run_answered(ec, std::move(answer), std::move(answered), self.cancelled()));
  }

  template <class Self>
  void operator()(Self& self, boost::system::error_code ec, reconcile_result answer,
                  diagnostics answered) {
    take(self, state->reconciled(ec, std::move(answer), std::move(answered), self.cancelled()));
  }

 private:
  // The state sits behind a pointer that each step's initiation moves: references into it (the
  // wait options, the run id) stay valid while `self` moves.
  template <class Self>
  void take(Self& self, run_prompt_step next) {
    switch (next) {
      case run_prompt_step::fetch_resources:
        return cached_resources_initiation{state->cache()}(std::move(self));
      case run_prompt_step::fetch_prompt:
        return endpoint_initiation<prompt>{state->client(), state->prompt_call()}(std::move(self));
      case run_prompt_step::create:
        return endpoint_initiation<run>{state->client(), state->create_call()}(std::move(self));
      case run_prompt_step::reconcile:
        return state->reconciliation()(std::move(self));
      case run_prompt_step::wait:
        self.reset_cancellation_state(boost::asio::enable_terminal_cancellation());
        return wait_for_run_initiation{state->client(), state->run_id(),
                                       state->wait()}(std::move(self));
      default:
        if (state->refused_at_once())
          return boost::asio::post(state->client()->executor(), std::move(self));
        return complete(self);
    }
  }

  template <class Self>
  void complete(Self& self) {
    const auto ec = state->error();
    run result = state->take_result();
    diagnostics diag = state->take_diagnostics();
    state.reset();
    self.complete(ec, std::move(result), std::move(diag));
  }
};

BETTERPROMPT_DECL void start_run_prompt(std::shared_ptr<client_handle> client,
                                        std::unique_ptr<run_prompt_arguments> args,
                                        operation_completion<run> handler) {
  auto state = std::make_unique<run_prompt_state>(
      std::move(client), std::move(args->which), std::move(args->inputs), std::move(args->options));
  auto executor = state->client()->executor();
  boost::asio::async_compose<operation_completion<run>, operation_signature<run>>(
      run_prompt_op{std::move(state)}, handler, std::move(executor));
}

}  // namespace detail

}  // namespace betterprompt
