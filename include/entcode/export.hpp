// export.hpp — ENTCODE_API, the mark on every declaration the shared library exports.
//
// libentcode is built with hidden symbol visibility (meson.build), so only
// declarations marked ENTCODE_API are part of the shared library's ABI; the
// rest (lib-internal helpers, detail namespaces) stay private. The mark is
// harmless for the static library and for programs that include the headers.
// Applies to non-inline functions, classes with out-of-line members, and
// extern variables; templates and inline functions need no mark.
#pragma once

#if defined(_WIN32) || defined(__CYGWIN__)
#define ENTCODE_API
#elif defined(__GNUC__) || defined(__clang__)
#define ENTCODE_API __attribute__((visibility("default")))
#else
#define ENTCODE_API
#endif
