// The exchange model: Stokman & Van Oosten (1994), with the refinements of Arregui, Stokman &
// Thomson (2006) and of the Decide program of Stokman's group (docs/exchange.md).
//
// Actors who stand on opposite sides of the expected outcome on two issues, and who weigh
// the two issues differently, trade voting positions: each shifts its vote on the issue it
// cares less about toward the other's position, and gets in return a shift of the other's
// vote on the issue it cares more about. The expected outcome of an issue is the
// capability × salience weighted mean of the votes (the compromise model); utility is linear
// in the distance between the expected outcome and the actor's own (unchanged) position,
// weighted by salience. Exchanges are realised one at a time, the one with the highest gain
// first, each re-priced on the positions the earlier ones left, until none is left. The
// forecast of an issue is its expected outcome after the exchanges.
//
// Exchange rate (equal gain, Stokman & Van Oosten): when B's vote on issue a moves the
// expected outcome of a by Δa toward A, and A's vote on b moves the outcome of b by Δb toward
// B, A gains s_Aa Δa − s_Ab Δb and B gains s_Bb Δb − s_Ba Δa. Equal gains give
// Δb = Δa (s_Aa + s_Ba) / (s_Ab + s_Bb), and the common gain
// Δa (s_Aa s_Bb − s_Ab s_Ba) / (s_Ab + s_Bb) is positive exactly when A cares relatively more
// about a than B does. The size is the largest that keeps every vote between its old place
// and the partner's position, and (outcome-cap=on) every expected outcome between its old
// value and the position of the actor who asked for the shift: past it, the gain would turn
// into a loss.
#include <algorithm>
#include <cmath>
#include <cstddef>
#include <map>
#include <optional>
#include <set>
#include <stdexcept>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

#include <fmt/format.h>

#include "entente/model.hpp"

namespace entente {
namespace {

// Positions are normalised to [0, 100] on each issue's declared scale, so that a shift on one
// issue and a shift on another are in the same unit when saliences weigh them against each
// other (as the Decide program does).
constexpr double kNormalWidth = 100.0;
// Relative tolerance below which two salience products count as equal (no exchange: neither
// side would gain) and two gains count as a tie (decided by issue and actor ids).
constexpr double kRelativeTie = 1e-12;
// Smallest gain (in salience × normalised units) and smallest move (normalised units) worth
// realising: below these, rounding rather than the model would decide.
constexpr double kMinGain = 1e-12;
constexpr double kMinMove = 1e-9;

const ModelInfo& exchange_info() {
  static const ModelInfo kInfo{
      "exchange",
      "Stokman & Van Oosten's exchange model: actors trade voting positions across issues "
      "they weigh differently; forecast = expected outcome after exchanges",
      ModelInfo::Scope::kIssue,
      {OptionSpec{"outcome-cap",
                  "on",
                  "on: no exchange moves an expected outcome past the position of the actor "
                  "who asked for the shift (Arregui, Stokman & Thomson 2006; Decide); off: "
                  "votes move at most to the partner's position (Stokman & Van Oosten 1994)",
                  {"on", "off"}},
       OptionSpec{"max-exchanges",
                  "0",
                  "Stop after this many exchanges (0: until no exchange is left; each pair of "
                  "actors trades on each pair of issues at most once)",
                  {},
                  OptionSpec::Type::kInteger}}};
  return kInfo;
}

// One actor's stance on one issue, normalised.
struct Slot {
  int actor = -1;
  double ideal = 0.0;     // the actor's own position: its utility is measured from here
  double vote = 0.0;      // its voting position, moved by exchanges
  double salience = 0.0;  // s
  double weight = 0.0;    // c × s
  int direction = 0;      // sign of its earlier moves on this issue (0: none yet)
};

struct IssueState {
  const Issue* issue = nullptr;
  double lo = 0.0;           // scale.min
  double width = 1.0;        // scale.max − scale.min
  double total = 0.0;        // Σ c s
  std::vector<int> slot_of;  // actor index → index into slots, or −1
  std::vector<Slot> slots;
  bool usable = false;  // has players, valid inputs and positive total weight

