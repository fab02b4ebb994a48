// SPDX-License-Identifier: BSL-1.0
// Timestamps: ISO 8601 and HTTP dates, read and written.
#include "support/pch.hpp"

namespace bp = betterprompt;

TEST_CASE("timestamps read and write ISO 8601 UTC with milliseconds", "[unit][time]") {
  using std::chrono::milliseconds;
  const std::chrono::system_clock::time_point when{milliseconds(1764936000123)};
  CHECK(bp::to_iso8601(when) == "2025-12-05T12:00:00.123Z");
  CHECK(bp::from_iso8601("2025-12-05T12:00:00.123Z") == when);
  CHECK(bp::from_iso8601("2025-12-05T12:00:00.1234567Z") == when);  // past milliseconds: dropped
  CHECK(bp::from_iso8601("2025-12-05T12:00:00Z") == when - milliseconds(123));
  CHECK(bp::from_iso8601("2025-12-05T12:00:00.5Z") == when + milliseconds(377));
  CHECK(bp::to_iso8601(std::chrono::system_clock::time_point{}) == "1970-01-01T00:00:00.000Z");
  for (const char* bad :
       {"", "2025-12-05", "2025-12-05T12:00:00", "2025-12-05T12:00:00+01:00",
        "2025-13-05T12:00:00Z", "2025-12-05T12:00:00.Z", "yesterday", "2025-12-05T12:00:00Zjunk"}) {
    INFO(bad);
    CHECK_FALSE(bp::from_iso8601(bad));
  }
}

TEST_CASE("HTTP dates read and write IMF-fixdate, and nothing else", "[unit][time]") {
  using std::chrono::milliseconds;
  const std::chrono::system_clock::time_point when{milliseconds(1764936000123)};
  CHECK(bp::to_http_date(when) == "Fri, 05 Dec 2025 12:00:00 GMT");  // the fraction is cut
  CHECK(bp::from_http_date("Fri, 05 Dec 2025 12:00:00 GMT") == when - milliseconds(123));
  CHECK(bp::from_http_date("Sun, 06 Nov 1994 08:49:37 GMT") ==
        std::chrono::system_clock::time_point{std::chrono::seconds(784111777)});
  for (const char* bad : {"", "Sunday, 06-Nov-94 08:49:37 GMT", "Sun Nov  6 08:49:37 1994",
                          "Sun, 06 Nov 1994 08:49:37 UTC", "Sun, 31 Feb 1994 08:49:37 GMT",
                          "Sun, 06 Nox 1994 08:49:37 GMT", "Sun, 06 Nov 1994 24:00:00 GMT",
                          "Sun, 06 Nov 1994 08:49:37 GMT ", "Sun, 6 Nov 1994 08:49:37 GMT"}) {
    INFO(bad);
    CHECK_FALSE(bp::from_http_date(bad));
  }
}

TEST_CASE("timestamps refuse signs, spaces and impossible dates", "[unit][time]") {
  for (const char* bad : {"+025-12-05T12:00:00Z", " 2025-12-05T12:00:00Z", "2025-02-30T12:00:00Z",
                          "2025-12-05T24:00:00Z", "2025-12-05T12:60:00Z", "2025-00-05T12:00:00Z"}) {
    INFO(bad);
    CHECK_FALSE(bp::from_iso8601(bad));
  }
  CHECK(bp::from_iso8601("2024-02-29T00:00:00Z"));  // a leap day
}
