// SPDX-License-Identifier: BSL-1.0
// Bodies of validate_run_request, validate_run_options and run_prompt's steps.
#pragma once

#include <betterprompt/detail/operations/run_prompt_op.hpp>
#include <betterprompt/wait.hpp>
#include <betterprompt/prompts.hpp>
#include <betterprompt/run_prompt.hpp>
#include <betterprompt/runs.hpp>

#include <algorithm>

namespace betterprompt {

namespace detail {
/// invalid_input, with `diag` saying why and naming the field.
inline boost::system::error_code invalid_input(diagnostics& diag, std::string message,
                                               std::string field) {
  diag.message = std::move(message);
  diag.data = {{"field", std::move(field)}};
  return make_error_code(error::invalid_input);
}

// "a, b, c": the names of `items` (inputs, select options), for a message; "none" when empty.
template <class Items, class Name>
std::string joined(const Items& items, Name name) {
  std::string out;
  for (const auto& item : items) {
    if (!out.empty()) out += ", ";
    out += name(item);
  }
  return out.empty() ? "none" : out;
}
template <class Items>
std::string names_of(const Items& items) {
  return joined(items, [](const auto& item) -> const std::string& { return item.name; });
}
}  // namespace detail

BETTERPROMPT_DECL boost::system::error_code detail::check_run_request(const prompt& p,
                                                                      const run_request& request,
                                                                      diagnostics& diag) {
  const auto& fields = p.inputs.text_inputs;
  // Unknown names first: a misspelt name is also a missing one, and the misspelling is the cause.
  for (const auto& input : request.text_inputs) {
    const std::string& name = input.first;  // named: clang 14 cannot capture a structured binding
    const bool known = std::any_of(fields.begin(), fields.end(),
                                   [&](const input_field& f) { return f.name == name; });
    if (!known)
      return detail::invalid_input(diag,
                                   "unknown text input '" + name + "' for prompt '" + p.title +
                                       "' (inputs: " + detail::names_of(fields) + ")",
                                   "inputs.textInputs." + name);
  }
  for (const auto& field : fields) {
    const auto it = request.text_inputs.find(field.name);
    if (field.required && (it == request.text_inputs.end() || it->second.empty()))
      return detail::invalid_input(
          diag, "missing required text input '" + field.name + "' of prompt '" + p.title + "'",
          "inputs.textInputs." + field.name);
  }
  const auto expected = static_cast<std::size_t>(std::max(p.inputs.image_count, 0));
  if (request.image_inputs.size() != expected)
    return detail::invalid_input(diag,
                                 "prompt '" + p.title + "' expects " + std::to_string(expected) +
                                     " image input(s), got " +
                                     std::to_string(request.image_inputs.size()),
                                 "inputs.imageInputs");
  return {};
}

namespace detail {
// "a, b" → {"a", "b"}: how the official client joins the values of a multiple select.
inline std::vector<std::string_view> split_selected(std::string_view joined) {
  std::vector<std::string_view> parts;
  while (true) {
    const auto comma = joined.find(", ");
    parts.push_back(joined.substr(0, comma));
    if (comma == std::string_view::npos) return parts;
    joined.remove_prefix(comma + 2);
  }
}

inline boost::system::error_code check_select(const skill& s, const skill_variable& var,
                                              const std::string& value, diagnostics& diag) {
  const std::string field = "inputs.textInputs." + var.name;
  const auto parts = var.multiple ? split_selected(value) : std::vector<std::string_view>{value};
  for (std::string_view part : parts)
    if (!var.find_value(part))
      return invalid_input(
          diag,
          "'" + std::string(part) + "' is not an option of input '" + var.name + "' of skill '" +
              s.name + "' (options: " +
              joined(var.options, [](const auto& o) -> const std::string& { return o.value; }) +
              ")",
          field);
  const auto count = static_cast<std::int64_t>(parts.size());
  if (var.min_selected && count < *var.min_selected)
    return invalid_input(diag,
                         "input '" + var.name + "' of skill '" + s.name + "' needs at least " +
                             std::to_string(*var.min_selected) + " value(s)",
                         field);
  if (var.max_selected && count > *var.max_selected)
    return invalid_input(diag,
                         "input '" + var.name + "' of skill '" + s.name + "' takes at most " +
                             std::to_string(*var.max_selected) + " value(s)",
                         field);
  return {};
}

inline boost::system::error_code check_option(const model_info& m, const std::string& key,
                                              const std::string& value, diagnostics& diag) {
  const run_option* option = m.find_option(key);
  if (!option)
    return invalid_input(diag, "model '" + m.model + "' has no run option '" + key + "'",
                         "runOptions." + key);
  if (!option->accepts(value))
    return invalid_input(
        diag,
        "run option '" + key + "' of model '" + m.model + "' does not accept '" + value +
            "' (accepts: " + joined(option->options, [](const std::string& v) { return v; }) + ")",
        "runOptions." + key);
  return {};
}
}  // namespace detail

BETTERPROMPT_DECL boost::system::error_code detail::check_run_request(const skill& s,
                                                                      const run_request& request,
                                                                      diagnostics& diag) {
  const auto& variables = s.input_metadata.variables;
  for (const auto& input : request.text_inputs) {
    const std::string& name = input.first;
    const bool known = std::any_of(variables.begin(), variables.end(),
                                   [&](const skill_variable& v) { return v.name == name; });
    if (!known)
      return detail::invalid_input(diag,
                                   "unknown text input '" + name + "' for skill '" + s.name +
                                       "' (inputs: " + detail::names_of(variables) + ")",
                                   "inputs.textInputs." + name);
  }
  for (const auto& var : variables) {
    const auto it = request.text_inputs.find(var.name);
    const bool missing = it == request.text_inputs.end() || it->second.empty();
    if (var.type == skill_variable_type::unknown) continue;
    if (missing) {
      if (var.type == skill_variable_type::text && var.allow_empty) continue;
      return detail::invalid_input(
          diag, "missing text input '" + var.name + "' of skill '" + s.name + "'",
          "inputs.textInputs." + var.name);
    }
    if (var.type == skill_variable_type::select)
      if (auto ec = detail::check_select(s, var, it->second, diag)) return ec;
  }
  const std::size_t expected = s.input_metadata.images.size();
  if (request.image_inputs.size() != expected)
    return detail::invalid_input(diag,
                                 "skill '" + s.name + "' expects " + std::to_string(expected) +
                                     " image input(s), got " +
                                     std::to_string(request.image_inputs.size()),
                                 "inputs.imageInputs");
  return {};
}

BETTERPROMPT_DECL boost::system::error_code detail::check_run_options(const resources& r,
                                                                      const run_request& request,
                                                                      diagnostics& diag) {
  if (!request.run_model.empty()) {
    const model_info* m = r.find_model(request.run_model);
    if (!m)
      return detail::invalid_input(diag, "unknown model '" + request.run_model + "'", "runModel");
    for (const auto& [key, value] : request.run_options)
      if (auto ec = detail::check_option(*m, key, value, diag)) return ec;
    return {};
  }
  for (const auto& [key, value] : request.run_options) {
    const model_info* offering = nullptr;
    bool accepted = false;
    for (const auto& m : r.models) {
      const run_option* option = m.find_option(key);
      if (!option) continue;
      offering = &m;
      if (option->accepts(value)) accepted = true;
    }
    if (!offering)
      return detail::invalid_input(diag, "no model has a run option '" + key + "'",
                                   "runOptions." + key);
    if (!accepted)
      if (auto ec = detail::check_option(*offering, key, value, diag)) return ec;
  }
  return {};
}

BETTERPROMPT_DECL void validate_run_request(const prompt& p, const run_request& request) {
  diagnostics diag;
  detail::throw_if_refused(detail::check_run_request(p, request, diag), std::move(diag));
}

BETTERPROMPT_DECL void validate_run_request(const skill& s, const run_request& request) {
  diagnostics diag;
  detail::throw_if_refused(detail::check_run_request(s, request, diag), std::move(diag));
}

BETTERPROMPT_DECL void validate_run_options(const resources& r, const run_request& request) {
  diagnostics diag;
  detail::throw_if_refused(detail::check_run_options(r, request, diag), std::move(diag));
}

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

BETTERPROMPT_DECL run_prompt_step
run_prompt_state::resources_read(boost::system::error_code ec, resources&& answer,
    diagnostics&& answered,
                                 boost::asio::cancellation_type_t cancelled) {
  requests_ += answered.attempts;
  if (ec) return fail(ec, std::move(answered));
  diagnostics refusal;
  if (auto refused = check_run_options(answer, request_, refusal))
    return fail(refused, std::move(refusal));
  return go(next_step(plan_, step_, false, cancelled));
}

BETTERPROMPT_DECL run_prompt_step
run_prompt_state::prompt_read(boost::system::error_code ec, prompt&& answer,
    diagnostics&& answered,
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
run_prompt_state::run_answered(boost::system::error_code ec, run&& answer,
    diagnostics&& answered,
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
    diagnostics&& answered,
                             boost::asio::cancellation_type_t cancelled) {
  diagnostics diag = std::move(create_failure_.diag);
  if (diag.data.is_null()) diag.data.emplace_object();
  boost::json::object* data = diag.data.if_object();
  reconciled_as as = reconciled_as::failed;
  if (ec) {
    diag.message +=
        "; reconciling it failed (" + error::code_name(ec) + "): " + answered.message;
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
  void operator()(Self& self, boost::system::error_code ec, resources answer, diagnostics answered) {
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
  void operator()(Self& self, boost::system::error_code ec, reconcile_result answer, diagnostics answered) {
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
        return wait_for_run_initiation{state->client(), state->run_id(), state->wait()}(
            std::move(self));
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
