// SPDX-License-Identifier: BSL-1.0
// Decoding GET /v1/prompts/{id}/versions, whose entries may omit their promptId.
#pragma once

#include <betterprompt/detail/transport/envelope.hpp>
#include <betterprompt/models/page.hpp>
#include <betterprompt/models/prompt.hpp>

#include <string>
#include <vector>

namespace betterprompt::detail {

/// The versions in a listing: a bare array or {"rows": [...]}, current or older-edition entries
/// (older ones name no promptId: it is filled in from the request).
inline boost::system::error_code decode_versions(envelope&& env, const std::string& prompt_id,
                                                 std::vector<prompt>& out, diagnostics& diag) {
  boost::json::array* rows = env.data.if_array();
  if (auto* obj = env.data.if_object())
    if (auto* listed = obj->if_contains("rows")) rows = listed->if_array();
  if (rows) {
    for (auto& row : *rows) {
      if (auto* version = row.if_object(); version && !version->contains("promptId"))
        (*version)["promptId"] = prompt_id;
    }
  }
  page<prompt> listed;
  const auto ec = decode_data<page<prompt>>(std::move(env), listed, diag);
  out = std::move(listed.rows);
  return ec;
}

}  // namespace betterprompt::detail
