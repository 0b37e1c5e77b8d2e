// A terminal progress bar (rate and time left), drawn on stderr only when it is a terminal.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>

namespace entente::cli {

class ProgressBar {
 public:
  // `total` units called `unit` ("samples"). Silent when stderr is not a terminal or
  // `enabled` is false.
  ProgressBar(std::uint64_t total, std::string unit, bool enabled = true);
  ~ProgressBar();
  ProgressBar(const ProgressBar&) = delete;
  ProgressBar& operator=(const ProgressBar&) = delete;
  ProgressBar(ProgressBar&&) = delete;
  ProgressBar& operator=(ProgressBar&&) = delete;

  // Sets how many units are done; redraws at most 10 times a second.
  void update(std::uint64_t done);
  // Draws the final state and ends the line.
  void finish();

  // "1:02:03" / "2:03" for a number of seconds; "?" when not finite.
  static std::string duration(double seconds);
  // The bar's line for a state, without terminal control codes (for tests).
  static std::string line(std::uint64_t done, std::uint64_t total, const std::string& unit,
                          double elapsed_seconds, std::size_t width);

 private:
  void draw(std::uint64_t done);

  std::uint64_t total_;
  std::uint64_t start_done_ = 0;
  bool started_ = false;
  std::string unit_;
  bool enabled_;
  bool finished_ = false;
  std::chrono::steady_clock::time_point start_;
  std::chrono::steady_clock::time_point last_draw_;
};

}  // namespace entente::cli