  [[nodiscard]] double outcome() const {
    double moment = 0.0;
    for (const Slot& s : slots) moment += s.weight * s.vote;
    return moment / total;
  }
  [[nodiscard]] double to_scale(double normalised) const {
    return lo + normalised / kNormalWidth * width;
  }
};

// A priced exchange: `demander` obtains a shift of `supplier`'s vote on issue `a` toward its
// own position and shifts its own vote on issue `b` toward the supplier's position.
struct Exchange {
  int demander = -1;  // actor A: demands a, supplies b
  int supplier = -1;  // actor B: supplies a, demands b
  int a = -1;
  int b = -1;
  double shift_a = 0.0;  // |Δ expected outcome| on a (normalised)
  double shift_b = 0.0;
  double move_supplier = 0.0;  // B's vote on a, signed (normalised)
  double move_demander = 0.0;  // A's vote on b, signed
  double gain = 0.0;           // each side's gain in expected utility
};

int sign(double x) { return (x > 0) - (x < 0); }

class ExchangeModel final : public Model {
 public:
  explicit ExchangeModel(const ModelOptions& options)
      : outcome_cap_(options.str("outcome-cap") == "on"),
        max_exchanges_(options.integer("max-exchanges")) {
    if (max_exchanges_ < 0) {
      throw std::invalid_argument("option max-exchanges: expected a whole number >= 0, got " +
                                  options.str("max-exchanges"));
    }
  }

  [[nodiscard]] const ModelInfo& info() const override { return exchange_info(); }

  [[nodiscard]] Result run(const Scenario& scenario, const RunContext& context) const override {
    Result result;
    result.model = info().name;

    // Actors in id order: every sum and every tie-break is then independent of the order of
    // actors in the file.
    std::vector<std::string> actors;
    for (const Issue& issue : scenario.issues) {
      for (const Stance& st : issue.stances) actors.push_back(st.actor);
    }
    std::sort(actors.begin(), actors.end());
    actors.erase(std::unique(actors.begin(), actors.end()), actors.end());

    std::vector<IssueState> issues;
    issues.reserve(scenario.issues.size());
    for (const Issue& issue : scenario.issues) {
      issues.push_back(prepare(scenario, issue, actors, result.warnings));
    }
    std::vector<double> initial(issues.size(), 0.0);
    for (std::size_t k = 0; k < issues.size(); ++k) {
      if (issues[k].usable) initial[k] = issues[k].outcome();
    }

    // Realise exchanges, best first, each pair of actors on each pair of issues at most once.
    std::vector<Exchange> realised;
    std::set<std::tuple<int, int, int, int>> done;
    while (max_exchanges_ == 0 || static_cast<long>(realised.size()) < max_exchanges_) {
      context.check_stop();
      std::optional<Exchange> best = best_exchange(issues, actors, done);
      if (!best) break;
      apply(issues, *best);
      done.insert(key(*best));
      realised.push_back(*best);
    }

    for (std::size_t k = 0; k < issues.size(); ++k) {
      result.issues.push_back(
          report(issues[k], initial[k], realised, actors, issues, k, context.details));
    }
    if (context.details) describe(result, realised, actors, issues);
    return result;
  }

 private:
  static std::tuple<int, int, int, int> key(const Exchange& e) {
    return {std::min(e.demander, e.supplier), std::max(e.demander, e.supplier), std::min(e.a, e.b),
            std::max(e.a, e.b)};
  }

  // `actors`: every actor with a stance, sorted and distinct (an actor's index is its place).
  static IssueState prepare(const Scenario& scenario, const Issue& issue,
                            const std::vector<std::string>& actors,
                            std::vector<std::string>& warnings) {
    const std::size_t n_actors = actors.size();
    IssueState st;
    st.issue = &issue;
    st.lo = issue.scale.min;
    st.width = issue.scale.max > issue.scale.min ? issue.scale.max - issue.scale.min : 1.0;
    st.slot_of.assign(n_actors, -1);
    std::vector<Player> players = players_on(scenario, issue);
    if (const std::string why = invalid_players(players); !why.empty()) {
      warnings.push_back(fmt::format("issue {}: no forecast: {}", issue.id, why));
      return st;
    }
    std::sort(players.begin(), players.end(),
              [](const Player& x, const Player& y) { return x.actor < y.actor; });
    for (const Player& p : players) {
      Slot s;
      const auto at = std::lower_bound(actors.begin(), actors.end(), p.actor);
      if (at == actors.end() || *at != p.actor) {
        throw std::logic_error("exchange: actor " + p.actor + " missing from the actor list");
      }
      s.actor = static_cast<int>(at - actors.begin());
      s.ideal = (p.position - st.lo) / st.width * kNormalWidth;
      s.vote = s.ideal;
      s.salience = p.salience;
      s.weight = p.capability * p.salience;
      st.total += s.weight;
      st.slot_of[static_cast<std::size_t>(s.actor)] = static_cast<int>(st.slots.size());
      st.slots.push_back(s);
    }
    if (!(st.total > 0)) {
      warnings.push_back(fmt::format(
          "issue {}: no forecast: {}", issue.id,
          players.empty() ? "no actor takes a stance on it"
                          : "every actor has zero capability x salience, so there is no "
                            "expected outcome"));
      return st;
    }
    st.usable = true;
    return st;
  }

