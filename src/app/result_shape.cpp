#include "app/result_shape.hpp"

#include <fmt/format.h>

#include <cstdint>
#include <string>

namespace entente::app {

namespace {

// --- shape checks of stored documents ---
//
// A stored result is read back from a file anyone can edit (or an older or newer entente
// wrote), so nothing about its shape is assumed: nlohmann's accessors throw type_error on
// a wrong type and, for a const missing key, do not even throw. Every field a reader of
// stored runs touches is checked here first, and the first problem is reported by its path.

struct BadShape {
  std::string message;
};

enum class Kind { kObject, kArray, kString, kNumber, kUnsigned, kInteger, kBool };

const char* kind_name(Kind k) {
  switch (k) {
    case Kind::kObject:
      return "an object";
    case Kind::kArray:
      return "an array";
    case Kind::kString:
      return "a string";
    case Kind::kNumber:
      return "a number";
    case Kind::kUnsigned:
      return "a non-negative integer";
    case Kind::kInteger:
      return "an integer";
    case Kind::kBool:
      return "true or false";
  }
  return "?";
}

bool is_kind(const nlohmann::json& j, Kind k) {
  switch (k) {
    case Kind::kObject:
      return j.is_object();
    case Kind::kArray:
      return j.is_array();
    case Kind::kString:
      return j.is_string();
    case Kind::kNumber:
      return j.is_number();
    case Kind::kUnsigned:
      return j.is_number_unsigned() || (j.is_number_integer() && j.get<std::int64_t>() >= 0);
    case Kind::kInteger:
      return j.is_number_integer();
    case Kind::kBool:
      return j.is_boolean();
  }
  return false;
}

// `j` (at `path`) must be of kind `k`.
const nlohmann::json& expect(const nlohmann::json& j, const std::string& path, Kind k) {
  if (!is_kind(j, k)) {
    throw BadShape{fmt::format("{}: expected {}, found {}", path, kind_name(k),
                               j.is_number() ? "a number" : j.type_name())};
  }
  return j;
}

// The object `obj` (at `path`) must have `key`, of kind `k`.
const nlohmann::json& required(const nlohmann::json& obj, const std::string& path,
                               const std::string& key, Kind k) {
  expect(obj, path, Kind::kObject);
  const auto it = obj.find(key);
  if (it == obj.end()) {
    throw BadShape{fmt::format("{}.{}: missing; expected {}", path, key, kind_name(k))};
  }
  return expect(*it, path + "." + key, k);
}

// When the object `obj` has `key`, it is of kind `k` (null is not: `value()` reads null as a
// value of the wrong type). Returns nullptr when absent.
const nlohmann::json* optional_field(const nlohmann::json& obj, const std::string& path,
                                     const std::string& key, Kind k) {
  expect(obj, path, Kind::kObject);
  const auto it = obj.find(key);
  if (it == obj.end()) return nullptr;
  return &expect(*it, path + "." + key, k);
}

// As optional_field, but null is allowed too (fields read only after an is_number()).
void nullable_number(const nlohmann::json& obj, const std::string& path, const std::string& key) {
  expect(obj, path, Kind::kObject);
  const auto it = obj.find(key);
  if (it != obj.end() && !it->is_null()) expect(*it, path + "." + key, Kind::kNumber);
}

std::string at_index(const std::string& path, std::size_t i) {
  return fmt::format("{}[{}]", path, i);
}

// A number, or an object whose "value" is a number (a Quantity as run documents write it).
void number_or_value(const nlohmann::json& obj, const std::string& path, const std::string& key) {
  expect(obj, path, Kind::kObject);
  const auto it = obj.find(key);
  if (it == obj.end()) {
    throw BadShape{fmt::format("{}.{}: missing; expected a number", path, key)};
  }
  if (it->is_number()) return;
  if (it->is_object()) {
    required(*it, path + "." + key, "value", Kind::kNumber);
    return;
  }
  throw BadShape{fmt::format("{}.{}: expected a number or {{\"value\": number}}, found {}", path,
                             key, it->type_name())};
}

void check_alliances(const nlohmann::json& m, const std::string& path) {
  expect(m, path, Kind::kObject);
  optional_field(m, path, "date", Kind::kString);
  const auto* alliances = optional_field(m, path, "alliances", Kind::kArray);
  if (alliances == nullptr) return;
  for (std::size_t i = 0; i < alliances->size(); ++i) {
    const std::string p = at_index(path + ".alliances", i);
    const auto& a = expect((*alliances)[i], p, Kind::kObject);
    optional_field(a, p, "id", Kind::kString);
    optional_field(a, p, "name", Kind::kString);
    optional_field(a, p, "health", Kind::kNumber);
    nullable_number(a, p, "p_honours");
    if (const auto* holds = optional_field(a, p, "p_holds", Kind::kObject)) {
      for (const auto& [h, v] : holds->items()) {
        // Horizons are years, written as object keys: "1", "5", "10".
        if (h.empty() || h.size() > 4 || h.find_first_not_of("0123456789") != std::string::npos) {
          throw BadShape{fmt::format("{}.p_holds: key '{}' is not a number of years", p, h)};
        }
        expect(v, p + ".p_holds." + h, Kind::kNumber);
      }
    }
    if (const auto* iv = optional_field(a, p, "p_holds_interval", Kind::kObject)) {
      for (const auto& [h, v] : iv->items()) {
        const std::string q = p + ".p_holds_interval." + h;
        if (!v.is_array() || v.size() != 2 || !v[0].is_number() || !v[1].is_number()) {
          throw BadShape{fmt::format("{}: expected [lo, hi], two numbers", q)};
        }
      }
    }
    for (const char* fear : {"abandonment", "entrapment"}) {
      if (a.contains("abandonment")) required(a, p, fear, Kind::kObject);
    }
    if (const auto* drivers = optional_field(a, p, "drivers", Kind::kArray)) {
      if (!drivers->empty()) {
        const std::string d = p + ".drivers[0]";
        optional_field(expect((*drivers)[0], d, Kind::kObject), d, "term", Kind::kString);
        optional_field((*drivers)[0], d, "value", Kind::kNumber);
      }
    }
  }
}

void check_crisis(const nlohmann::json& m, const std::string& path) {
  expect(m, path, Kind::kObject);
  const auto* games = optional_field(m, path, "games", Kind::kArray);
  if (games == nullptr) return;
  for (std::size_t i = 0; i < games->size(); ++i) {
    const std::string p = at_index(path + ".games", i);
    const auto& g = expect((*games)[i], p, Kind::kObject);
    for (const char* key : {"id", "name", "solver"}) optional_field(g, p, key, Kind::kString);
    if (const auto* steps = optional_field(g, p, "path", Kind::kArray)) {
      for (std::size_t k = 0; k < steps->size(); ++k) {
        const std::string sp = at_index(p + ".path", k);
        expect((*steps)[k], sp, Kind::kObject);
        for (const char* key : {"player", "action"})
          optional_field((*steps)[k], sp, key, Kind::kString);
      }
    }
    if (const auto* threats = optional_field(g, p, "threats", Kind::kArray)) {
      for (std::size_t k = 0; k < threats->size(); ++k) {
        const std::string tp = at_index(p + ".threats", k);
        const auto& t = expect((*threats)[k], tp, Kind::kObject);
        for (const char* key : {"player", "action", "node"})
          optional_field(t, tp, key, Kind::kString);
        for (const char* key : {"credible", "reached"}) optional_field(t, tp, key, Kind::kBool);
        if (const auto* flips = optional_field(t, tp, "flips", Kind::kArray)) {
          for (std::size_t f = 0; f < flips->size(); ++f) {
            const std::string fp = at_index(tp + ".flips", f);
            optional_field(expect((*flips)[f], fp, Kind::kObject), fp, "text", Kind::kString);
          }
        }
      }
    }
    if (const auto* vars = optional_field(g, p, "variables", Kind::kObject)) {
      for (const auto& [name, v] : vars->items()) {
        if (name.rfind("exposed_", 0) == 0 || name.rfind("weapons_in_range_", 0) == 0) {
          expect(v, p + ".variables." + name, Kind::kNumber);
        }
      }
    }
  }
}

// A `run --json` document: what render_summary, `entente explain` and the report read.
void check_run_document(const nlohmann::json& doc, const std::string& path) {
  expect(doc, path, Kind::kObject);
  const auto& sc = required(doc, path, "scenario", Kind::kObject);
  for (const char* key : {"id", "title", "at"})
    optional_field(sc, path + ".scenario", key, Kind::kString);
  if (doc.contains("run_id") && !doc["run_id"].is_null()) {
    required(doc, path, "run_id", Kind::kInteger);
  }
  const auto& issues = required(doc, path, "issues", Kind::kArray);
  for (std::size_t i = 0; i < issues.size(); ++i) {
    const std::string p = at_index(path + ".issues", i);
    const auto& issue = expect(issues[i], p, Kind::kObject);
    required(issue, p, "id", Kind::kString);
    optional_field(issue, p, "name", Kind::kString);
    const auto& scale = required(issue, p, "scale", Kind::kObject);
    const double lo = required(scale, p + ".scale", "min", Kind::kNumber).get<double>();
    const double hi = required(scale, p + ".scale", "max", Kind::kNumber).get<double>();
    if (!(lo < hi)) {
      throw BadShape{fmt::format("{}.scale: min {} is not below max {}", p, lo, hi)};
    }
    // Anchors and positions may be absent (an issue without them is still a forecast).
    if (const auto* anchors = optional_field(scale, p + ".scale", "anchors", Kind::kArray)) {
      for (std::size_t k = 0; k < anchors->size(); ++k) {
        const std::string ap = at_index(p + ".scale.anchors", k);
        required((*anchors)[k], ap, "value", Kind::kNumber);
        required((*anchors)[k], ap, "label", Kind::kString);
      }
    }
    if (const auto* positions = optional_field(issue, p, "positions", Kind::kObject)) {
      for (const auto& [actor, pos] : positions->items()) {
        const std::string pp = p + ".positions." + actor;
        number_or_value(pos, pp, "position");
        number_or_value(pos, pp, "salience");
        optional_field(pos, pp, "capability", Kind::kNumber);
      }
    }
    const auto& models = required(issue, p, "models", Kind::kObject);
    for (const auto& [model, m] : models.items()) {
      const std::string mp = p + ".models." + model;
      expect(m, mp, Kind::kObject);
      nullable_number(m, mp, "forecast");
      if (const auto* trace = optional_field(m, mp, "trace", Kind::kArray)) {
        for (std::size_t k = 0; k < trace->size(); ++k) {
          expect((*trace)[k], at_index(mp + ".trace", k), Kind::kString);
        }
      }
      if (const auto* rounds = optional_field(m, mp, "rounds", Kind::kArray)) {
        for (std::size_t k = 0; k < rounds->size(); ++k) {
          const std::string rp = at_index(mp + ".rounds", k);
          expect((*rounds)[k], rp, Kind::kObject);
          optional_field((*rounds)[k], rp, "round", Kind::kInteger);
          optional_field((*rounds)[k], rp, "positions", Kind::kObject);
          nullable_number((*rounds)[k], rp, "median");
        }
      }
    }
  }
  if (const auto* models = optional_field(doc, path, "models", Kind::kObject)) {
    for (const auto& [model, m] : models->items()) {
      const std::string mp = path + ".models." + model;
      expect(m, mp, Kind::kObject);
      if (const auto* trace = optional_field(m, mp, "trace", Kind::kArray)) {
        for (std::size_t k = 0; k < trace->size(); ++k) {
          expect((*trace)[k], at_index(mp + ".trace", k), Kind::kString);
        }
      }
    }
    if (models->contains("alliance"))
      check_alliances((*models)["alliance"], path + ".models.alliance");
    if (models->contains("crisis")) check_crisis((*models)["crisis"], path + ".models.crisis");
  }
  if (const auto* warnings = optional_field(doc, path, "warnings", Kind::kArray)) {
    for (std::size_t k = 0; k < warnings->size(); ++k) {
      expect((*warnings)[k], at_index(path + ".warnings", k), Kind::kString);
    }
  }
}

// A `sweep --json` document: what render_sweep_table and the report's sweep charts read.
void check_sweep_document(const nlohmann::json& doc, const std::string& path) {
  expect(doc, path, Kind::kObject);
  if (const auto* sc = optional_field(doc, path, "scenario", Kind::kObject)) {
    for (const char* key : {"id", "title", "at"})
      optional_field(*sc, path + ".scenario", key, Kind::kString);
  }
  required(doc, path, "samples", Kind::kUnsigned);
  required(doc, path, "seed", Kind::kString);
  required(doc, path, "inputs", Kind::kArray);
  if (required(doc, path, "failures", Kind::kUnsigned).get<std::uint64_t>() > 0) {
    required(doc, path, "first_failure", Kind::kString);
  }
  const auto& outputs = required(doc, path, "outputs", Kind::kArray);
  for (std::size_t i = 0; i < outputs.size(); ++i) {
    const std::string p = at_index(path + ".outputs", i);
    const auto& o = expect(outputs[i], p, Kind::kObject);
    required(o, p, "id", Kind::kString);
    optional_field(o, p, "issue", Kind::kString);
    optional_field(o, p, "model", Kind::kString);
    required(o, p, "missing", Kind::kUnsigned);
    nullable_number(o, p, "mean");
    nullable_number(o, p, "sd");
    const auto& q = required(o, p, "quantiles", Kind::kObject);
    for (const char* key : {"p5", "p25", "p50", "p75", "p95"})
      nullable_number(q, p + ".quantiles", key);
    if (const auto* h = optional_field(o, p, "histogram", Kind::kArray)) {
      for (std::size_t k = 0; k < h->size(); ++k)
        expect((*h)[k], at_index(p + ".histogram", k), Kind::kNumber);
    }
    if (const auto* range = optional_field(o, p, "range", Kind::kArray)) {
      for (std::size_t k = 0; k < range->size(); ++k)
        expect((*range)[k], at_index(p + ".range", k), Kind::kNumber);
    }
  }
}

// A `sensitivity --json` document: what render_sensitivity_table and the tornado charts read.
void check_sensitivity_document(const nlohmann::json& doc, const std::string& path) {
  expect(doc, path, Kind::kObject);
  if (const auto* sc = optional_field(doc, path, "scenario", Kind::kObject)) {
    for (const char* key : {"id", "title", "at"})
      optional_field(*sc, path + ".scenario", key, Kind::kString);
  }
  const std::string method = required(doc, path, "method", Kind::kString).get<std::string>();
  if (method != "morris" && method != "sobol") {
    throw BadShape{fmt::format("{}.method: '{}'; expected morris or sobol", path, method)};
  }
  const bool morris = method == "morris";
  required(doc, path, "evaluations", Kind::kUnsigned);
  const auto& outputs = required(doc, path, "outputs", Kind::kArray);
  for (std::size_t i = 0; i < outputs.size(); ++i) {
    const std::string p = at_index(path + ".outputs", i);
    const auto& o = expect(outputs[i], p, Kind::kObject);
    required(o, p, "output", Kind::kString);
    nullable_number(o, p, "variance");
    const auto& inputs = required(o, p, "inputs", Kind::kArray);
    for (std::size_t k = 0; k < inputs.size(); ++k) {
      const std::string ip = at_index(p + ".inputs", k);
      const auto& in = expect(inputs[k], ip, Kind::kObject);
      required(in, ip, "rank", Kind::kInteger);
      required(in, ip, "input", Kind::kString);
      for (const char* key : {"mu", "mu_star", "sigma", "first", "total"})
        nullable_number(in, ip, key);
      if (!morris) {
        const auto& ci = required(in, ip, "total_ci", Kind::kArray);
        if (ci.size() != 2) {
          throw BadShape{fmt::format("{}.total_ci: {} values; expected 2", ip, ci.size())};
        }
        for (std::size_t c = 0; c < 2; ++c) {
          if (!ci[c].is_null()) expect(ci[c], at_index(ip + ".total_ci", c), Kind::kNumber);
        }
      }
    }
  }
}

}  // namespace

std::string result_shape_error(const std::string& kind, const nlohmann::json& doc) {
  try {
    if (kind == "sweep") {
      check_sweep_document(doc, "result");
    } else if (kind == "sensitivity") {
      check_sensitivity_document(doc, "result");
    } else if (kind == "run") {
      check_run_document(doc, "result");
    } else {
      return fmt::format("kind '{}' is not one this entente reads (run, sweep or sensitivity)",
                         kind);
    }
  } catch (const BadShape& e) {
    return e.message;
  }
  return "";
}

}  // namespace entente::app
