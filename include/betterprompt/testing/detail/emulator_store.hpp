// SPDX-License-Identifier: BSL-1.0
// The emulator's data: prompt versions, runs, and the deterministic "model".
#pragma once

#include <betterprompt/models/run.hpp>
#include <betterprompt/testing/detail/emulator_catalogue.hpp>
#include <betterprompt/testing/emulator.hpp>
#include <betterprompt/timestamps.hpp>

#include <cctype>
#include <chrono>
#include <cstdio>
#include <ctime>
#include <map>
#include <mutex>
#include <random>
#include <string>
#include <unordered_map>
#include <vector>

namespace betterprompt::testing::detail {

using clock = std::chrono::steady_clock;

/// A created run: fixed at creation, its visible status derives from the time elapsed.
struct run_record {
  run final_state;  ///< What the run looks like once finished.
  clock::time_point started;
  std::chrono::milliseconds duration{0};
  std::chrono::system_clock::time_point created_at{};  ///< Creation time, exact.
  std::map<std::string, std::string> text_inputs;      ///< As the create gave them.
  std::int64_t credit_estimate = 0;                    ///< Reserved until the run finishes.

  bool finished_at(clock::time_point now) const { return now - started >= duration; }
};

inline emulated_prompt make_demo_prompt(const char* prompt_id, const char* version_id,
                                        const char* title, input_config inputs,
                                        std::string output_template,
                                        std::chrono::milliseconds duration, const char* model) {
  emulated_prompt p;
  p.model = model;
  p.version.prompt_id = prompt_id;
  p.version.prompt_version_id = version_id;
  p.version.title = title;
  p.version.published_at = "2025-08-27T12:34:56.789Z";
  p.version.inputs = std::move(inputs);
  p.output_template = std::move(output_template);
  p.run_duration = duration;
  return p;
}

/// Prompts and runs. Not synchronized itself: callers hold `mutex`.
class emulator_store {
 public:
  std::mutex mutex;
  /// Added to the host's clock for every time the server states (emulator_options::clock_offset).
  std::chrono::milliseconds clock_offset{0};
  /// Added to server_now() for the runs' createdAt alone (emulator_options::stamp_offset).
  std::chrono::milliseconds stamp_offset{0};

  /// The server's clock, now.
  std::chrono::system_clock::time_point server_now() const {
    return std::chrono::system_clock::now() + clock_offset;
  }

  explicit emulator_store(bool demo_prompts, std::int64_t credits)
      : credits_(credits), rng_(std::random_device{}()) {
    if (!demo_prompts) return;
    using std::chrono::milliseconds;
    add_prompt(make_demo_prompt(demo::text_prompt_id, demo::text_prompt_version_id, "Haiku writer",
                                {{{"topic", true}}, 0},
                                "A haiku about {topic}: quiet {topic} waits, then answers.",
                                milliseconds(0), demo::reasoning_model));
    add_prompt(make_demo_prompt(demo::image_prompt_id, demo::image_prompt_version_id,
                                "Image caption generator", {{{"style", false}}, 1},
                                "A {style} caption for {imageCount} image(s).", milliseconds(0),
                                demo::image_model));
    add_prompt(make_demo_prompt(demo::slow_prompt_id, demo::slow_prompt_version_id,
                                "Slow essay writer", {{{"topic", true}}, 0},
                                "An essay about {topic}, after careful thought.",
                                milliseconds(3000), demo::text_model));
    for (auto& skill : demo_skills()) add_skill(std::move(skill));
  }

  /// The model catalogue (GET /v1/resources).
  model_catalogue models;

  /// Adds or replaces (by name) a skill; false when its prompt has no version.
  bool add_skill(emulated_skill s) {
    if (!versions_of_prompt_.contains(s.prompt_id)) return false;
    const std::string name = s.name;
    skills_.insert_or_assign(name, std::move(s));
    return true;
  }

  const emulated_skill* find_skill(const std::string& name) const {
    const auto it = skills_.find(name);
    return it == skills_.end() ? nullptr : &it->second;
  }

