// The terminal summary's styling, shared by the model views' summary lines. Private to the
// report (src/report/).
#pragma once

#include <fmt/color.h>
#include <fmt/format.h>

#include <string>

namespace entente::report {

// `text` in `style` when `color` (ANSI escapes), else as it is.
inline std::string styled(bool color, fmt::text_style style, const std::string& text) {
  return color ? fmt::format(style, "{}", text) : text;
}

// A section heading of the summary: "\n" and `text` bold cyan.
inline std::string summary_heading(bool color, const std::string& text) {
  return "\n" + styled(color, fmt::emphasis::bold | fmt::fg(fmt::terminal_color::cyan), text);
}

}  // namespace entente::report
