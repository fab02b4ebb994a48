// SPDX-License-Identifier: BSL-1.0
// The emulator's listing and account routes: versions, search, runs, /me.
#pragma once

#include <betterprompt/models/page.hpp>
#include <betterprompt/testing/detail/emulator_editions.hpp>
#include <betterprompt/testing/detail/emulator_http.hpp>
#include <betterprompt/testing/detail/emulator_state.hpp>

#include <boost/json/value_from.hpp>

#include <chrono>
#include <limits>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

namespace betterprompt::testing::detail {

inline boost::json::array prompts_to_json(const std::vector<const emulated_prompt*>& prompts) {
  boost::json::array rows;
  for (const auto* p : prompts) rows.push_back(boost::json::value_from(p->version));
  return rows;
}

inline emulated_response handle_list_prompt_versions(emulator_state& state,
                                                     const std::string& prompt_id) {
  if (!is_uuid(prompt_id)) return validation_error("promptId must be a UUID", "promptId");
  std::lock_guard lock(state.store.mutex);
  const auto versions = state.store.published_versions(prompt_id, 10);
  if (versions.empty()) return envelope_error(betterprompt::error::not_found, "Prompt not found");
  return envelope_success(prompts_to_json(versions));
}

/// A search row: the version plus the documented listing fields.
inline boost::json::value search_row(const emulator_store& store, const emulated_prompt& p) {
  prompt row = p.version;
  row.description = "Demo prompt: " + row.title;
  std::string slug;
  for (char c : row.title) {
    if (std::isalnum(static_cast<unsigned char>(c)))
      slug += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    else if (!slug.empty() && slug.back() != '-')
      slug += '-';
  }
  row.slug = slug;
  row.model = store.models.index_of(p.model);
  row.modality = store.modality_of(p) == modality::image ? 1 : 0;
  row.estimated_credits = p.credit_estimate;
  row.uses = store.uses_of(p.version.prompt_version_id);
  row.up_votes = 0;
  row.samples = boost::json::object();
  boost::json::value config =
      row.config.is_null() ? boost::json::value_from(row.inputs) : row.config;
  row.configs = boost::json::object{{"default", std::move(config)}};
  return boost::json::value_from(row);
}

inline emulated_response handle_search_prompts(emulator_state& state, const std::string& query) {
  if (query.size() > 200) return validation_error("q must have at most 200 characters", "q");
  std::lock_guard lock(state.store.mutex);
  boost::json::array rows;
  for (const auto* p : state.store.search(query)) rows.push_back(search_row(state.store, *p));
  return envelope_success({{"rows", std::move(rows)}, {"hasMore", false}});
}

inline emulated_response handle_get_account(emulator_state&) {
  return envelope_success(
      {{"username", "emulator"}, {"displayName", "Emulator Account"}, {"userFlags", 0}});
}

inline emulated_response handle_get_credits(emulator_state& state) {
  std::lock_guard lock(state.store.mutex);
  return envelope_success({{"credits", state.store.credits_left(clock::now())}});
}

/// The parsed query of GET /v1/runs, or the 422 that rejects it.
struct list_runs_query {
  std::size_t limit = 10;
  std::optional<std::string> starting_after, ending_before;
  std::optional<run_status> status;
  /// Unix milliseconds: the API documents seconds, the newest official client sends
  /// milliseconds, so a value above 10^11 (year 5138 in seconds, 1973 in ms) is taken as ms.
  std::optional<std::int64_t> since_ms, until_ms;
};

/// Above this, a `since`/`until` is Unix milliseconds rather than seconds.
inline constexpr std::int64_t milliseconds_threshold = 100'000'000'000;

inline std::optional<emulated_response> parse_list_runs_query(std::string_view query,
                                                              list_runs_query& out) {
  if (auto text = query_param(query, "limit")) {
    const auto limit = parse_int(*text);
    if (!limit || *limit < 1 || *limit > 50)
      return validation_error("limit must be an integer from 1 to 50", "limit");
    out.limit = static_cast<std::size_t>(*limit);
  }
  out.starting_after = query_param(query, "startingAfter");
  out.ending_before = query_param(query, "endingBefore");
  if (out.starting_after && out.ending_before)
    return validation_error("startingAfter and endingBefore cannot be combined", "startingAfter");
  if (auto text = query_param(query, "status")) {
    out.status = run_status_from_string(*text);
    if (*out.status == run_status::unknown)
      return validation_error("status must be queued, running, succeeded or failed", "status");
  }
  for (auto [name, target] :
       {std::pair{"since", &out.since_ms}, std::pair{"until", &out.until_ms}}) {
    if (auto text = query_param(query, name)) {
      const auto value = parse_int(*text);
      if (!value || *value < 0 || *value > std::numeric_limits<std::int64_t>::max() / 1000)
        return validation_error(std::string(name) + " must be Unix seconds or milliseconds", name);
      *target = *value > milliseconds_threshold ? *value : *value * 1000;
    }
  }
  if (out.since_ms && out.until_ms && *out.since_ms >= *out.until_ms)
    return validation_error("since must be earlier than until", "since");
  return std::nullopt;
}

inline emulated_response handle_list_runs(emulator_state& state, std::string_view query) {
  list_runs_query q;
  if (auto invalid = parse_list_runs_query(query, q)) return std::move(*invalid);
  std::lock_guard lock(state.store.mutex);
  const auto now = clock::now();
  const auto listed_until =
      state.store.server_now() + state.store.stamp_offset - state.options.listing_lag;
  const auto& order = state.store.run_order();  // oldest first
  const std::string* cursor = q.starting_after  ? &*q.starting_after
                              : q.ending_before ? &*q.ending_before
                                                : nullptr;
  // Matching runs newest first, split around the cursor's position in the full order.
  std::vector<run> before_cursor, after_cursor;
  bool cursor_seen = cursor == nullptr;
  for (auto it = order.rbegin(); it != order.rend(); ++it) {
    if (cursor && *it == *cursor) {
      cursor_seen = true;
      continue;
    }
    const run_record& record = *state.store.find_run(*it);
    if (record.created_at > listed_until) continue;  // not in the lagging listing yet
    run visible = emulator_store::snapshot(record, now);
    if (q.status && visible.status != *q.status) continue;
    const auto created_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                                record.created_at.time_since_epoch())
                                .count();
    if (q.since_ms && created_ms < *q.since_ms) continue;
    if (q.until_ms && created_ms >= *q.until_ms) continue;
    (cursor_seen ? after_cursor : before_cursor).push_back(std::move(visible));
  }
  if (!cursor_seen)
    return validation_error("cursor does not name a run",
                            q.starting_after ? "startingAfter" : "endingBefore");
  page<run> result;
  if (q.ending_before) {
    // The newer runs closest to the cursor.
    const std::size_t skip = before_cursor.size() > q.limit ? before_cursor.size() - q.limit : 0;
    result.rows.assign(before_cursor.begin() + static_cast<std::ptrdiff_t>(skip),
                       before_cursor.end());
    result.has_more = skip > 0;
  } else {
    auto& rows = after_cursor;  // everything when there is no cursor
    result.has_more = rows.size() > q.limit;
    if (result.has_more) rows.resize(q.limit);
    result.rows = std::move(rows);
  }
  boost::json::value data = boost::json::value_from(result);
  for (auto& row : data.at("rows").as_array()) {
    auto& obj = row.as_object();
    if (!obj.contains("credits")) obj["credits"] = nullptr;  // documented as int|null
    render_output_types(state.options, row);
  }
  return envelope_success(std::move(data));
}

}  // namespace betterprompt::testing::detail
