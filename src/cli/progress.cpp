// No C++ progress-bar library is packaged in Debian 12 (indicatif is Rust, tqdm Python);
// this is the few lines the sweep needs.
#include "cli/progress.hpp"

#include <unistd.h>

#include <fmt/format.h>

#include <cmath>
#include <cstdio>

namespace entente::cli {

ProgressBar::ProgressBar(std::uint64_t total, std::string unit, bool enabled)
    : total_(total),
      unit_(std::move(unit)),
      enabled_(enabled && isatty(STDERR_FILENO) != 0),
      start_(std::chrono::steady_clock::now()),
      last_draw_(start_) {}

ProgressBar::~ProgressBar() {
  if (enabled_ && started_ && !finished_) std::fputs("\n", stderr);
}

std::string ProgressBar::duration(double seconds) {
  if (!std::isfinite(seconds) || seconds < 0) return "?";
  const auto s = static_cast<long long>(std::llround(seconds));
  if (s >= 3600) return fmt::format("{}:{:02}:{:02}", s / 3600, (s / 60) % 60, s % 60);
  return fmt::format("{}:{:02}", s / 60, s % 60);
}

std::string ProgressBar::line(std::uint64_t done, std::uint64_t total, const std::string& unit,
                              double elapsed_seconds, std::size_t width) {
  const double fraction = total == 0 ? 1.0 : static_cast<double>(done) / static_cast<double>(total);
  const auto filled = static_cast<std::size_t>(std::floor(fraction * static_cast<double>(width)));
  std::string bar;
  for (std::size_t i = 0; i < width; ++i) bar += i < filled ? "█" : "░";
  const double rate = elapsed_seconds > 0 ? static_cast<double>(done) / elapsed_seconds : NAN;
  const double left = rate > 0 ? static_cast<double>(total - std::min(done, total)) / rate : NAN;
  return fmt::format("{} {}/{} {} {:>4.0f}% · {}/s · {} elapsed · {} left", bar, done, total, unit,
                     100.0 * fraction, std::isfinite(rate) ? fmt::format("{:.0f}", rate) : "?",
                     duration(elapsed_seconds), duration(left));
}

void ProgressBar::draw(std::uint64_t done) {
  const auto now = std::chrono::steady_clock::now();
  const double elapsed = std::chrono::duration<double>(now - start_).count();
  // Rate over this process's work only (a resumed sweep starts part done).
  const std::string text = line(done - start_done_, total_ - start_done_, unit_, elapsed, 30);
  std::fprintf(stderr, "\r\033[2K%s", text.c_str());
  std::fflush(stderr);
  last_draw_ = now;
}

void ProgressBar::update(std::uint64_t done) {
  if (!enabled_) return;
  if (!started_) {
    started_ = true;
    start_done_ = done;
    start_ = std::chrono::steady_clock::now();
    return;
  }
  if (std::chrono::steady_clock::now() - last_draw_ < std::chrono::milliseconds(100)) return;
  draw(done);
}

void ProgressBar::finish() {
  if (!enabled_ || finished_) return;
  if (!started_) {
    started_ = true;
    start_done_ = 0;
  }
  draw(total_);
  std::fputs("\n", stderr);
  finished_ = true;
}

}  // namespace entente::cli
