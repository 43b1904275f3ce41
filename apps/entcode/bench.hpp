// apps/entcode/bench.hpp — the `entcode bench` subcommand (bench.cpp).
#pragma once

#include <string>
#include <vector>

namespace entcode::cli {

// Benchmarks `files` (a built-in corpus when empty), `reps` runs per figure (median);
// prints a table on stdout. Throws std::runtime_error on a failed round trip.
void bench(const std::vector<std::string>& files, int reps);

}  // namespace entcode::cli