  /// Skills by name.
  const std::map<std::string, emulated_skill>& skills() const noexcept { return skills_; }

  /// Runs created from a prompt version (search rows' `uses`).
  std::int64_t uses_of(const std::string& version_id) const {
    const auto it = uses_.find(version_id);
    return it == uses_.end() ? 0 : it->second;
  }

  /// The modality of the model a prompt version runs on (unknown when not in the catalogue).
  modality modality_of(const emulated_prompt& p) const {
    const model_info* m = models.find(p.model);
    return m ? m->modality : modality::unknown;
  }

  void add_prompt(emulated_prompt p) {
    const std::string version_id = p.version.prompt_version_id;
    auto& order = versions_of_prompt_[p.version.prompt_id];
    std::erase(order, version_id);
    order.push_back(version_id);
    versions_[version_id] = std::move(p);
  }

  const emulated_prompt* find_version(const std::string& version_id) const {
    const auto it = versions_.find(version_id);
    return it == versions_.end() ? nullptr : &it->second;
  }

  /// Published (not retired) versions of a prompt, newest first, at most `limit`.
  std::vector<const emulated_prompt*> published_versions(const std::string& prompt_id,
                                                         std::size_t limit) const {
    std::vector<const emulated_prompt*> out;
    const auto it = versions_of_prompt_.find(prompt_id);
    if (it == versions_of_prompt_.end()) return out;
    for (auto v = it->second.rbegin(); v != it->second.rend() && out.size() < limit; ++v) {
      const emulated_prompt* p = find_version(*v);
      if (p && !p->retired) out.push_back(p);
    }
    return out;
  }

  /// The latest published version of every prompt whose title contains `query` (any case),
  /// video prompts excluded (as the API's search).
  std::vector<const emulated_prompt*> search(const std::string& query) const {
    std::vector<const emulated_prompt*> out;
    for (const auto& [prompt_id, versions] : versions_of_prompt_) {
      const auto published = published_versions(prompt_id, 1);
      if (!published.empty() && contains_folded(published[0]->version.title, query) &&
          modality_of(*published[0]) != modality::video)
        out.push_back(published[0]);
    }
    return out;
  }

  /// True when `text` contains `needle`, ignoring ASCII case.
  static bool contains_folded(std::string_view text, std::string_view needle) {
    auto lower = [](std::string_view s) {
      std::string out(s);
      for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      return out;
    };
    return lower(text).find(lower(needle)) != std::string::npos;
  }

  /// Credits left at `now`: finished runs cost their tokens, unfinished ones their estimate.
  /// Kept as running sums (runs settle as their finish time passes), so that it stays cheap with
  /// hundreds of thousands of runs (benchmarks create that many).
  std::int64_t credits_left(clock::time_point now) {
    while (!unsettled_.empty() && unsettled_.begin()->first <= now) {
      const auto& [estimate, tokens] = unsettled_.begin()->second;
      reserved_ -= estimate;
      settled_ += tokens;
      unsettled_.erase(unsettled_.begin());
    }
    return credits_ - settled_ - reserved_;
  }

  void set_credits(std::int64_t credits) { credits_ = credits; }

  /// Run ids, oldest first.
  const std::vector<std::string>& run_order() const noexcept { return run_order_; }

