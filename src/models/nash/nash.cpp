// The Nash bargaining model: the asymmetric Nash bargaining solution on an issue's scale.
//
// x* maximises Π_i (u_i(x) − u_i(d))^{α_i} over the points of the scale that no actor
// likes less than the disagreement point d, with α_i the actors' capabilities normalised to
// sum 1 (Nash 1950; asymmetric form: Kalai 1977, Roth 1979). Utilities are
// u_i(x) = −s_i (x − x_i)² (quadratic, default) or −s_i |x − x_i| (linear).
//
// On one dimension the problem is easy to solve exactly:
// - The set where actor i gains at least nothing is |x − x_i| ≤ |d − x_i|, an interval
//   around x_i with d at one end, for both utilities. Their intersection is an interval
//   containing d; it is the single point d as soon as actors stand on both sides of d (or
//   one stands at d): then every move hurts someone and the solution is d.
// - Otherwise f(x) = Σ α_i log(u_i(x) − u_i(d)) is strictly concave inside that interval
//   (log of a positive concave function, strictly so piece by piece), so its maximiser is
//   unique and f' is decreasing. Bisection on the sign of f' (one-sided for the linear
//   utility's kinks) brackets it to 1e-10 of the scale. Comparison-based methods
//   (golden section, Brent's minimiser) cannot: f is flat at its maximum, so function values
//   stop distinguishing points about √ε ≈ 1.5e-8 of the scale away from it.
#include <algorithm>
#include <cmath>
#include <cstddef>
#include <limits>
#include <optional>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

#include <fmt/format.h>

#include "entente/model.hpp"

namespace entente {
namespace {

// Width of the final bracket, as a fraction of the scale's width.
constexpr double kTolerance = 1e-10;
// Relative difference below which the weighted utilities of the two ends of the scale count
// as equal when choosing the worst point (so that rounding never decides it).
constexpr double kTieTolerance = 1e-12;

const ModelInfo& nash_info() {
  static const ModelInfo kInfo{
      "nash",
      "Asymmetric Nash bargaining solution (capability-weighted) against a disagreement point",
      ModelInfo::Scope::kIssue,
      {OptionSpec{"utility",
                  "quadratic",
                  "Actors' utility over the scale: quadratic -s(x-x_i)^2 or linear -s|x-x_i|",
                  {"quadratic", "linear"}},
       OptionSpec{"disagreement",
                  "status-quo",
                  "Disagreement point: the issue's status quo when it has one, else the worst "
                  "end of the scale (status-quo); or always the worst end (worst); or each "
                  "actor's own conflict payoff, its utility at the end of the scale farthest "
                  "from its position (own)",
                  {"status-quo", "worst", "own"}}}};
  return kInfo;
}

enum class Utility { kQuadratic, kLinear };

double utility_of(Utility utility, const Player& p, double x) {
  const double distance = x - p.position;
  return utility == Utility::kQuadratic ? -p.salience * distance * distance
                                        : -p.salience * std::abs(distance);
}

// An actor at the table: positive capability and salience.
struct Bargainer {
  const Player* player = nullptr;
  double alpha = 0.0;  // capability / total capability of the bargainers
  double reach = 0.0;  // |d_i − x_i|: the actor gains exactly within reach of its ideal point
};

// The end of the scale farther from `position`: the worst outcome the scale holds for an
// actor there (the lower end on an exact tie, so that rounding never decides it).
double farther_end(const Scale& scale, double position) {
  return position - scale.min >= scale.max - position ? scale.min : scale.max;
}

// Slope of f(x) = Σ α_i log g_i(x) at x, from the right (side > 0) or the left (side < 0),
// for x strictly inside every bargainer's gain interval. Saliences cancel: g_i = s_i·h_i(x)
// and (log g_i)' = h_i'/h_i. Returns ±infinity when rounding puts x on an interval's edge,
// pointing back inside.
double slope(Utility utility, const std::vector<Bargainer>& bargainers, double x, int side) {
  double sum = 0.0;
  for (const Bargainer& b : bargainers) {
    const double offset = x - b.player->position;
    const double gap = b.reach - std::abs(offset);  // > 0 strictly inside
    if (!(gap > 0)) {
      return offset > 0 ? -std::numeric_limits<double>::infinity()
                        : std::numeric_limits<double>::infinity();
    }
    if (utility == Utility::kQuadratic) {
      // h = r² − offset² = (r − |offset|)(r + |offset|), factored for accuracy near the edge.
      sum += b.alpha * (-2 * offset) / (gap * (b.reach + std::abs(offset)));
    } else {
      // h = r − |offset|; d|offset|/dx is +1 right of x_i, −1 left of it, and at x_i
      // +1 from the right and −1 from the left.
      const bool rising = side > 0 ? offset >= 0 : offset > 0;
      sum += b.alpha * (rising ? -1.0 : 1.0) / gap;
    }
  }
  return sum;
}

// The maximiser of f on [lo, hi], where lo < hi, (lo, hi) lies strictly inside every gain
// interval [left, right] (left ≤ lo, hi ≤ right), and an end that is not an interval edge is
// a bound of the scale. f is strictly concave, so: an end that is a scale bound is the
// answer if f does not decrease into it; otherwise bisect on the sign of the slope.
double maximise(Utility utility, const std::vector<Bargainer>& bargainers, double lo, double hi,
                double left, double right, double tolerance) {
  if (hi < right && slope(utility, bargainers, hi, -1) >= 0) return hi;
  if (lo > left && slope(utility, bargainers, lo, +1) <= 0) return lo;
  double a = lo;
  double b = hi;
  while (b - a > tolerance) {
    const double m = a + (b - a) / 2;
    if (m <= a || m >= b) break;  // the bracket is down to adjacent doubles
    if (slope(utility, bargainers, m, +1) > 0) {
      a = m;
    } else if (slope(utility, bargainers, m, -1) < 0) {
      b = m;
    } else {
      return m;  // a kink where the slope changes sign: the maximum itself
    }
  }
  return a + (b - a) / 2;
}

std::string join(const std::vector<std::string>& names) {
  std::string out;
  for (const auto& n : names) out += (out.empty() ? "" : ", ") + n;
  return out;
}

class NashModel final : public Model {
 public:
  explicit NashModel(const ModelOptions& options)
      : utility_(options.str("utility") == "linear" ? Utility::kLinear : Utility::kQuadratic),
        always_worst_(options.str("disagreement") == "worst"),
        own_(options.str("disagreement") == "own") {}

