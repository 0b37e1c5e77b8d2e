#include "entente/diagnostics.hpp"

#include <algorithm>
#include <cctype>
#include <numeric>

namespace entente {

std::string format_diagnostic(const Diagnostic& d) {
  std::string out = d.where.file.empty() ? std::string("<input>") : d.where.file;
  if (d.where.line > 0) {
    out += ":" + std::to_string(d.where.line);
    if (d.where.column > 0) out += ":" + std::to_string(d.where.column);
  }
  out += d.warning ? ": warning: " : ": error: ";
  if (!d.path.empty()) out += d.path + ": ";
  out += d.message;
  return out;
}

void Diagnostics::error(SourceLocation where, std::string path, std::string message) {
  items_.push_back({std::move(where), std::move(path), std::move(message)});
}

std::string Diagnostics::str() const {
  std::string out;
  for (const auto& d : items_) out += format_diagnostic(d) + "\n";
  return out;
}

namespace {
std::string first_message(const Diagnostics& diags) {
  if (diags.empty()) return "invalid input";
  return format_diagnostic(diags.items().front());
}

// Levenshtein distance, case-insensitive (keys differ by case are near misses too).
std::size_t edit_distance(const std::string& a, const std::string& b) {
  std::vector<std::size_t> row(b.size() + 1);
  std::iota(row.begin(), row.end(), 0);
  for (std::size_t i = 1; i <= a.size(); ++i) {
    std::size_t prev = row[0];
    row[0] = i;
    for (std::size_t j = 1; j <= b.size(); ++j) {
      const std::size_t cur = row[j];
      const bool same = std::tolower(static_cast<unsigned char>(a[i - 1])) ==
                        std::tolower(static_cast<unsigned char>(b[j - 1]));
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, prev + (same ? 0 : 1)});
      prev = cur;
    }
  }
  return row[b.size()];
}
}  // namespace

InputError::InputError(Diagnostics diags)
    : std::runtime_error(first_message(diags)), diags_(std::move(diags)) {}

std::string closest_match(const std::string& word, const std::vector<std::string>& candidates) {
  std::string best;
  std::size_t best_distance = std::string::npos;
  for (const auto& c : candidates) {
    if (c == word) return "";
    const std::size_t d = edit_distance(word, c);
    if (d < best_distance) {
      best_distance = d;
      best = c;
    }
  }
  // Short ids differ in few letters anyway ("PRK" vs "ROK"): demand closeness in proportion.
  const std::size_t limit = word.size() <= 3 ? 1 : std::max<std::size_t>(2, word.size() / 3);
  if (best_distance > limit) return "";
  return best;
}

}  // namespace entente
