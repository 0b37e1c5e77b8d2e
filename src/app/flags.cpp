#include "app/flags.hpp"

#include <fmt/format.h>

#include <string>

#include "app/runs.hpp"

namespace entente::app {

CLI::Validator whole_number(std::uint64_t lo, std::uint64_t hi) {
  return CLI::Validator(
      [lo, hi](std::string& text) {
        std::string error;
        return parse_whole_number(text, lo, hi, error) ? std::string() : error;
      },
      fmt::format("INT in [{}, {}]", lo, hi));
}

}  // namespace entente::app
