// Bodies of validate_run_request and run_prompt.
#pragma once

#include <betterprompt/detail/call.hpp>
#include <betterprompt/detail/wait_op.hpp>
#include <betterprompt/impl/prompts.ipp>
#include <betterprompt/impl/runs.ipp>
#include <betterprompt/run_prompt.hpp>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <algorithm>

namespace betterprompt {

namespace detail {
[[noreturn]] inline void throw_invalid_input(std::string message, std::string field) {
  diagnostics diag;
  diag.message = std::move(message);
  diag.data = {{"field", std::move(field)}};
  throw error_with_diagnostics(error::invalid_input, std::move(diag));
}
}  // namespace detail

BETTERPROMPT_DECL void validate_run_request(const prompt& p, const run_request& request) {
  const auto& fields = p.inputs.text_inputs;
  for (const auto& field : fields) {
    const auto it = request.text_inputs.find(field.name);
    if (field.required && (it == request.text_inputs.end() || it->second.empty()))
      detail::throw_invalid_input(
          "missing required text input '" + field.name + "' of prompt '" + p.title + "'",
          "inputs.textInputs." + field.name);
  }
  for (const auto& input : request.text_inputs) {
    const std::string& name = input.first;  // named: clang 14 cannot capture a structured binding
    const bool known = std::any_of(fields.begin(), fields.end(),
                                   [&](const input_field& f) { return f.name == name; });
    if (!known)
      detail::throw_invalid_input("unknown text input '" + name + "' for prompt '" + p.title + "'",
                                  "inputs.textInputs." + name);
  }
  const auto expected = static_cast<std::size_t>(std::max(p.inputs.image_count, 0));
  if (request.image_inputs.size() != expected)
    detail::throw_invalid_input("prompt '" + p.title + "' expects " + std::to_string(expected) +
                                    " image input(s), got " +
                                    std::to_string(request.image_inputs.size()),
                                "inputs.imageInputs");
}

BETTERPROMPT_DECL boost::asio::awaitable<run> detail::run_prompt_op(
    std::shared_ptr<client_impl> impl, prompt_ref which, run_inputs inputs,
    run_prompt_options options) {
  detail::require_id(which.id, which.pinned ? "prompt version id" : "prompt id");
  run_request request{which.id, std::move(inputs.text_inputs), std::move(inputs.image_inputs),
                      std::move(inputs.run_options)};
  if (!which.pinned || options.validate) {
    std::string target = which.pinned ? detail::prompt_version_target(which.id)
                                      : detail::prompt_target(which.id, {});
    prompt version = co_await detail::fetch_prompt(impl, std::move(target));
    request.prompt_version_id = version.prompt_version_id;
    if (options.validate) validate_run_request(version, request);
  }
  run created = co_await detail::submit_run(impl, std::move(request));
  if (created.finished()) co_return created;
  const std::string run_id = created.run_id;
  auto [ec, finished] = co_await detail::async_wait_run(
      impl, run_id, options.wait, boost::asio::as_tuple(boost::asio::use_awaitable));
  if (ec) throw error_with_diagnostics(ec, std::move(finished.diag));
  co_return std::move(finished.value);
}

}  // namespace betterprompt
