// SPDX-License-Identifier: BSL-1.0
// Bodies of betterprompt::testing::emulator.
#pragma once

#include <betterprompt/testing/detail/emulator_server.hpp>
#include <betterprompt/testing/emulator.hpp>

#include <boost/beast/core/string.hpp>
#include <boost/json/serialize.hpp>
#include <boost/json/value_from.hpp>

#include <algorithm>
#include <stdexcept>

namespace betterprompt::testing {

BETTERPROMPT_DECL emulator::emulator(boost::asio::any_io_executor ex, emulator_options opts)
    : server_(std::make_shared<detail::emulator_server>(ex, std::move(opts))),
      waiters_(server_->state().waiters),
      executor_(std::move(ex)) {
  server_->start();
}

BETTERPROMPT_DECL emulator::~emulator() { stop(); }

BETTERPROMPT_DECL std::string emulator::base_url() const {
  const std::string& address = server_->options().address;
  const bool v6 = address.find(':') != std::string::npos;
  return std::string(server_->options().tls ? "https://" : "http://") +
         (v6 ? "[" + address + "]" : address) + ":" + std::to_string(port()) + "/v1";
}

BETTERPROMPT_DECL std::uint16_t emulator::port() const { return server_->port(); }

BETTERPROMPT_DECL const std::string& emulator::ca_certificate_pem() const {
  return server_->ca_pem();
}

BETTERPROMPT_DECL client_options emulator::make_client_options() const {
  client_options opts;
  opts.base_url = base_url();
  {
    auto& state = server_->state();
    std::lock_guard lock(state.store.mutex);
    const auto& keys = state.options.api_keys;
    opts.api_key = keys.empty() ? std::string() : keys.front();
  }
  opts.tls.use_system_trust_store = false;
  // Pace the client just under the emulator's own limit (timing jitter must not cause a 429);
  // no client-side limit when the emulator has none.
  const double rate = server_->options().rate_limit_per_second;
  opts.rate_limit.requests_per_second = rate * 0.95;
  opts.rate_limit.burst = std::max(1.0, rate - 1);
  opts.tls.ca_pem = ca_certificate_pem();
  opts.proxy = std::string();  // straight to the emulator, whatever HTTPS_PROXY says
  return opts;
}

BETTERPROMPT_DECL void emulator::add_prompt(emulated_prompt p) {
  auto& state = server_->state();
  std::lock_guard lock(state.store.mutex);
  state.store.add_prompt(std::move(p));
}

BETTERPROMPT_DECL void emulator::add_model(model_info m) {
  auto& state = server_->state();
  std::lock_guard lock(state.store.mutex);
  state.store.models.add(std::move(m));
}

BETTERPROMPT_DECL void emulator::add_skill(emulated_skill s) {
  auto& state = server_->state();
  std::lock_guard lock(state.store.mutex);
  const std::string name = s.name;
  if (!state.store.add_skill(std::move(s)))
    throw std::invalid_argument("skill '" + name + "': its promptId names no prompt");
}

BETTERPROMPT_DECL std::string emulator::resources_hash() const {
  auto& state = server_->state();
  std::lock_guard lock(state.store.mutex);
  return state.store.models.hash();
}

BETTERPROMPT_DECL std::string emulator::describe_catalogue() const {
  auto& state = server_->state();
  std::lock_guard lock(state.store.mutex);
  std::string out = "prompts (latest version first):\n";
  for (const auto* p : state.store.search("")) {
    out += "  " + p->version.title + " [" + p->model + "]\n    promptId        " +
           p->version.prompt_id + "\n    promptVersionId " + p->version.prompt_version_id +
           "\n    inputs         ";
    for (const auto& field : p->version.inputs.text_inputs)
      out += " " + field.name + (field.required ? "" : "?");
    if (p->version.inputs.image_count > 0)
      out += " +" + std::to_string(p->version.inputs.image_count) + " image(s)";
    out += "\n";
  }
  out += "skills:\n";
  for (const auto& [name, s] : state.store.skills()) out += "  " + name + "\n";
  out += "models (GET /v1/resources, hash " + state.store.models.hash() + "):\n";
  for (const auto& m : state.store.models.data().models) {
    out += "  " + m.model + " (" + m.modality_name + ")";
    for (const auto& option : m.available_run_options) {
      out += " " + option.key + "=";
      for (std::size_t i = 0; i < option.options.size(); ++i)
        out += (i ? "|" : "") + option.options[i];
    }
    out += "\n";
  }
  return out;
}

BETTERPROMPT_DECL void emulator::apply_seed(const emulator_seed& seed) {
  auto& state = server_->state();
  {
    std::lock_guard lock(state.store.mutex);
    if (!seed.api_keys.empty()) state.options.api_keys = seed.api_keys;
    if (seed.credits) state.store.set_credits(*seed.credits);
    for (const auto& m : seed.models) state.store.models.add(m);
    for (const auto& p : seed.prompts) state.store.add_prompt(p);
    for (const auto& s : seed.skills)
      if (!state.store.add_skill(s))
        throw std::runtime_error("seeded skill '" + s.name + "': its promptId names no prompt");
  }
  for (const auto& req : seed.runs) {
    // Through the same path as POST /v1/runs, so that seeded runs obey the same rules.
    const auto reply =
        detail::handle_create_run(state, boost::json::serialize(boost::json::value_from(req)));
    if (reply.status != 200 && reply.status != 504)
      throw std::runtime_error("seeded run rejected: " + reply.body);
  }
}

BETTERPROMPT_DECL void emulator::set_credits(std::int64_t credits) {
  auto& state = server_->state();
  std::lock_guard lock(state.store.mutex);
  state.store.set_credits(credits);
}

BETTERPROMPT_DECL void emulator::set_response_delay(const std::string& route,
                                                    std::chrono::milliseconds delay) {
  auto& state = server_->state();
  std::lock_guard lock(state.store.mutex);
  if (delay.count() > 0)
    state.delays[route] = delay;
  else
    state.delays.erase(route);
}

BETTERPROMPT_DECL void emulator::inject_fault(const std::string& route, fault f) {
  auto& state = server_->state();
  std::lock_guard lock(state.store.mutex);
  if (f.count != 0) state.faults[route].push_back(f);
}

BETTERPROMPT_DECL void emulator::clear_faults() {
  auto& state = server_->state();
  std::lock_guard lock(state.store.mutex);
  state.faults.clear();
}

BETTERPROMPT_DECL std::size_t emulator::rate_limited_count() const {
  return server_->state().rate_limited.load();
}

BETTERPROMPT_DECL std::size_t emulator::run_count() const {
  auto& state = server_->state();
  std::lock_guard lock(state.store.mutex);
  return state.store.run_count();
}

BETTERPROMPT_DECL std::vector<emulated_run> emulator::runs() const {
  auto& state = server_->state();
  std::lock_guard lock(state.store.mutex);
  std::vector<emulated_run> out;
  out.reserve(state.store.run_order().size());
  for (const auto& id : state.store.run_order()) {
    const detail::run_record& record = *state.store.find_run(id);
    out.push_back(
        {id, record.final_state.prompt_version_id, record.text_inputs, record.created_at});
  }
  return out;
}

BETTERPROMPT_DECL std::size_t emulator::request_count() const {
  return server_->state().requests.load();
}

BETTERPROMPT_DECL std::size_t emulator::connection_count() const {
  return server_->state().connections.load();
}

BETTERPROMPT_DECL std::vector<received_request> emulator::received_requests() const {
  auto& state = server_->state();
  std::lock_guard lock(state.store.mutex);
  return {state.received.begin(), state.received.end()};
}

BETTERPROMPT_DECL std::optional<std::string> received_request::field(std::string_view name) const {
  for (const auto& f : fields)
    if (boost::beast::iequals(f.name, name)) return f.value;
  return std::nullopt;
}

BETTERPROMPT_DECL void emulator::stop() {
  server_->stop();
  waiters_->stop();
}

}  // namespace betterprompt::testing
