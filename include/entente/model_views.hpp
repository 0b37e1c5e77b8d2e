// How each scenario model's results are shown: one view per model, registered by the
// model's name. The front ends iterate over the registered views and name no model: the
// terminal summary, the report's sections and sweep charts, the shape check of a stored run
// and the what-if's options all come from here. A model's headline numbers reach the
// server's forecast list, the what-if comparison and the CSV export as typed outputs
// (`models.<model>.outputs`) without a view; a view adds what only the model knows how to
// draw. Adding a scenario model: its folder under src/models/ plus one view file in
// src/report/ (docs/architecture.md).
//
// Pure: JSON in, strings and chart specifications out; no I/O.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "entente/report.hpp"

namespace entente::report {

// One scenario model's view. Every function reads `m`, the run document's
// `models.<model>` object (or, for sweep charts, the sweep's outputs of the model), and may
// be empty when the model has nothing of that kind to show.
struct ModelView {
  // The registered model's name: the key of models.<model> in a run document and the
  // `model` of its sweep outputs.
  std::string model;
  // The report section's anchor and heading: also the section that says the model did not
  // run when it applies to the scenario but is missing from the run.
  std::string section_id;
  std::string section_title;
  // Throws shape::ShapeError (entente/json_shape.hpp) naming the first field of `m` (at
  // `path`, e.g. "result.models.crisis") that the functions below would read with another
  // type. A stored document is untrusted: the front ends call this before the others.
  std::function<void(const nlohmann::json& m, const std::string& path)> check;
  // The terminal summary's lines for the model, starting with a blank line; "" when there
  // is nothing to say. `color` adds ANSI styling.
  std::function<std::string(const nlohmann::json& m, bool color)> summary;
  // The report's section(s) for the model; `input` gives the other documents (the alliance
  // timeline).
  std::function<std::vector<Section>(const nlohmann::json& m, const ReportInput& input)> sections;
  // Charts of the model's outputs in a sweep document: `outputs` are the sweep's outputs
  // whose `model` is this one, `samples` the number of draws. Empty function: the outputs
  // join the generic histograms of scenario-model outputs.
  std::function<std::vector<Chart>(const nlohmann::json& outputs, std::uint64_t samples)>
      sweep_charts;
  // Options a what-if run sets for the model unless the request sets them (name, value),
  // and the note the response carries when it does: work an interactive comparison does not
  // read (the crisis model's flip-point search).
  std::vector<std::pair<std::string, std::string>> whatif_options;
  std::string whatif_note;
};

// Every registered view, in registration order (the built-in ones first): the order of the
// summary's blocks and the report's sections.
const std::vector<ModelView>& model_views();

// The view of `model`, or nullptr when none is registered.
const ModelView* find_model_view(const std::string& model);

// Registers `view`, replacing a view already registered for the same model. Not
// thread-safe: call before any front end reads the registry (at start-up, or in a test).
// Throws std::invalid_argument when `view.model` is empty.
void register_model_view(ModelView view);

// The histogram and quantile charts of a set of sweep outputs on one scale: chart ids
// "sweep-hist-<suffix>" and "sweep-quantiles-<suffix>", `what` naming the outputs in titles
// and captions ("issue forecasts"), `unit` the x axis. What sweep_charts draws for the issues
// and a view may draw for its model's outputs.
std::vector<Chart> distribution_charts(const nlohmann::json& outputs, std::uint64_t samples,
                                       const std::string& suffix, const std::string& what,
                                       const std::string& unit);

}  // namespace entente::report
