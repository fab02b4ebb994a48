// SPDX-License-Identifier: BSL-1.0
// Checked reading of JSON fields for the model decoders, without exceptions: a failure says
// which field was wrong.
#pragma once

#include <boost/json/value.hpp>

#include <cmath>
#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

namespace betterprompt::detail {

/// What the public `boost::json::value_to` throws for JSON that is not the model (a bad field).
/// The operations never throw it: they read with a json_reader and report bad_response.
class decode_error : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

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

/// Reads the fields of a JSON document into a model. The first failure is kept, naming the
/// field; a read that fails returns an empty value (an empty object, string, list or nullptr), so
/// that a decoder reads on and its caller checks once: an answer that does not decode is an
/// answer (bad_response), not an exception.
class json_reader {
 public:
  /// Whether a read failed.
  bool failed() const noexcept { return !failure_.empty(); }
  /// The first failure ("field 'runId' is missing or not a string"); empty when none.
  const std::string& failure() const noexcept { return failure_; }
  /// Records a failure of the decoder's own (the first one is kept).
  void fail(std::string message) {
    if (failure_.empty()) failure_ = std::move(message);
  }
  /// Throws decode_error with the failure, if any: what the public value_to does.
  void throw_if_failed() const {
    if (failed()) throw decode_error(failure_);
  }

  /// `v` as an object; an empty one, and a failure naming `what`, if it is not.
  const boost::json::object& object(const boost::json::value& v, std::string_view what) {
    if (const auto* obj = v.if_object()) return *obj;
    fail(std::string(what) + " is not a JSON object");
    return empty_object();
  }

  /// A string field that must be present.
  std::string required_string(const boost::json::object& obj, std::string_view key) {
    if (const auto* v = obj.if_contains(key); v && v->is_string())
      return std::string(v->get_string());
    fail("field '" + std::string(key) + "' is missing or not a string");
    return {};
  }

  /// A string field that may be absent or null (→ empty); any other type is a failure.
  std::string optional_string(const boost::json::object& obj, std::string_view key) {
    const auto* v = obj.if_contains(key);
    if (!v || v->is_null()) return {};
    if (v->is_string()) return std::string(v->get_string());
    fail("field '" + std::string(key) + "' is not a string");
    return {};
  }

  /// A string field kept as optional: absent or null → nullopt; any other type is a failure.
  std::optional<std::string> nullable_string(const boost::json::object& obj, std::string_view key) {
    const auto* v = obj.if_contains(key);
    if (!v || v->is_null()) return std::nullopt;
    if (v->is_string()) return std::string(v->get_string());
    fail("field '" + std::string(key) + "' is not a string");
    return std::nullopt;
  }

  /// An integer field in [min, max] that may be absent or null (→ fallback). Integral doubles
  /// are accepted; fractions, out-of-range values and other types are a failure naming the
  /// field (→ fallback).
  std::int64_t optional_int(const boost::json::object& obj, std::string_view key,
                            std::int64_t fallback, std::int64_t min = INT64_MIN,
                            std::int64_t max = INT64_MAX) {
    const auto* v = obj.if_contains(key);
    if (!v || v->is_null()) return fallback;
    const auto exact = exact_int64(*v);
    if (!exact) {
      fail("field '" + std::string(key) +
           (v->is_number() ? "' is not an integer in range" : "' is not an integer"));
      return fallback;
    }
    if (*exact < min || *exact > max) {
      fail("field '" + std::string(key) + "' is out of range (" + std::to_string(*exact) + ")");
      return fallback;
    }
    return *exact;
  }

  /// An array field that may be absent or null (→ nullptr); any other type is a failure.
  const boost::json::array* optional_array(const boost::json::object& obj, std::string_view key) {
    const auto* v = obj.if_contains(key);
    if (!v || v->is_null()) return nullptr;
    if (const auto* arr = v->if_array()) return arr;
    fail("field '" + std::string(key) + "' is not an array");
    return nullptr;
  }

  /// An array of strings that may be absent or null (→ empty); other entries are a failure.
  std::vector<std::string> string_list(const boost::json::object& obj, std::string_view key) {
    std::vector<std::string> out;
    const auto* arr = optional_array(obj, key);
    if (!arr) return out;
    out.reserve(arr->size());
    for (const auto& entry : *arr) {
      if (!entry.is_string()) {
        fail("field '" + std::string(key) + "' has an entry that is not a string");
        return {};
      }
      out.emplace_back(entry.get_string());
    }
    return out;
  }

  /// An object field that may be absent or null (→ nullptr); any other type is a failure.
  const boost::json::object* optional_object(const boost::json::object& obj, std::string_view key) {
    const auto* v = obj.if_contains(key);
    if (!v || v->is_null()) return nullptr;
    if (const auto* o = v->if_object()) return o;
    fail("field '" + std::string(key) + "' is not an object");
    return nullptr;
  }

 private:
  static const boost::json::object& empty_object() {
    static const boost::json::object empty;
    return empty;
  }

  std::string failure_;
};

/// `v` read as a T by the model's one mapping (the `read_model` overload next to T's
/// declaration), into `in`.
template <class T>
T read_model_as(const boost::json::value& v, json_reader& in) {
  return read_model(v, in, std::type_identity<T>{});
}

/// `v` read as a T, throwing decode_error when it is not one: the public value_to's behaviour.
template <class T>
T read_model_or_throw(const boost::json::value& v) {
  json_reader in;
  T out = read_model_as<T>(v, in);
  in.throw_if_failed();
  return out;
}

}  // namespace betterprompt::detail
