// Diagnostics: every problem found in an input, with where it is and what was expected.
#pragma once

#include <stdexcept>
#include <string>
#include <vector>

namespace entente {

// A position in an input text; 1-based line and column, 0 when unknown.
struct SourceLocation {
  std::string file;
  int line = 0;
  int column = 0;
};

// One problem in an input. `path` names the field (e.g. `issues[0].positions.USA.salience`).
struct Diagnostic {
  SourceLocation where;
  std::string path;
  std::string message;
  bool warning = false;  // suspicious, not wrong: reported, never fatal
};

// Formats a diagnostic as `FILE:LINE:COL: error: PATH: MESSAGE` (`warning:` for a warning) (the
// compiler convention, so editors and CI annotate it).
std::string format_diagnostic(const Diagnostic& d);

// Collects diagnostics; loaders keep going after an error so the user sees them all at once.
class Diagnostics {
 public:
  void error(SourceLocation where, std::string path, std::string message);
  [[nodiscard]] bool empty() const { return items_.empty(); }
  [[nodiscard]] std::size_t size() const { return items_.size(); }
  [[nodiscard]] const std::vector<Diagnostic>& items() const { return items_; }
  // All diagnostics, one formatted line each, newline-terminated.
  [[nodiscard]] std::string str() const;

 private:
  std::vector<Diagnostic> items_;
};

// Thrown when an input cannot be turned into a valid object; carries every diagnostic.
class InputError : public std::runtime_error {
 public:
  explicit InputError(Diagnostics diags);
  [[nodiscard]] const Diagnostics& diagnostics() const { return diags_; }

 private:
  Diagnostics diags_;
};

// Suggests the closest candidate to `word` (edit distance ≤ 2 or a third of the length),
// or "" when nothing is near; used for "did you mean" hints on unknown keys and ids.
std::string closest_match(const std::string& word, const std::vector<std::string>& candidates);

}  // namespace entente
