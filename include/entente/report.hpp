// The self-contained HTML report: Vega-Lite chart specifications generated from a run's
// documents, and the single HTML file that renders them offline with vega, vega-lite and
// vega-embed inlined.
//
// Pure: JSON in, JSON specs and an HTML string out; no I/O. The CLI (`entente report`)
// gathers the documents (run, alliance timeline, map layers, sweep, sensitivity) and
// writes the file.
#pragma once

#include <cstdint>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "entente/scenario.hpp"

namespace entente::report {

// One chart: a Vega-Lite specification with its data inline, and the words around it.
struct Chart {
  std::string id;       // unique in the report; the HTML element id
  std::string title;    // also the spec's title
  std::string caption;  // what the chart shows, one or two sentences (the <figcaption>)
  nlohmann::json spec;  // Vega-Lite v6 specification, data inline
};

struct Section {
  std::string id;     // anchor for the table of contents
  std::string title;  // heading
  std::string intro;  // a paragraph before the charts; may be empty
  std::vector<Chart> charts;
};

// Everything the report is made from. Any document may be null: its sections are then left
// out (or say what is missing).
struct ReportInput {
  nlohmann::json run;          // a `run --json` document (issues, models)
  nlohmann::json timeline;     // alliance_timeline rows (entente/timeline.hpp)
  nlohmann::json map;          // map_layers() output
  nlohmann::json sweep;        // a `sweep --json` document
  nlohmann::json sensitivity;  // a `sensitivity --json` document
  // Models that apply to the scenario but are not in `run` (a run of `-m bdm` alone): the
  // report says so at the top, with `missing_hint` (how to get them), and keeps each such
  // scenario model's section (its view's, entente/model_views.hpp) saying it did not run.
  std::vector<std::string> missing_models;
  std::string missing_hint;
  std::vector<std::string> notes;  // about where the documents came from; shown at the top
  // Map layers at the date the scenario's last force-moving event has been applied
  // (map_layers), and that date; null when no event moves a force.
  nlohmann::json map_after;
  std::string map_after_date;
};

// Header facts.
struct ReportMeta {
  std::string title;        // scenario title
  std::string scenario_id;  // scenario id
  std::string at;           // evaluation date
  std::string created;      // when the report's run was made (UTC)
  std::string run_id;       // "" when the run was computed for the report and not stored
  std::string kind;         // run, sweep, sensitivity
  std::string seed;
  std::string version;  // engine version
};

// The inlined JavaScript libraries (UMD builds).
struct Assets {
  std::string_view vega;
  std::string_view vega_lite;
  std::string_view vega_embed;
};

// Actors on the issue scale (points sized by capability), the anchors labelled, each
// model's forecast a vertical rule. `issue` is one element of a run document's "issues".
Chart issue_chart(const nlohmann::json& issue);

// Position by round per actor from the bdm model's rounds, the round's median dashed. A
// chart with an empty id when the issue has no bdm rounds.
Chart trajectory_chart(const nlohmann::json& issue);

// Health, congruence and each member's risk sharing of one alliance over the timeline
// rows, events marked as rules. Empty id when the alliance is in no row.
Chart alliance_chart(const nlohmann::json& timeline_rows, const std::string& alliance_id,
                     const std::string& alliance_name);

// Decodes the features of TopoJSON object `object` whose ids are in `ids` (all when
// empty) to GeoJSON Features. Throws std::invalid_argument when the topology is malformed.
nlohmann::json topojson_features(const nlohmann::json& topology, const std::string& object,
                                 const std::set<std::string>& ids);

// The map's layers computed from a scenario (events applied): {"labels": [{text, kind
// (line|place), lat, lon}: each line's name and the named places within 300 km of a force
// or line where no force stands], "lines": [GeoJSON
// Features], "rings": [Features: range outlines of enemy weapons of `enemies`' owners
// with a nonzero count], "forces": [{id, unit, owner, kind, lat, lon, strength, exposed,
// weapons_in_range}], "bounds": [lon_min, lat_min, lon_max, lat_max]}. A unit is exposed
// when a weapon of an enemy outside its alliances reaches it (geo::force_exposure).
nlohmann::json map_layers(const Scenario& s);

// The peninsula map: countries from `countries` (GeoJSON Features), the lines, the range
// rings and the forces of `layers` (map_layers), exposed units highlighted. Projection
// fitted to the layers' bounds.
// With `after` (map_layers once the scenario's events that move forces are applied, on
// `after_date`), a radio button switches the forces and rings between the two postures.
Chart map_chart(const nlohmann::json& layers, const nlohmann::json& countries,
                const nlohmann::json& after = nullptr, const std::string& after_date = "");

// Histograms of a sweep's outputs (one panel per output) and their quantiles: the issue
// forecasts, then each scenario model's outputs as its view draws them (model_views.hpp),
// then those of models without a view of their own.
std::vector<Chart> sweep_charts(const nlohmann::json& sweep);

// One tornado chart per output of a sensitivity document: the `top` most influential
// inputs (Morris: signed mean effect μ, ordered by μ*; Sobol: total and first-order
// indices).
std::vector<Chart> sensitivity_charts(const nlohmann::json& sensitivity, std::size_t top = 10);

// Estimated width in pixels of `text` (UTF-8) set in a sans-serif face of `font_size` px,
// erring wide; the crisis tree places its labels with it so that none overlaps.
double text_width(std::string_view text, double font_size);

// The outputs of a sensitivity document that no input moves (every Morris μ* or Sobol
// total index is 0); sensitivity_charts draws no tornado for them.
std::vector<std::string> unmoved_outputs(const nlohmann::json& sensitivity);

// The crisis model's games as trees with the equilibrium path highlighted and its
// credibility thresholds, from a run document's models.crisis; empty when absent.
std::vector<Chart> crisis_charts(const nlohmann::json& crisis);

// Every section of the report, in order: issues, each scenario model's by its view
// (alliances, crisis games, ...: entente/model_views.hpp), map, uncertainty.
std::vector<Section> build_sections(const ReportInput& input, const nlohmann::json& countries);

// The complete HTML document: header, table of contents, sections with one <figure> per
// chart (spec in a <script type="application/json">), the libraries inlined, no external
// reference. Text is HTML-escaped; scripts and specs are escaped so no payload can close
// its <script> element.
std::string render_html(const ReportMeta& meta, const std::vector<Section>& sections,
                        const Assets& assets);

// Escapes &, <, >, " and ' for HTML text and attributes.
std::string html_escape(std::string_view text);

}  // namespace entente::report
