#include "support/scenario_builder.hpp"

#include <algorithm>
#include <sstream>

#include "support/test_support.hpp"

namespace entente::test {

Scenario one_issue(const std::vector<Row>& rows, double min, double max,
                   std::optional<double> status_quo) {
  Scenario s;
  s.id = "test";
  Issue issue;
  issue.id = "issue";
  issue.scale.min = min;
  issue.scale.max = max;
  if (status_quo) issue.status_quo = Quantity(*status_quo);
  for (const Row& r : rows) {
    Actor a;
    a.id = r.actor;
    a.name = r.actor;
    a.capability = r.capability;
    s.actors.push_back(a);
    issue.stances.push_back(Stance{r.actor, r.position, r.salience});
  }
  s.issues.push_back(issue);
  return s;
}

std::vector<Row> actor_table_rows(const std::string& shared_relative_path) {
  std::istringstream in(read_file(shared_data_path(shared_relative_path)));
  std::vector<Row> rows;
  std::string line;
  std::getline(in, line);  // header
  while (std::getline(in, line)) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line.empty()) continue;
    std::istringstream fields(line);
    Row r;
    std::string cell;
    std::getline(fields, r.actor, ',');
    std::getline(fields, cell, ',');
    r.capability = std::stod(cell);
    std::getline(fields, cell, ',');
    r.position = std::stod(cell);
    std::getline(fields, cell, ',');
    r.salience = std::stod(cell);
    rows.push_back(r);
  }
  return rows;
}

std::vector<Row> rows_from(const std::vector<std::tuple<unsigned, unsigned, unsigned>>& raw,
                           bool coarse, std::size_t max_actors) {
  std::vector<Row> rows;
  for (std::size_t i = 0; i < raw.size() && i < max_actors; ++i) {
    const auto& [c, x, s] = raw[i];
    if (coarse) {
      rows.push_back(Row{"a" + std::to_string(i), (c % 11) / 10.0, (x % 11) * 10.0, (s % 5) / 4.0});
    } else {
      rows.push_back(
          Row{"a" + std::to_string(i), (c % 1001) / 100.0, (x % 1001) / 10.0, (s % 101) / 100.0});
    }
  }
  return rows;
}

bool has_weight(const std::vector<Row>& rows) {
  return std::any_of(rows.begin(), rows.end(),
                     [](const Row& r) { return r.capability * r.salience > 0; });
}

}  // namespace entente::test