  /// Creates a run. `reasoning`: the model that runs is a reasoning model (its text outputs
  /// carry a thoughtSignature).
  const run_record& create_run(const emulated_prompt& p, const run_request& req,
                               bool reasoning = false) {
    run_record record;
    record.final_state = evaluate(p, req);
    if (reasoning)
      for (auto& out : record.final_state.outputs)
        if (out.type == output_type::text)
          out.thought_signature =
              betterprompt::detail::base64_encode("emulated thought: " + out.data.substr(0, 16));
    record.final_state.run_id = new_uuid();
    record.final_state.prompt_version_id = p.version.prompt_version_id;
    record.final_state.run_name = p.version.title;
    record.final_state.credits = record.final_state.tokens;
    record.started = clock::now();
    record.duration = p.run_duration;
    record.created_at = server_now() + stamp_offset;
    record.final_state.created_at = betterprompt::to_iso8601(record.created_at);
    record.text_inputs = req.text_inputs;
    record.credit_estimate = p.credit_estimate;
    if (record.duration.count() <= 0) {
      settled_ += record.final_state.tokens;
    } else {
      reserved_ += record.credit_estimate;
      unsettled_.emplace(record.started + record.duration,
                         std::pair(record.credit_estimate, record.final_state.tokens));
    }
    const std::string id = record.final_state.run_id;
    ++uses_[p.version.prompt_version_id];
    run_order_.push_back(id);
    return runs_.emplace(id, std::move(record)).first->second;
  }

  const run_record* find_run(const std::string& run_id) const {
    const auto it = runs_.find(run_id);
    return it == runs_.end() ? nullptr : &it->second;
  }

  std::size_t run_count() const noexcept { return runs_.size(); }

  /// The run as a client sees it at `now`: queued for the first quarter of its duration, then
  /// running, then its final state.
  static run snapshot(const run_record& record, clock::time_point now) {
    const auto elapsed = now - record.started;
    if (elapsed >= record.duration) return record.final_state;
    run visible = record.final_state;
    visible.outputs.clear();
    visible.tokens = 0;
    visible.credits.reset();
    visible.status = elapsed * 4 < record.duration ? run_status::queued : run_status::running;
    return visible;
  }

  std::string new_uuid() {
    std::uniform_int_distribution<unsigned> hex_digit(0, 15);
    static constexpr char hex[] = "0123456789abcdef";
    std::string id = "xxxxxxxx-xxxx-4xxx-yxxx-xxxxxxxxxxxx";
    for (char& c : id) {
      if (c == 'x') c = hex[hex_digit(rng_)];
      if (c == 'y') c = hex[8 + hex_digit(rng_) % 4];
    }
    return id;
  }

 private:
  // The deterministic "model": fills the template from the inputs.
  static run evaluate(const emulated_prompt& p, const run_request& req) {
    run result;
    for (const auto& [name, value] : req.text_inputs) {
      if (value.find("[fail]") == std::string::npos) continue;
      result.status = run_status::failed;
      result.outputs.push_back(
          {output_type::error, "error", "the model could not process text input '" + name + "'"});
      result.tokens = 1;
      return result;
    }
    std::string text;
    const std::string& tpl = p.output_template;
    for (std::size_t i = 0; i < tpl.size();) {
      const auto close = tpl[i] == '{' ? tpl.find('}', i) : std::string::npos;
      if (close == std::string::npos) {
        text += tpl[i++];
        continue;
      }
      const std::string name = tpl.substr(i + 1, close - i - 1);
      if (name == "imageCount") {
        text += std::to_string(req.image_inputs.size());
      } else if (const auto it = req.text_inputs.find(name); it != req.text_inputs.end()) {
        text += it->second;
      }
      i = close + 1;
    }
    result.status = run_status::succeeded;
    result.tokens = static_cast<std::int64_t>(text.size() / 4 + 1);
    result.outputs.push_back({output_type::text, "text", std::move(text)});
    return result;
  }

  std::map<std::string, emulated_prompt> versions_;
  std::map<std::string, std::vector<std::string>> versions_of_prompt_;
  std::unordered_map<std::string, run_record> runs_;
  std::map<std::string, emulated_skill> skills_;
  std::map<std::string, std::int64_t> uses_;
  std::vector<std::string> run_order_;
  std::int64_t credits_ = 0;
  std::int64_t settled_ = 0;   // tokens of finished runs
  std::int64_t reserved_ = 0;  // estimates of unfinished runs
  // Unfinished runs by finish time: {estimate, tokens}.
  std::multimap<clock::time_point, std::pair<std::int64_t, std::int64_t>> unsettled_;
  std::mt19937_64 rng_;
};

}  // namespace betterprompt::testing::detail
