// Building small scenarios in code for model tests, and reading the shared actor tables
// independently of the project's loader (so a model test depends on the model only).
#pragma once

#include <optional>
#include <string>
#include <tuple>
#include <vector>

#include "entente/scenario.hpp"

namespace entente::test {

// One actor's inputs on the single issue of a test scenario.
struct Row {
  std::string actor;
  double capability = 0.0;
  double position = 0.0;
  double salience = 0.0;
};

// A scenario with one issue "issue" on [min, max], one actor and one stance per row, and
// the given status quo.
Scenario one_issue(const std::vector<Row>& rows, double min = 0, double max = 100,
                   std::optional<double> status_quo = std::nullopt);

// The rows of a shared-data actor table with columns Actor,Capability,Position,Salience
// in that order (e.g. "bdm/ec-emissions-1994.csv"), parsed with plain string splitting.
std::vector<Row> actor_table_rows(const std::string& shared_relative_path);

// Rows from rapidcheck's raw numbers for property tests: capability in [0, 10], position in
// [0, 100] (steps of 0.1), salience in [0, 1]; at most `max_actors`. `coarse` draws from a
// grid of a few values (capability in tenths of [0, 1], position in tens, salience in
// quarters) so that shared positions, zero weights and exact half splits are common.
std::vector<Row> rows_from(const std::vector<std::tuple<unsigned, unsigned, unsigned>>& raw,
                           bool coarse, std::size_t max_actors = 12);

// True when some row has capability × salience > 0.
bool has_weight(const std::vector<Row>& rows);

}  // namespace entente::test