  // Prices the exchange in which `A` demands issue `a` from `B` and supplies `b`; nullopt
  // when the two cannot trade on these terms (same side of an outcome, a move against an
  // earlier one, nothing to gain).
  [[nodiscard]] std::optional<Exchange> price(const std::vector<IssueState>& issues, int A, int B,
                                              int a, int b,
                                              const std::vector<double>& outcome) const {
    const IssueState& ia = issues[static_cast<std::size_t>(a)];
    const IssueState& ib = issues[static_cast<std::size_t>(b)];
    const Slot& Aa = ia.slots[static_cast<std::size_t>(ia.slot_of[static_cast<std::size_t>(A)])];
    const Slot& Ba = ia.slots[static_cast<std::size_t>(ia.slot_of[static_cast<std::size_t>(B)])];
    const Slot& Ab = ib.slots[static_cast<std::size_t>(ib.slot_of[static_cast<std::size_t>(A)])];
    const Slot& Bb = ib.slots[static_cast<std::size_t>(ib.slot_of[static_cast<std::size_t>(B)])];
    const double Oa = outcome[static_cast<std::size_t>(a)];
    const double Ob = outcome[static_cast<std::size_t>(b)];

    // A and B on opposite sides of the expected outcome on both issues: otherwise one of the
    // shifts would please both, and needs no trade.
    if (!(sign(Aa.ideal - Oa) * sign(Ba.ideal - Oa) < 0)) return std::nullopt;
    if (!(sign(Bb.ideal - Ob) * sign(Ab.ideal - Ob) < 0)) return std::nullopt;
    // B's vote on a moves toward A, which must move the outcome toward A; and never against
    // B's own earlier moves on a (an actor does not trade a position back and forth).
    const int dir_a = sign(Aa.ideal - Ba.vote);
    const int dir_b = sign(Bb.ideal - Ab.vote);
    if (dir_a != sign(Aa.ideal - Oa) || dir_b != sign(Bb.ideal - Ob)) return std::nullopt;
    if ((Ba.direction != 0 && Ba.direction != dir_a) ||
        (Ab.direction != 0 && Ab.direction != dir_b)) {
      return std::nullopt;
    }

    // Largest outcome shifts each side can deliver: a vote moves at most to the partner's
    // position; with the cap, an outcome moves at most to the demanding actor's position.
    double bound_a = std::abs(Aa.ideal - Ba.vote) * Ba.weight / ia.total;
    double bound_b = std::abs(Bb.ideal - Ab.vote) * Ab.weight / ib.total;
    if (outcome_cap_) {
      bound_a = std::min(bound_a, std::abs(Aa.ideal - Oa));
      bound_b = std::min(bound_b, std::abs(Bb.ideal - Ob));
    }
    const double rate = (Aa.salience + Ba.salience) / (Ab.salience + Bb.salience);  // Δb / Δa
    Exchange e;
    e.demander = A;
    e.supplier = B;
    e.a = a;
    e.b = b;
    e.shift_a = std::min(bound_a, bound_b / rate);
    e.shift_b = e.shift_a * rate;
    e.gain = Aa.salience * e.shift_a - Ab.salience * e.shift_b;
    e.move_supplier = dir_a * e.shift_a * ia.total / Ba.weight;
    e.move_demander = dir_b * e.shift_b * ib.total / Ab.weight;
    if (!(e.gain > kMinGain) || !(std::abs(e.move_supplier) > kMinMove) ||
        !(std::abs(e.move_demander) > kMinMove)) {
      return std::nullopt;
    }
    return e;
  }