  [[nodiscard]] const ModelInfo& info() const override { return nash_info(); }

  [[nodiscard]] Result run(const Scenario& scenario, const RunContext& context) const override {
    Result result;
    result.model = info().name;
    for (const Issue& issue : scenario.issues) {
      context.check_stop();
      result.issues.push_back(solve(scenario, issue, result.warnings, context.details));
    }
    return result;
  }

 private:
  // The disagreement point and where it came from. The worst point is the end of the scale
  // with the lower capability-weighted utility Σ α_i u_i; as that sum is concave, no interior
  // point is worse. For both utilities it is the end farther from the capability × salience
  // weighted mean of positions. On an exact tie, the lower end (scale.min).
  [[nodiscard]] std::pair<double, std::string> disagreement(
      const Issue& issue, const std::vector<Bargainer>& bargainers) const {
    if (!always_worst_ && issue.status_quo) return {issue.status_quo->value, "status_quo"};
    double at_min = 0.0;
    double at_max = 0.0;
    for (const Bargainer& b : bargainers) {
      at_min += b.alpha * utility_of(utility_, *b.player, issue.scale.min);
      at_max += b.alpha * utility_of(utility_, *b.player, issue.scale.max);
    }
    const double slack = kTieTolerance * std::max(std::abs(at_min), std::abs(at_max));
    return {at_max < at_min - slack ? issue.scale.max : issue.scale.min, "worst"};
  }

