// SPDX-License-Identifier: BSL-1.0
// The one table of routes: the SDK's targets, the events' templates and the emulator's matching
// all come from it, so a target the SDK builds is the route the emulator serves.
#include "support/pch.hpp"

#include <betterprompt/detail/api_routes.hpp>
#include <betterprompt/testing/detail/emulator_routes.hpp>

namespace bp = betterprompt;
using boost::beast::http::verb;

TEST_CASE("a route names its method and template, and builds its target below /v1",
          "[unit][routes]") {
  namespace routes = bp::detail::routes;
  CHECK(routes::get_run.method() == "GET");
  CHECK(std::string_view(routes::get_run.path_template()) == "/v1/runs/{runId}");
  CHECK(routes::get_run.target("a%2Fb") == "/runs/a%2Fb");
  CHECK(routes::list_prompt_versions.target("p") == "/prompts/p/versions");
  CHECK(routes::create_run.method() == "POST");
  CHECK(routes::create_run.target() == "/runs");
  CHECK(routes::get_credits.target() == "/me/credits");
  CHECK(std::string_view(routes::fetch_skillmd.path_template()) == "{skillmdUrl}");
  std::string_view param;
  CHECK_FALSE(routes::get_run.matches("/v1/runs/", param));
  CHECK_FALSE(routes::get_run.matches("/v1/runs/a/b", param));
  CHECK_FALSE(routes::get_run.matches("/v1/runs", param));
  REQUIRE(routes::list_prompt_versions.matches("/v1/prompts/p%20q/versions", param));
  CHECK(param == "p%20q");
}

TEST_CASE("the emulator serves each route at the target the SDK builds for it",
          "[unit][routes]") {
  for (const auto& route : bp::detail::api_routes) {
    CAPTURE(route.name);
    const bool has_param = std::string_view(route.name).find('{') != std::string_view::npos;
    const std::string target =
        std::string(bp::detail::route::version_prefix) + route.target(has_param ? "x%2Fy" : "");
    const auto method = route.method() == "POST" ? verb::post : verb::get;
    const std::string with_query = target + "?limit=5";  // the match views into it
    const auto matched = bp::testing::detail::match_route(method, with_query);
    CHECK(matched.name == route.name);
    CHECK(matched.query == "limit=5");
    if (has_param) {
      REQUIRE(matched.id);
      CHECK(*matched.id == "x/y");  // decoded
    }
    // The other method on the same path is not this route.
    const auto other = bp::testing::detail::match_route(
        method == verb::get ? verb::post : verb::get, target);
    CHECK(other.name != route.name);
  }
  // A literal path wins over a parameter in the same place.
  CHECK(bp::testing::detail::match_route(verb::get, "/v1/prompts/publish?q=a").name ==
        bp::testing::routes::search_prompts);
  CHECK(bp::testing::detail::match_route(verb::get, "/v1/runs/%zz").name.empty());
  CHECK(bp::testing::detail::match_route(verb::delete_, "/v1/runs").name.empty());
}