  // The exchange with the highest gain among those not yet realised; ties (within a relative
  // 1e-12) go to the lower (issue, issue, actor, actor) indices, which are ids in sorted order.
  [[nodiscard]] std::optional<Exchange> best_exchange(
      const std::vector<IssueState>& issues, const std::vector<std::string>& actors,
      const std::set<std::tuple<int, int, int, int>>& done) const {
    std::vector<double> outcome(issues.size(), 0.0);
    for (std::size_t k = 0; k < issues.size(); ++k) {
      if (issues[k].usable) outcome[k] = issues[k].outcome();
    }
    std::optional<Exchange> best;
    const int n_issues = static_cast<int>(issues.size());
    const int n_actors = static_cast<int>(actors.size());
    for (int p = 0; p < n_issues; ++p) {
      const IssueState& ip = issues[static_cast<std::size_t>(p)];
      if (!ip.usable) continue;
      for (int q = p + 1; q < n_issues; ++q) {
        const IssueState& iq = issues[static_cast<std::size_t>(q)];
        if (!iq.usable) continue;
        for (int i = 0; i < n_actors; ++i) {
          const int ip_i = ip.slot_of[static_cast<std::size_t>(i)];
          const int iq_i = iq.slot_of[static_cast<std::size_t>(i)];
          if (ip_i < 0 || iq_i < 0) continue;
          const Slot& ipi = ip.slots[static_cast<std::size_t>(ip_i)];
          const Slot& iqi = iq.slots[static_cast<std::size_t>(iq_i)];
          if (!(ipi.weight > 0) || !(iqi.weight > 0)) continue;
          for (int j = i + 1; j < n_actors; ++j) {
            const int ip_j = ip.slot_of[static_cast<std::size_t>(j)];
            const int iq_j = iq.slot_of[static_cast<std::size_t>(j)];
            if (ip_j < 0 || iq_j < 0) continue;
            const Slot& ipj = ip.slots[static_cast<std::size_t>(ip_j)];
            const Slot& iqj = iq.slots[static_cast<std::size_t>(iq_j)];
            if (!(ipj.weight > 0) || !(iqj.weight > 0)) continue;
            if (done.count({i, j, p, q}) != 0) continue;
            // i demands p when it cares relatively more about p than j does:
            // s_ip / s_iq > s_jp / s_jq, compared without dividing.
            const double left = ipi.salience * iqj.salience;
            const double right = ipj.salience * iqi.salience;
            if (std::abs(left - right) <= kRelativeTie * std::max(left, right)) continue;
            const std::optional<Exchange> e = left > right ? price(issues, i, j, p, q, outcome)
                                                           : price(issues, j, i, q, p, outcome);
            if (!e) continue;
            if (!best || e->gain > best->gain * (1 + kRelativeTie)) best = e;
          }
        }
      }
    }
    return best;
  }

  static void apply(std::vector<IssueState>& issues, const Exchange& e) {
    IssueState& ia = issues[static_cast<std::size_t>(e.a)];
    IssueState& ib = issues[static_cast<std::size_t>(e.b)];
    Slot& Ba = ia.slots[static_cast<std::size_t>(ia.slot_of[static_cast<std::size_t>(e.supplier)])];
    Slot& Ab = ib.slots[static_cast<std::size_t>(ib.slot_of[static_cast<std::size_t>(e.demander)])];
    Ba.vote += e.move_supplier;
    Ba.direction = sign(e.move_supplier);
    Ab.vote += e.move_demander;
    Ab.direction = sign(e.move_demander);
  }

  // The issue's forecast: the weighted mean of the final votes on the issue's own scale. An
  // actor whose vote never moved enters with its position exactly as given, summed in
  // (position, actor) order as the compromise model sums, so that an issue no exchange
  // touched gets the compromise forecast to the last bit.
  static IssueResult report(const IssueState& st, double initial,
                            const std::vector<Exchange>& realised,
                            const std::vector<std::string>& actors,
                            const std::vector<IssueState>& issues, std::size_t k, bool details) {
    IssueResult out;
    out.issue = st.issue->id;
    if (!st.usable) {
      out.trace.push_back("no forecast: see the warning for this issue");
      return out;
    }
    struct Final {
      double position;
      const std::string* actor;
      double weight;
      bool moved;
      double from;
    };
    std::vector<Final> finals;
    for (const Slot& s : st.slots) {
      const double from = st.to_scale(s.ideal);
      const bool moved = s.vote != s.ideal;
      const Stance* stance = st.issue->stance(actors[static_cast<std::size_t>(s.actor)]);
      const double given = stance != nullptr ? stance->position.value : from;
      finals.push_back(Final{moved ? st.to_scale(s.vote) : given,
                             &actors[static_cast<std::size_t>(s.actor)], s.weight, moved, given});
    }
    std::sort(finals.begin(), finals.end(), [](const Final& x, const Final& y) {
      return std::tie(x.position, *x.actor) < std::tie(y.position, *y.actor);
    });
    double total = 0.0;
    double moment = 0.0;
    std::optional<double> lowest;
    std::optional<double> highest;
    for (const Final& f : finals) {
      total += f.weight;
      moment += f.weight * f.position;
      if (f.weight > 0) {
        if (!lowest) lowest = f.position;
        highest = f.position;
      }
    }
    const double forecast = std::clamp(moment / total, *lowest, *highest);
    out.forecast = forecast;
    if (!details) return out;

    const double before = st.to_scale(initial);
    int count = 0;
    for (const Exchange& e : realised) {
      if (e.a == static_cast<int>(k) || e.b == static_cast<int>(k)) ++count;
    }
    nlohmann::json votes = nlohmann::json::object();
    for (const Final& f : finals) {
      if (f.moved) votes[*f.actor] = {{"from", f.from}, {"to", f.position}};
    }
    out.details["outcome_before"] = before;
    out.details["outcome"] = forecast;
    out.details["exchanges"] = count;
    out.details["moved_votes"] = votes;
    out.trace.push_back(
        count == 0
            ? fmt::format("expected outcome {:.6g}: no exchange touched this issue, so it is the "
                          "capability x salience weighted mean of the positions",
                          forecast)
            : fmt::format("expected outcome {:.6g} after {} exchange{} (before them {:.6g}): the "
                          "capability x salience weighted mean of the voting positions",
                          forecast, count, count == 1 ? "" : "s", before));
    for (std::size_t n = 0; n < realised.size(); ++n) {
      const Exchange& e = realised[n];
      if (e.a == static_cast<int>(k) || e.b == static_cast<int>(k)) {
        out.trace.push_back(line(n + 1, e, actors, issues));
      }
    }
    return out;
  }

