#include "app/result_shape.hpp"

#include <fmt/format.h>

#include <cstdint>
#include <string>

#include "entente/json_shape.hpp"
#include "entente/model_views.hpp"

namespace entente::app {

namespace {

// --- shape checks of stored documents ---
//
// A stored result is read back from a file anyone can edit (or an older or newer entente
// wrote), so nothing about its shape is assumed: nlohmann's accessors throw type_error on
// a wrong type and, for a const missing key, do not even throw. Every field a reader of
// stored runs touches is checked here first, and the first problem is reported by its path.

using namespace shape;

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
      throw ShapeError(fmt::format("{}.scale: min {} is not below max {}", p, lo, hi));
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
    // Each scenario model's own fields, checked by its view (entente/model_views.hpp).
    for (const report::ModelView& view : report::model_views()) {
      if (view.check && models->contains(view.model))
        view.check((*models)[view.model], path + ".models." + view.model);
    }
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
    throw ShapeError(fmt::format("{}.method: '{}'; expected morris or sobol", path, method));
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
          throw ShapeError(fmt::format("{}.total_ci: {} values; expected 2", ip, ci.size()));
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
  } catch (const shape::ShapeError& e) {
    return e.what();
  }
  return "";
}

}  // namespace entente::app
