// tables_data.hpp — private: raw arrays of the built-in Gaussian CDF tables
// (generated into tables_data.cpp by scripts/gen_gaussian_tables.py).
#pragma once

#include <cstddef>
#include <cstdint>

namespace entcode {
inline namespace v0 {
namespace gaussian {
namespace detail {

struct BuiltinTableData {
  const double* scales;          // one per table (the scale table)
  const std::int32_t* offsets;   // -pmf_center per table
  const std::int32_t* lengths;   // cdf_length per table
  const std::uint32_t* cdf;      // all rows concatenated
  std::size_t tables;
  std::size_t cdf_values;
};

extern const BuiltinTableData kCompressaiDouble;
extern const BuiltinTableData kCompressaiF32;
extern const BuiltinTableData kDcvc;

}  // namespace detail
}  // namespace gaussian
}  // namespace v0
}  // namespace entcode