  static std::string line(std::size_t step, const Exchange& e,
                          const std::vector<std::string>& actors,
                          const std::vector<IssueState>& issues) {
    const IssueState& ia = issues[static_cast<std::size_t>(e.a)];
    const IssueState& ib = issues[static_cast<std::size_t>(e.b)];
    return fmt::format(
        "exchange {}: {} moves its vote on {} by {:+.4g} toward {}, {} moves on {} by {:+.4g} "
        "toward {}; each gains {:.4g}",
        step, actors[static_cast<std::size_t>(e.supplier)], ia.issue->id,
        e.move_supplier / kNormalWidth * ia.width, actors[static_cast<std::size_t>(e.demander)],
        actors[static_cast<std::size_t>(e.demander)], ib.issue->id,
        e.move_demander / kNormalWidth * ib.width, actors[static_cast<std::size_t>(e.supplier)],
        e.gain);
  }

  void describe(Result& result, const std::vector<Exchange>& realised,
                const std::vector<std::string>& actors,
                const std::vector<IssueState>& issues) const {
    nlohmann::json list = nlohmann::json::array();
    for (std::size_t n = 0; n < realised.size(); ++n) {
      const Exchange& e = realised[n];
      const IssueState& ia = issues[static_cast<std::size_t>(e.a)];
      const IssueState& ib = issues[static_cast<std::size_t>(e.b)];
      list.push_back({{"step", n + 1},
                      {"demander", actors[static_cast<std::size_t>(e.demander)]},
                      {"supplier", actors[static_cast<std::size_t>(e.supplier)]},
                      {"demand_issue", ia.issue->id},
                      {"supply_issue", ib.issue->id},
                      {"supplier_move", e.move_supplier / kNormalWidth * ia.width},
                      {"demander_move", e.move_demander / kNormalWidth * ib.width},
                      {"outcome_shift_demand_issue", e.shift_a / kNormalWidth * ia.width},
                      {"outcome_shift_supply_issue", e.shift_b / kNormalWidth * ib.width},
                      {"gain", e.gain}});
      result.trace.push_back(line(n + 1, e, actors, issues));
    }
    result.details["exchanges"] = list;
    result.details["options"] = {{"outcome-cap", outcome_cap_ ? "on" : "off"},
                                 {"max-exchanges", max_exchanges_}};
    if (realised.empty()) {
      result.trace.insert(result.trace.begin(),
                          "no exchange: no two actors stand on opposite sides of the expected "
                          "outcome on two issues they weigh differently");
    } else {
      result.trace.insert(result.trace.begin(),
                          fmt::format("{} exchange{} of voting positions, best first",
                                      realised.size(), realised.size() == 1 ? "" : "s"));
    }
  }

  bool outcome_cap_;
  long max_exchanges_;
};

// Registration at static initialisation is the registry's design (model.hpp).
// NOLINTNEXTLINE(cert-err58-cpp)
const ModelRegistrar kRegistrar(exchange_info(), [](const ModelOptions& options) {
  return std::make_unique<ExchangeModel>(options);
});

}  // namespace
}  // namespace entente
