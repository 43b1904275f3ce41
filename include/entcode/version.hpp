// version.hpp — entcode's version, at compile time (macros) and at run time
// (entcode::version(), the library actually linked). The numbers follow the
// meson project version; meson.build refuses to configure when they differ.
// Semantic versioning: the shared library's SONAME carries the major version.
#pragma once

#include "entcode/export.hpp"

#define ENTCODE_VERSION_MAJOR 0
#define ENTCODE_VERSION_MINOR 1
#define ENTCODE_VERSION_PATCH 0
#define ENTCODE_VERSION_NUMBER (ENTCODE_VERSION_MAJOR * 10000 + ENTCODE_VERSION_MINOR * 100 + ENTCODE_VERSION_PATCH)

namespace entcode {
inline namespace v0 {

// "MAJOR.MINOR.PATCH" of the linked library (may differ from the macros above
// when a program runs against a newer shared library).
ENTCODE_API const char* version() noexcept;

}  // namespace v0
}  // namespace entcode
