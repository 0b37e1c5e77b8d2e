// What every chart of the report shares: the palette, the width, titles, and reading numbers
// from documents defensively. Private to the report (src/report/).
#pragma once

#include <cctype>
#include <string>

#include <nlohmann/json.hpp>

namespace entente::report {

// Okabe–Ito: distinguishable with the common colour-vision deficiencies.
inline const nlohmann::json kPalette = {"#0072B2", "#E69F00", "#009E73", "#CC79A7",
                                        "#56B4E9", "#D55E00", "#F0E442", "#000000"};
inline constexpr const char* kExposedColor = "#D55E00";
inline constexpr const char* kSafeColor = "#0072B2";
inline constexpr int kWidth = 640;

// A number, or the value of a {"distribution", "value"} object; else `fallback`.
inline double number_or(const nlohmann::json& j, double fallback) {
  if (j.is_number()) return j.get<double>();
  // Uncertain inputs are stored as {"distribution", "value"}: the value is what was used.
  if (j.is_object() && j.contains("value") && j["value"].is_number())
    return j["value"].get<double>();
  return fallback;
}

// A Vega-Lite title object.
inline nlohmann::json title(const std::string& text, const std::string& subtitle = "") {
  nlohmann::json t = {{"text", text}, {"anchor", "start"}, {"fontSize", 15}};
  if (!subtitle.empty()) t["subtitle"] = subtitle;
  return t;
}

// `s` with every character but letters and digits replaced by '-': an HTML id.
inline std::string slug(std::string s) {
  for (char& c : s) {
    if (!std::isalnum(static_cast<unsigned char>(c))) c = '-';
  }
  return s;
}

}  // namespace entente::report
