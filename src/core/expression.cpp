// muParser behind a small interface. The functions are pure and thread-safe (sweeps run
// models on several threads): each thread keeps its own cache of compiled parsers, because
// parsing an expression costs about a hundred times its evaluation and a sweep evaluates the
// same few payoffs on every sample.
#include "entente/expression.hpp"

#include <muParser.h>

#include <algorithm>
#include <cmath>
#include <memory>
#include <unordered_map>
#include <utility>

#include "entente/diagnostics.hpp"

namespace entente::expr {
namespace {

int position_of(const mu::Parser::exception_type& e) { return std::max(0, e.GetPos()); }

// The full parse behind used_variables.
std::vector<std::string> parse_used_variables(const std::string& text,
                                              const std::vector<std::string>& known);

}  // namespace

std::vector<std::string> used_variables(const std::string& text,
                                        const std::vector<std::string>& known) {
  // A text that parsed once uses exactly the variables it used then: with every one of
  // them known again, the parse succeeds with that answer, and only a missing one needs the
  // parser's message. The crisis model asks this of every payoff on every run (its flip
  // inputs), and a parse defines every known name first: a hundred times the lookup.
  constexpr std::size_t kCacheLimit = 4096;
  thread_local std::unordered_map<std::string, std::vector<std::string>> cache_tl;
  auto& cache = cache_tl;
  if (const auto hit = cache.find(text); hit != cache.end()) {
    const bool all_known = std::all_of(hit->second.begin(), hit->second.end(), [&](const auto& v) {
      return std::find(known.begin(), known.end(), v) != known.end();
    });
    if (all_known) return hit->second;
  }
  std::vector<std::string> out = parse_used_variables(text, known);
  if (cache.size() >= kCacheLimit) cache.clear();
  cache.insert_or_assign(text, out);
  return out;
}

namespace {

std::vector<std::string> parse_used_variables(const std::string& text,
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

}  // namespace

namespace {

// A parsed expression whose variables point into `storage`; only `used` (indices into
// storage, with their names) are read by the bytecode, so only they are refreshed per call.
struct Compiled {
  std::unique_ptr<mu::Parser> parser;
  std::vector<double> storage;
  std::vector<std::pair<std::string, std::size_t>> used;
};

// Bounded so an adversarial stream of distinct texts cannot grow a thread's memory forever.
constexpr std::size_t kCacheLimit = 4096;

double checked(const std::string& text, double result) {
  if (!std::isfinite(result)) {
    throw ExpressionError("expression '" + text + "' is not finite with these inputs", 0);
  }
  return result;
}

}  // namespace

double evaluate(const std::string& text, const std::map<std::string, double>& values) {
  thread_local std::unordered_map<std::string, Compiled> cache;
  if (auto hit = cache.find(text); hit != cache.end()) {
    Compiled& c = hit->second;
    bool bound = true;
    for (const auto& [name, index] : c.used) {
      const auto v = values.find(name);
      if (v == values.end()) {
        bound = false;
        break;
      }
      c.storage[index] = v->second;
    }
    // A variable missing from this call's values: the full parse below reports it.
    if (bound) {
      try {
        return checked(text, c.parser->Eval());
      } catch (const mu::Parser::exception_type& e) {
        throw ExpressionError("expression '" + text + "': " + e.GetMsg(), position_of(e));
      }
    }
  }
  Compiled c;
  c.parser = std::make_unique<mu::Parser>();
  // Stable storage: muParser keeps pointers to the variables.
  c.storage.reserve(values.size());
  double result = 0.0;
  try {
    for (const auto& [name, v] : values) {
      c.storage.push_back(v);
      c.parser->DefineVar(name, &c.storage.back());
    }
    c.parser->SetExpr(text);
    result = c.parser->Eval();
    for (const auto& [name, ptr] : c.parser->GetUsedVar()) {
      c.used.emplace_back(name, static_cast<std::size_t>(ptr - c.storage.data()));
    }
  } catch (const mu::Parser::exception_type& e) {
    throw ExpressionError("expression '" + text + "': " + e.GetMsg(), position_of(e));
  }
  if (cache.size() >= kCacheLimit) cache.clear();
  cache.insert_or_assign(text, std::move(c));
  return checked(text, result);
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
