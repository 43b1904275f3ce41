// test_status.cpp — errc messages and Result<T> semantics.
#include <catch2/catch.hpp>

#include <set>
#include <string>
#include <vector>

#include "entcode/status.hpp"
#include "entcode/version.hpp"

using namespace entcode;

TEST_CASE("every errc has a distinct message", "[status]") {
  std::set<std::string> seen;
  for (int e = 0; e <= static_cast<int>(errc::io_error); ++e) {
    const std::string msg = to_string(static_cast<errc>(e));
    CHECK(msg != "unknown error");
    CHECK(seen.insert(msg).second);
  }
  CHECK(std::string(to_string(errc::truncated)) != to_string(errc::corrupt));
}

TEST_CASE("Result holds a value or an error", "[status]") {
  Result<std::vector<int>> good(std::vector<int>{1, 2, 3});
  REQUIRE(good.ok());
  CHECK(good.error() == errc::ok);
  CHECK(good->size() == 3);
  const std::vector<int> moved = std::move(good).value();
  CHECK(moved == std::vector<int>{1, 2, 3});

  Result<int> bad(errc::corrupt);
  CHECK_FALSE(bad.ok());
  CHECK_FALSE(static_cast<bool>(bad));
  CHECK(bad.error() == errc::corrupt);
}

TEST_CASE("version(): the linked library's version is the header's", "[status]") {
  const std::string expected = std::to_string(ENTCODE_VERSION_MAJOR) + "." + std::to_string(ENTCODE_VERSION_MINOR) + "." +
                               std::to_string(ENTCODE_VERSION_PATCH);
  CHECK(std::string(entcode::version()) == expected);
  CHECK(ENTCODE_VERSION_NUMBER == ENTCODE_VERSION_MAJOR * 10000 + ENTCODE_VERSION_MINOR * 100 + ENTCODE_VERSION_PATCH);
}