  // Why the solution is the disagreement point when no point makes every bargainer gain.
  static std::string why_no_gain(const std::vector<Bargainer>& bargainers, double d) {
    for (const Bargainer& b : bargainers) {
      if (b.reach == 0) {
        return fmt::format("the disagreement point is {}'s ideal point, so {} cannot gain",
                           b.player->actor, b.player->actor);
      }
    }
    const Bargainer* below = nullptr;
    const Bargainer* above = nullptr;
    for (const Bargainer& b : bargainers) {
      if (b.player->position < d && below == nullptr) below = &b;
      if (b.player->position > d && above == nullptr) above = &b;
    }
    if (below != nullptr && above != nullptr) {
      return fmt::format(
          "{} ({:.6g}) and {} ({:.6g}) stand on opposite sides of the disagreement point, so "
          "every move away from it makes one of them worse off",
          below->player->actor, below->player->position, above->player->actor,
          above->player->position);
    }
    return "no point of the scale is at least as good as the disagreement point for every actor";
  }

  // `details` false (a Monte Carlo sample): the forecast only, without details and trace.
  IssueResult solve(const Scenario& scenario, const Issue& issue,
                    std::vector<std::string>& warnings, bool details) const {
    IssueResult out;
    out.issue = issue.id;
    std::vector<Player> players = players_on(scenario, issue);
    if (const std::string why = invalid_players(players); !why.empty()) {
      warnings.push_back(fmt::format("issue {}: no forecast: {}", issue.id, why));
      out.trace.push_back("no forecast: " + why);
      return out;
    }
    // (position, actor) order makes every sum independent of the order of actors in the file.
    std::sort(players.begin(), players.end(), [](const Player& a, const Player& b) {
      return std::tie(a.position, a.actor) < std::tie(b.position, b.actor);
    });

    // Actors with zero capability or salience drop out of the product: their gain is zero
    // everywhere (s = 0), making the product zero everywhere, or their exponent is zero
    // (c = 0), making their factor 1 — but they must not constrain the feasible set either.
    std::vector<Bargainer> bargainers;
    std::vector<std::string> dropped;
    double total_capability = 0.0;
    for (const Player& p : players) {
      if (p.capability > 0 && p.salience > 0) {
        bargainers.push_back(Bargainer{&p, p.capability, 0.0});
        total_capability += p.capability;
      } else {
        dropped.push_back(p.actor);
      }
    }
    if (details) {
      out.details["utility"] = utility_ == Utility::kQuadratic ? "quadratic" : "linear";
      out.details["dropped"] = dropped;
    }
    if (bargainers.empty()) {
      const std::string why = players.empty() ? "no actor takes a stance on it"
                                              : "no actor has both positive capability and "
                                                "positive salience";
      warnings.push_back(fmt::format("issue {}: no forecast: {}", issue.id, why));
      out.trace.push_back("no forecast: " + why);
      return out;
    }
    nlohmann::json weights = nlohmann::json::object();
    for (Bargainer& b : bargainers) {
      b.alpha /= total_capability;
      if (details) weights[b.player->actor] = b.alpha;
    }
    if (details) out.details["weights"] = weights;

    // The point whose utility is an actor's conflict payoff: one shared point d, or (own)
    // the end of the scale farthest from each actor.
    const auto shared = own_ ? std::pair<double, std::string>{issue.scale.min, "own"}
                             : disagreement(issue, bargainers);
    // Named copies, not a structured binding: clang 14 cannot capture bindings in lambdas.
    const double d = shared.first;
    const std::string& source = shared.second;
    const auto conflict = [&](const Player& p) {
      return own_ ? farther_end(issue.scale, p.position) : d;
    };
    std::string d_text;
    if (details) {
      if (own_) {
        nlohmann::json points = nlohmann::json::object();
        for (const Player& p : players) points[p.actor] = conflict(p);
        out.details["disagreement"] = points;
        d_text =
            "each actor's own conflict payoff, its utility at the end of the scale farthest "
            "from its position";
      } else {
        out.details["disagreement"] = d;
        d_text = source == "status_quo"
                     ? fmt::format("the status quo {:.6g}", d)
                     : fmt::format("{:.6g}, the end of the scale worst for the weighted actors{}",
                                   d, issue.status_quo ? "" : " (the issue has no status quo)");
      }
      out.details["disagreement_source"] = source;
    }

    // Everyone gains at least nothing on [left, right]; intersect with the scale.
    double left = -std::numeric_limits<double>::infinity();
    double right = std::numeric_limits<double>::infinity();
    for (Bargainer& b : bargainers) {
      b.reach = std::abs(conflict(*b.player) - b.player->position);
      left = std::max(left, b.player->position - b.reach);
      right = std::min(right, b.player->position + b.reach);
    }
    const double lo = std::max(left, issue.scale.min);
    const double hi = std::min(right, issue.scale.max);

    double solution = d;
    if (lo < hi) {
      const double tolerance = kTolerance * (issue.scale.max - issue.scale.min);
      solution = maximise(utility_, bargainers, lo, hi, left, right, tolerance);
      if (!details) {
        out.forecast = solution;
        return out;
      }
      out.details["feasible"] = {lo, hi};
      out.trace.push_back(fmt::format(
          "Nash bargaining solution {:.6g}: maximises the product of the actors' "
          "gains over {}, weighted by capability shares, on [{:.6g}, {:.6g}] where "
          "no actor loses",
          solution, own_ ? "their own conflict payoffs" : "the disagreement point", lo, hi));
      out.trace.push_back("disagreement point: " + d_text);
    } else {
      if (!details) {
        out.forecast = solution;
        return out;
      }
      const std::string note = why_no_gain(bargainers, d);
      out.details["feasible"] = lo == hi ? nlohmann::json{lo, hi} : nlohmann::json(nullptr);
      out.details["note"] = note;
      out.trace.push_back(
          fmt::format("Nash bargaining solution = disagreement point {:.6g}: {}", d, note));
      out.trace.push_back("disagreement point: " + d_text);
    }
    out.forecast = solution;

    // Gains of every actor, dropped ones too: what the outcome means for them matters even
    // if they had no say in it.
    nlohmann::json gains = nlohmann::json::object();
    for (const Player& p : players) {
      gains[p.actor] = utility_of(utility_, p, solution) - utility_of(utility_, p, conflict(p));
    }
    out.details["gains"] = gains;

    // Gains are in each actor's own utility units, so the trace compares shares instead:
    // the gain as a fraction of what the actor would gain at its ideal point. Saliences
    // cancel, so the shares are comparable across actors.
    std::string summary;
    if (lo < hi) {
      nlohmann::json shares = nlohmann::json::object();
      const Bargainer* least = nullptr;
      const Bargainer* most = nullptr;
      double least_share = 0.0;
      double most_share = 0.0;
      for (const Bargainer& b : bargainers) {
        const Player& p = *b.player;
        const double at_conflict = utility_of(utility_, p, conflict(p));
        const double share = (utility_of(utility_, p, solution) - at_conflict) /
                             (utility_of(utility_, p, p.position) - at_conflict);
        shares[p.actor] = share;
        if (least == nullptr || share < least_share) {
          least = &b;
          least_share = share;
        }
        if (most == nullptr || share > most_share) {
          most = &b;
          most_share = share;
        }
      }
      out.details["gain_shares"] = shares;
      summary = least == most ? fmt::format("{} gets {:.0f}% of its possible gain",
                                            least->player->actor, 100 * least_share)
                              : fmt::format(
                                    "share of the possible gain: least {} {:.0f}%, most "
                                    "{} {:.0f}%",
                                    least->player->actor, 100 * least_share, most->player->actor,
                                    100 * most_share);
    }
    if (!dropped.empty()) {
      summary += (summary.empty() ? "" : "; ") +
                 std::string("dropped from the product (zero capability or salience): ") +
                 join(dropped);
    }
    if (!summary.empty()) out.trace.push_back(summary);
    return out;
  }

  Utility utility_;
  bool always_worst_;
  // Each actor bargains against its own conflict payoff (docs/models.md#nash).
  bool own_;
};

// Registration at static initialisation is the registry's design (model.hpp).
// NOLINTNEXTLINE(cert-err58-cpp)
const ModelRegistrar kRegistrar(nash_info(), [](const ModelOptions& options) {
  return std::make_unique<NashModel>(options);
});

}  // namespace
}  // namespace entente
