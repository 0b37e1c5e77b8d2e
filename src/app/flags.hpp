// Command-line flag checks shared by the two command-line front ends, `entente` and
// `entente-mpi`, so that both accept exactly the same numbers.
#pragma once

#include <cstdint>

#include <CLI/CLI.hpp>

namespace entente::app {

// A CLI11 check of a flag's text with parse_whole_number (a usage error, exit 2, when it
// fails). Shared by `entente` and `entente-mpi`, so both accept exactly the same numbers.
CLI::Validator whole_number(std::uint64_t lo, std::uint64_t hi);

}  // namespace entente::app
