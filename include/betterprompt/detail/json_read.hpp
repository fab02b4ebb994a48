// SPDX-License-Identifier: BSL-1.0
// Checked reading of JSON fields for the model decoders: failures say which field was wrong.
#pragma once

#include <boost/json/value.hpp>

#include <cmath>
#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace betterprompt::detail {

/// Thrown by the decoders; the transport layer turns it into error::bad_response.
class decode_error : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

inline const boost::json::object& as_object(const boost::json::value& v, std::string_view what) {
  if (const auto* obj = v.if_object()) return *obj;
  throw decode_error(std::string(what) + " is not a JSON object");
}

/// A string field that must be present.
inline std::string required_string(const boost::json::object& obj, std::string_view key) {
  if (const auto* v = obj.if_contains(key); v && v->is_string())
    return std::string(v->get_string());
  throw decode_error("field '" + std::string(key) + "' is missing or not a string");
}

/// A string field that may be absent or null (→ empty); any other type is an error.
inline std::string optional_string(const boost::json::object& obj, std::string_view key) {
  const auto* v = obj.if_contains(key);
  if (!v || v->is_null()) return {};
  if (v->is_string()) return std::string(v->get_string());
  throw decode_error("field '" + std::string(key) + "' is not a string");
}

/// A string field kept as optional: absent or null → nullopt; any other type is an error.
inline std::optional<std::string> nullable_string(const boost::json::object& obj,
                                                  std::string_view key) {
  const auto* v = obj.if_contains(key);
  if (!v || v->is_null()) return std::nullopt;
  if (v->is_string()) return std::string(v->get_string());
  throw decode_error("field '" + std::string(key) + "' is not a string");
}

/// The exact int64 a JSON number stands for: an integer in range, or an integral double in
/// range (checked before any conversion: casting an out-of-range double is undefined behaviour).
inline std::optional<std::int64_t> exact_int64(const boost::json::value& v) noexcept {
  if (v.is_int64()) return v.get_int64();
  if (v.is_uint64()) {
    if (v.get_uint64() > static_cast<std::uint64_t>(INT64_MAX)) return std::nullopt;
    return static_cast<std::int64_t>(v.get_uint64());
  }
  if (!v.is_double()) return std::nullopt;
  const double d = v.get_double();
  // [-2^63, 2^63): both bounds are exact doubles; NaN and infinities fail the comparisons.
  if (!(d >= -9223372036854775808.0 && d < 9223372036854775808.0) || std::trunc(d) != d)
    return std::nullopt;
  return static_cast<std::int64_t>(d);
}

/// An integer field in [min, max] that may be absent or null (→ fallback). Integral doubles are
/// accepted; fractions, out-of-range values and other types are a decode_error naming the field.
inline std::int64_t optional_int(const boost::json::object& obj, std::string_view key,
                                 std::int64_t fallback, std::int64_t min = INT64_MIN,
                                 std::int64_t max = INT64_MAX) {
  const auto* v = obj.if_contains(key);
  if (!v || v->is_null()) return fallback;
  const auto exact = exact_int64(*v);
  if (!exact) {
    if (v->is_number())
      throw decode_error("field '" + std::string(key) + "' is not an integer in range");
    throw decode_error("field '" + std::string(key) + "' is not an integer");
  }
  if (*exact < min || *exact > max)
    throw decode_error("field '" + std::string(key) + "' is out of range (" +
                       std::to_string(*exact) + ")");
  return *exact;
}

/// An array field that may be absent or null (→ nullptr).
inline const boost::json::array* optional_array(const boost::json::object& obj,
                                                std::string_view key) {
  const auto* v = obj.if_contains(key);
  if (!v || v->is_null()) return nullptr;
  if (const auto* arr = v->if_array()) return arr;
  throw decode_error("field '" + std::string(key) + "' is not an array");
}

/// An array of strings that may be absent or null (→ empty); other entries are an error.
inline std::vector<std::string> string_list(const boost::json::object& obj, std::string_view key) {
  std::vector<std::string> out;
  const auto* v = obj.if_contains(key);
  if (!v || v->is_null()) return out;
  const auto* arr = v->if_array();
  if (!arr) throw decode_error("field '" + std::string(key) + "' is not an array");
  out.reserve(arr->size());
  for (const auto& entry : *arr) {
    if (!entry.is_string())
      throw decode_error("field '" + std::string(key) + "' has an entry that is not a string");
    out.emplace_back(entry.get_string());
  }
  return out;
}

/// An object field that may be absent or null (→ nullptr).
inline const boost::json::object* optional_object(const boost::json::object& obj,
                                                  std::string_view key) {
  const auto* v = obj.if_contains(key);
  if (!v || v->is_null()) return nullptr;
  if (const auto* o = v->if_object()) return o;
  throw decode_error("field '" + std::string(key) + "' is not an object");
}

}  // namespace betterprompt::detail
