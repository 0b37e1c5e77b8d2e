// muParser behind a small interface. A fresh parser per call keeps the functions pure and
// thread-safe (sweeps run models on several threads); expressions are short, so parsing
// dominates nothing that matters.
#include "entente/expression.hpp"

#include <muParser.h>

#include <algorithm>
#include <cmath>
#include <memory>

#include "entente/diagnostics.hpp"

namespace entente::expr {
namespace {

int position_of(const mu::Parser::exception_type& e) { return std::max(0, e.GetPos()); }

}  // namespace

std::vector<std::string> used_variables(const std::string& text,
                                        const std::vector<std::string>& known) {
  mu::Parser p;
  // Every known name is bound to one dummy: only the parse matters here.
  double dummy = 1.0;
  try {
    for (const auto& k : known) p.DefineVar(k, &dummy);
    p.SetExpr(text);
    // GetUsedVar accepts undefined names (it is meant to discover them), so the parse is
    // forced first: Eval reports an undefined name as an unassignable token.
    (void)p.Eval();
    std::vector<std::string> out;
    for (const auto& [name, ptr] : p.GetUsedVar()) out.push_back(name);
    std::sort(out.begin(), out.end());
    return out;
  } catch (const mu::Parser::exception_type& e) {
    if (e.GetCode() == mu::ecUNASSIGNABLE_TOKEN) {
      const std::string& tok = e.GetToken();
      std::string msg = "unknown variable '" + tok + "' in the expression";
      auto near = closest_match(tok, known);
      if (!near.empty()) {
        msg += "; did you mean '" + near + "'?";
      } else {
        msg += "; expected a param id or an actor quantity such as exposed_troops_USA";
      }
      throw ExpressionError(msg, position_of(e));
    }
    throw ExpressionError("expression does not parse: " + e.GetMsg(), position_of(e));
  }
}

double evaluate(const std::string& text, const std::map<std::string, double>& values) {
  mu::Parser p;
  // Stable storage: muParser keeps pointers to the variables.
  std::vector<double> storage;
  storage.reserve(values.size());
  double result = 0.0;
  try {
    for (const auto& [name, v] : values) {
      storage.push_back(v);
      p.DefineVar(name, &storage.back());
    }
    p.SetExpr(text);
    result = p.Eval();
  } catch (const mu::Parser::exception_type& e) {
    throw ExpressionError("expression '" + text + "': " + e.GetMsg(), position_of(e));
  }
  if (!std::isfinite(result)) {
    throw ExpressionError("expression '" + text + "' is not finite with these inputs", 0);
  }
  return result;
}

std::string sanitize(const std::string& id) {
  std::string out = id;
  std::replace(out.begin(), out.end(), '-', '_');
  std::replace(out.begin(), out.end(), '.', '_');
  return out;
}

const std::vector<std::string>& actor_quantity_names() {
  static const std::vector<std::string> kNames{"capability", "troops", "exposed_troops",
                                               "exposed_units", "weapons_in_range"};
  return kNames;
}

std::vector<std::string> game_variable_names(const Scenario& scenario) {
  std::vector<std::string> out;
  for (const auto& p : scenario.params) out.push_back(p.id);
  for (const auto& a : scenario.actors) {
    for (const auto& q : actor_quantity_names()) out.push_back(q + "_" + sanitize(a.id));
  }
  return out;
}

}  // namespace entente::expr
