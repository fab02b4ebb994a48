// SPDX-License-Identifier: BSL-1.0
// One page of a listing (runs, search results).
#pragma once

#include <betterprompt/detail/json_read.hpp>

#include <boost/json/conversion.hpp>
#include <boost/json/value.hpp>
#include <boost/json/value_from.hpp>
#include <boost/json/value_to.hpp>

#include <type_traits>
#include <vector>

namespace betterprompt {

/// Rows of one page, and whether more exist beyond it.
template <class T>
struct page {
  std::vector<T> rows{};  ///< In the API's order (newest first for runs).
  bool has_more = false;  ///< More rows exist past this page.
};

namespace detail {
/// Reads {"rows": [...], "hasMore": bool}; a bare array is one complete page. Each row is read
/// by its model's mapping.
template <class T>
page<T> read_model(const boost::json::value& v, json_reader& in, std::type_identity<page<T>>) {
  page<T> out;
  const boost::json::array* rows = v.if_array();
  if (!rows) {
    const auto& obj = in.object(v, "page");
    rows = in.optional_array(obj, "rows");
    if (const auto* more = obj.if_contains("hasMore"); more && more->is_bool())
      out.has_more = more->get_bool();
  }
  if (rows) {
    out.rows.reserve(rows->size());
    for (const auto& row : *rows) out.rows.push_back(read_model_as<T>(row, in));
  }
  return out;
}
}  // namespace detail

/// Decodes {"rows": [...], "hasMore": bool}; a bare array is accepted as one complete page.
/// Throws a decode_error naming a bad field.
template <class T>
page<T> tag_invoke(boost::json::value_to_tag<page<T>>, const boost::json::value& v) {
  return detail::read_model_or_throw<page<T>>(v);
}

/// Encodes {"rows": [...], "hasMore": bool}.
template <class T>
void tag_invoke(boost::json::value_from_tag, boost::json::value& v, const page<T>& p) {
  v = {{"rows", boost::json::value_from(p.rows)}, {"hasMore", p.has_more}};
}

}  // namespace betterprompt
