// Checked reading of JSON fields for the model decoders: failures say which field was wrong.
#pragma once

#include <boost/json/value.hpp>

#include <cstdint>
#include <stdexcept>
#include <string>
#include <string_view>

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

/// An integer field that may be absent or null (→ fallback). Integral doubles are accepted.
inline std::int64_t optional_int(const boost::json::object& obj, std::string_view key,
                                 std::int64_t fallback) {
  const auto* v = obj.if_contains(key);
  if (!v || v->is_null()) return fallback;
  if (v->is_int64()) return v->get_int64();
  if (v->is_uint64() && v->get_uint64() <= static_cast<std::uint64_t>(INT64_MAX))
    return static_cast<std::int64_t>(v->get_uint64());
  if (v->is_double() &&
      v->get_double() == static_cast<double>(static_cast<std::int64_t>(v->get_double())))
    return static_cast<std::int64_t>(v->get_double());
  throw decode_error("field '" + std::string(key) + "' is not an integer");
}

/// An array field that may be absent or null (→ nullptr).
inline const boost::json::array* optional_array(const boost::json::object& obj,
                                                std::string_view key) {
  const auto* v = obj.if_contains(key);
  if (!v || v->is_null()) return nullptr;
  if (const auto* arr = v->if_array()) return arr;
  throw decode_error("field '" + std::string(key) + "' is not an array");
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
