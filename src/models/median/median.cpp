// The median model: the capability × salience weighted median of the actors' positions,
// with the Condorcet (pairwise majority) winner among those positions beside it.
//
// On one dimension, with actors preferring positions closer to their own (single-peaked,
// symmetric preferences), the median voter theorem says the weighted median beats every
// other position in a weighted pairwise vote (Black 1948). The model computes both, the
// median by its cumulative-weight definition and the Condorcet winner by brute-force
// pairwise comparison, so each checks the other.
#include <algorithm>
#include <cmath>
#include <cstddef>
#include <optional>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

#include <fmt/format.h>

#include "entente/model.hpp"

namespace entente {
namespace {

// Weights are sums of products of decimal inputs, so a split that is exactly even on paper
// can miss W/2 by a few ulps; comparisons of weights treat differences up to this fraction
// of the total weight as equal, so that rounding never decides a tie.
constexpr double kTieTolerance = 1e-12;
// The pairwise comparison costs O(P^3) for P distinct positions; above this it is skipped
// (a bargaining table with 400 distinct positions is far beyond any scenario's size).
constexpr std::size_t kMaxCondorcetPositions = 400;

const ModelInfo& median_info() {
  static const ModelInfo kInfo{"median",
                               "Capability x salience weighted median of positions, with the "
                               "pairwise (Condorcet) winner",
                               ModelInfo::Scope::kIssue,
                               {}};
  return kInfo;
}

// The actors standing at one position, with their summed capability × salience.
struct Point {
  double position = 0.0;
  double weight = 0.0;
  std::vector<std::string> actors;
};

// Distinct positions in increasing order. Players are taken in (position, actor) order so
// that sums, and hence the result, do not depend on the order of actors in the file. Each
// point lists its actors only when `with_actors` (the details; a Monte Carlo sample reads
// the median alone).
std::vector<Point> points_of(std::vector<Player> players, bool with_actors) {
  std::sort(players.begin(), players.end(), [](const Player& a, const Player& b) {
    return std::tie(a.position, a.actor) < std::tie(b.position, b.actor);
  });
  std::vector<Point> points;
  for (const Player& p : players) {
    if (points.empty() || points.back().position != p.position) {
      points.push_back(Point{p.position, 0.0, {}});
    }
    points.back().weight += p.capability * p.salience;
    if (with_actors) points.back().actors.push_back(p.actor);
  }
  return points;
}

std::string join(const std::vector<std::string>& names) {
  std::string out;
  for (const auto& n : names) out += (out.empty() ? "" : ", ") + n;
  return out;
}

struct Median {
  double value = 0.0;
  std::size_t reached = 0;          // index of the point where half the weight is reached
  std::optional<std::size_t> next;  // on an exact tie: the next point with weight
};

// The weighted median of `points` (total weight `total` > 0): the first position at which
// the cumulative weight reaches half the total. Tie rule: when the cumulative weight at
// that position equals exactly half (within kTieTolerance of the total), the median is the
// midpoint between it and the next position that carries weight. The midpoint keeps the
// median symmetric: mirroring the scale mirrors the answer, which "take the lower" would not.
Median weighted_median(const std::vector<Point>& points, double total) {
  const double half = total / 2;
  const double slack = kTieTolerance * total;
  double cumulative = 0.0;
  for (std::size_t k = 0; k < points.size(); ++k) {
    cumulative += points[k].weight;
    if (!(points[k].weight > 0) || cumulative < half - slack) continue;
    Median m{points[k].position, k, std::nullopt};
    if (cumulative <= half + slack) {
      for (std::size_t j = k + 1; j < points.size(); ++j) {
        if (points[j].weight > 0) {
          m.next = j;
          m.value = (points[k].position + points[j].position) / 2;
          break;
        }
      }
    }
    return m;
  }
  // Unreachable with total > 0: the last weighted point's cumulative weight is the total.
  return Median{points.back().position, points.size() - 1, std::nullopt};
}

// Weight of the actors strictly closer to `x` than to `y`; actors equidistant count for
// neither.
double weight_closer(const std::vector<Point>& points, double x, double y) {
  double w = 0.0;
  for (const Point& p : points) {
    if (std::abs(p.position - x) < std::abs(p.position - y)) w += p.weight;
  }
  return w;
}

// Indices of the positions that beat or tie every other position in a weighted pairwise
// vote (weak Condorcet winners), in increasing order of position.
std::vector<std::size_t> weak_condorcet_winners(const std::vector<Point>& points, double total) {
  const double slack = kTieTolerance * total;
  std::vector<std::size_t> winners;
  for (std::size_t i = 0; i < points.size(); ++i) {
    bool unbeaten = true;
    for (std::size_t j = 0; j < points.size() && unbeaten; ++j) {
      if (i == j) continue;
      const double for_i = weight_closer(points, points[i].position, points[j].position);
      const double for_j = weight_closer(points, points[j].position, points[i].position);
      unbeaten = for_i >= for_j - slack;
    }
    if (unbeaten) winners.push_back(i);
  }
  return winners;
}

// `details` false (a Monte Carlo sample): the forecast only, without the cumulative table,
// the Condorcet check (O(k²) in positions) and the trace.
IssueResult median_issue(const Scenario& scenario, const Issue& issue,
                         std::vector<std::string>& warnings, bool details) {
  IssueResult out;
  out.issue = issue.id;
  const std::vector<Player> players = players_on(scenario, issue);
  if (const std::string why = invalid_players(players); !why.empty()) {
    warnings.push_back(fmt::format("issue {}: no forecast: {}", issue.id, why));
    out.trace.push_back("no forecast: " + why);
    return out;
  }
  const std::vector<Point> points = points_of(players, details);
  double total = 0.0;
  for (const Point& p : points) total += p.weight;
  if (!(total > 0)) {
    out.details["total_weight"] = total;
    const std::string why =
        players.empty() ? "no actor takes a stance on it"
                        : "every actor has zero capability x salience, so no position carries "
                          "weight";
    warnings.push_back(fmt::format("issue {}: no forecast: {}", issue.id, why));
    out.trace.push_back("no forecast: " + why);
    out.details["condorcet_winner"] = nullptr;
    return out;
  }
  if (!details) {
    out.forecast = weighted_median(points, total).value;
    return out;
  }
  out.details["total_weight"] = total;

  nlohmann::json cumulative = nlohmann::json::array();
  double running = 0.0;
  for (const Point& p : points) {
    running += p.weight;
    cumulative.push_back({{"position", p.position},
                          {"actors", p.actors},
                          {"weight", p.weight / total},
                          {"cumulative", running / total}});
  }
  out.details["cumulative"] = std::move(cumulative);

  const Median m = weighted_median(points, total);
  out.forecast = m.value;
  out.details["tie"] = m.next.has_value();
  const Point& at = points[m.reached];
  if (m.next) {
    out.trace.push_back(fmt::format(
        "weighted median {:.6g}: cumulative weight is exactly 50% after {:.6g} ({}); the tie "
        "rule takes the midpoint of {:.6g} and the next weighted position {:.6g} ({})",
        m.value, at.position, join(at.actors), at.position, points[*m.next].position,
        join(points[*m.next].actors)));
  } else {
    double before = 0.0;
    for (std::size_t k = 0; k < m.reached; ++k) before += points[k].weight;
    out.trace.push_back(fmt::format(
        "weighted median {:.6g}: cumulative weight reaches 50% at {} ({:.1f}% up to {:.6g}, "
        "{:.1f}% below it)",
        m.value, join(at.actors), 100 * (before + at.weight) / total, at.position,
        100 * before / total));
  }

  if (points.size() > kMaxCondorcetPositions) {
    out.details["condorcet_winner"] = nullptr;
    out.details["condorcet_winners"] = nlohmann::json::array();
    out.trace.push_back(
        fmt::format("Condorcet winner not computed: more than {} distinct "
                    "positions",
                    kMaxCondorcetPositions));
    return out;
  }
  const std::vector<std::size_t> winners = weak_condorcet_winners(points, total);
  nlohmann::json winner_positions = nlohmann::json::array();
  for (std::size_t i : winners) winner_positions.push_back(points[i].position);
  out.details["condorcet_winners"] = winner_positions;
  if (winners.size() == 1) {
    out.details["condorcet_winner"] = points[winners[0]].position;
    out.trace.push_back(
        fmt::format("Condorcet winner {:.6g} ({}): beats every other position "
                    "in a weighted pairwise vote",
                    points[winners[0]].position, join(points[winners[0]].actors)));
  } else {
    out.details["condorcet_winner"] = nullptr;
    std::string listed;
    for (std::size_t i : winners) {
      listed += (listed.empty() ? "" : ", ") + fmt::format("{:.6g}", points[i].position);
    }
    out.trace.push_back(
        winners.empty()
            ? std::string("no Condorcet winner: every position loses some pairwise vote")
            : fmt::format("no single Condorcet winner: positions {} tie each other and beat "
                          "or tie every other position",
                          listed));
  }
  return out;
}

class MedianModel final : public Model {
 public:
  [[nodiscard]] const ModelInfo& info() const override { return median_info(); }

  [[nodiscard]] Result run(const Scenario& scenario, const RunContext& context) const override {
    Result result;
    result.model = info().name;
    for (const Issue& issue : scenario.issues) {
      context.check_stop();
      result.issues.push_back(median_issue(scenario, issue, result.warnings, context.details));
    }
    return result;
  }
};

// Registration at static initialisation is the registry's design (model.hpp).
// NOLINTNEXTLINE(cert-err58-cpp)
const ModelRegistrar kRegistrar(median_info(), [](const ModelOptions& /*options*/) {
  return std::make_unique<MedianModel>();
});

}  // namespace
}  // namespace entente
