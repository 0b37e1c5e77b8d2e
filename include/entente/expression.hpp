// Payoff expressions of declared games: arithmetic over named numbers, parsed by muParser
// 2.3 (Debian's libmuparser-dev). The language is muParser's: + - * / ^, comparisons,
// && ||, `c ? a : b`, and functions such as min, max, abs, sqrt, exp, log (docs/crisis.md).
//
// Variable names follow a scheme of this file, not muParser's: identifiers of
// [A-Za-z_][A-Za-z0-9_]*; actor ids are sanitised ('-' and '.' become '_').
#pragma once

#include <map>
#include <stdexcept>
#include <string>
#include <vector>

#include "entente/scenario.hpp"

namespace entente::expr {

// A syntax error or an unknown variable; `position` is the 0-based offset into the text.
class ExpressionError : public std::runtime_error {
 public:
  ExpressionError(const std::string& message, int position)
      : std::runtime_error(message), position_(position) {}
  [[nodiscard]] int position() const { return position_; }

 private:
  int position_;
};

// The variables `text` uses, sorted. Throws ExpressionError when the text does not parse or
// uses a name outside `known` (the message has a "did you mean" when one is close).
std::vector<std::string> used_variables(const std::string& text,
                                        const std::vector<std::string>& known);

// The value of `text` with these variable values. Throws ExpressionError on a syntax error,
// an unknown variable, or a result that is not finite (e.g. division by zero).
double evaluate(const std::string& text, const std::map<std::string, double>& values);

// `id` as a variable-name fragment: '-' and '.' become '_'.
std::string sanitize(const std::string& id);

// The per-actor quantities derived from the scenario (each is `NAME_<actor>`), in order.
const std::vector<std::string>& actor_quantity_names();

// Every variable name a game payoff of `scenario` may use: its params' ids and, for each
// actor, each of actor_quantity_names() suffixed with the sanitised actor id.
std::vector<std::string> game_variable_names(const Scenario& scenario);

}  // namespace entente::expr
