// SPDX-License-Identifier: BSL-1.0
// Base64, as images are sent.
#include "support/pch.hpp"

#include <betterprompt/detail/base64.hpp>

namespace bp = betterprompt;

TEST_CASE("base64 encodes with padding", "[unit]") {
  CHECK(bp::detail::base64_encode("") == "");
  CHECK(bp::detail::base64_encode("f") == "Zg==");
  CHECK(bp::detail::base64_encode("fo") == "Zm8=");
  CHECK(bp::detail::base64_encode("foo") == "Zm9v");
  CHECK(bp::detail::base64_encode("foobar") == "Zm9vYmFy");
  CHECK(bp::detail::base64_encode(std::string("\xff\xfe\x00", 3)) == "//4A");
}
