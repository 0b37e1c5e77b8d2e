// The `smp` model: KTAB's spatial model of politics (KAPSARC Toolkit for Behavioral
// Analysis). Actors bargain over all issues jointly, as KTAB's dimensions: each turn every
// actor challenges the actor whose defeat would gain it most, the two interpolate a bargain,
// and each actor adopts the bargain a probabilistic Condorcet election among all actors
// favours. The defaults are KTAB's, and on KTAB's inputs the positions of every turn agree
// with KTAB's reference logs (tests/models/smp_test.cpp; docs/smp.md).
//
// The mathematics is in smp_core.cpp; this file maps a Scenario onto it and back.
#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <stdexcept>
#include <string>
#include <string_view>
#include <thread>
#include <utility>
#include <vector>

#include <fmt/format.h>

#include "entente/model.hpp"
#include "models/smp/smp_core.hpp"
#include "models/smp/smp_model.hpp"

namespace entente {
namespace {

template <std::size_t N>
std::vector<std::string> names_of(const std::array<std::string_view, N>& names) {
  return {names.begin(), names.end()};
}

const ModelInfo& smp_info() {
  using smp::kBargainModelNames;
  using smp::kInterpolationNames;
  using smp::kPceModelNames;
  using smp::kRiskAdjustNames;
  using smp::kRiskRangeNames;
  using smp::kThirdPartyNames;
  using smp::kTransitionNames;
  using smp::kVictoryModelNames;
  using smp::kVotingRuleNames;
  static const ModelInfo kInfo{
      "smp",
      "KTAB's spatial model of politics: challenges, interpolated bargains and Condorcet "
      "elections over all issues jointly",
      ModelInfo::Scope::kIssue,
      {
          {"vote_rule", "Prop", "how an actor's vote grows with its utility difference",
           names_of(kVotingRuleNames)},
          {"win_model", "Linear",
           "victory probability from coalition strengths: c^m/(c^m + c'^m), m = 1, 2, 4, 8, or "
           "Binary (a 10% edge wins)",
           names_of(kVictoryModelNames)},
          {"pce", "Conditional", "probabilistic Condorcet election model",
           names_of(kPceModelNames)},
          {"bargain_choice", "Deterministic",
           "adopt the most probable bargain, or draw one (Stochastic, uses `seed`)",
           names_of(kTransitionNames)},
          {"risk_range", "Mid",
           "range of inferred risk attitudes: Min [0,1], Mid [-1/2,1], Max [-1,1]",
           names_of(kRiskRangeNames)},
          {"risk_adjust", "OneThird",
           "how much of another's risk attitude an actor perceives (None ... Full)",
           names_of(kRiskAdjustNames)},
          {"third_party", "SemiCommit", "how committed third parties are to the side they join",
           names_of(kThirdPartyNames)},
          {"interpolation", "S2P2",
           "bargain weights per dimension: salience^n x probability^m (S1P1, S2P2), or S2PMax",
           names_of(kInterpolationNames)},
          {"bargain_model", "InitOnlyInterp",
           "whose interpolation forms the bargain: the initiator's, both, or their "
           "power-weighted compromise",
           names_of(kBargainModelNames)},
          {"seed",
           "15455440707583219804",
           "PRNG seed of Stochastic bargain choice (KTAB's default); 'run' uses the run's seed",
           {}},
          {"accommodation",
           "",
           "ideal-point adjustment, ADJUSTER:REFERENCE=RATE,...; unnamed entries are the "
           "identity (ideals follow positions)",
           {}},
          {"min_turns",
           "2",
           "turns before the stopping rule may stop the run",
           {},
           OptionSpec::Type::kInteger},
          {"max_turns",
           "100",
           "turns after which the run stops regardless",
           {},
           OptionSpec::Type::kInteger},
          {"threads",
           "1",
           "threads for each turn's challenge estimates (0: one per core); results do not "
           "depend on it",
           {},
           OptionSpec::Type::kInteger},
          {"dimensions",
           "joint",
           "bargain over all issues jointly (KTAB), or over each issue on its own",
           {"joint", "separate"}},
      }};
  return kInfo;
}

template <typename E, std::size_t N>
E enum_of(const ModelOptions& options, const std::string& name,
          const std::array<std::string_view, N>& names) {
  const std::string& value = options.str(name);
  for (std::size_t i = 0; i < N; ++i) {
    if (names[i] == value) return static_cast<E>(i);
  }
  throw std::invalid_argument("smp: option " + name + ": unknown value '" + value + "'");
}

struct AccommodationEntry {
  std::string adjuster;
  std::string reference;
  double rate = 0.0;
};

// Parses ADJUSTER:REFERENCE=RATE,... ; throws std::invalid_argument naming the entry.
std::vector<AccommodationEntry> parse_accommodation(const std::string& text) {
  std::vector<AccommodationEntry> out;
  std::size_t pos = 0;
  while (pos < text.size()) {
    std::size_t end = text.find(',', pos);
    if (end == std::string::npos) end = text.size();
    const std::string entry = text.substr(pos, end - pos);
    pos = end + 1;
    const auto colon = entry.find(':');
    const auto eq = entry.find('=');
    AccommodationEntry e;
    bool ok = colon != std::string::npos && eq != std::string::npos && colon > 0 &&
              eq > colon + 1 && eq + 1 < entry.size();
    if (ok) {
      e.adjuster = entry.substr(0, colon);
      e.reference = entry.substr(colon + 1, eq - colon - 1);
      const char* b = entry.data() + eq + 1;
      const char* z = entry.data() + entry.size();
      const auto [ptr, ec] = std::from_chars(b, z, e.rate);
      ok = ec == std::errc() && ptr == z && e.rate >= 0 && e.rate <= 1;
    }
    if (!ok) {
      throw std::invalid_argument("smp: option accommodation: entry '" + entry +
                                  "'; expected ADJUSTER:REFERENCE=RATE with a rate in [0, 1]");
    }
    out.push_back(std::move(e));
  }
  return out;
}

struct Config {
  smp::Parameters params;
  bool seed_from_run = false;
  std::vector<AccommodationEntry> accommodation;
  bool joint = true;
};

Config config_of(const ModelOptions& options) {
  Config c;
  smp::Parameters& p = c.params;
  p.voting = enum_of<smp::VotingRule>(options, "vote_rule", smp::kVotingRuleNames);
  p.victory = enum_of<smp::VictoryModel>(options, "win_model", smp::kVictoryModelNames);
  p.pce = enum_of<smp::PceModel>(options, "pce", smp::kPceModelNames);
  p.transition = enum_of<smp::Transition>(options, "bargain_choice", smp::kTransitionNames);
  p.risk_range = enum_of<smp::RiskRange>(options, "risk_range", smp::kRiskRangeNames);
  p.risk_adjust = enum_of<smp::RiskAdjust>(options, "risk_adjust", smp::kRiskAdjustNames);
  p.third_party = enum_of<smp::ThirdParty>(options, "third_party", smp::kThirdPartyNames);
  p.interpolation = enum_of<smp::Interpolation>(options, "interpolation", smp::kInterpolationNames);
  p.bargain_model = enum_of<smp::BargainModel>(options, "bargain_model", smp::kBargainModelNames);
  const std::string& seed = options.str("seed");
  if (seed == "run") {
    c.seed_from_run = true;
  } else {
    const auto [ptr, ec] = std::from_chars(seed.data(), seed.data() + seed.size(), p.seed);
    if (seed.empty() || ec != std::errc() || ptr != seed.data() + seed.size()) {
      throw std::invalid_argument("smp: option seed: '" + seed +
                                  "'; expected an integer from 0 to 18446744073709551615, or "
                                  "'run'");
    }
  }
  const long min_turns = options.integer("min_turns");
  const long max_turns = options.integer("max_turns");
  if (min_turns < 1 || max_turns < min_turns || max_turns > 10000) {
    throw std::invalid_argument(
        "smp: options min_turns and max_turns: expected 1 <= min_turns <= max_turns <= 10000");
  }
  p.min_turns = static_cast<int>(min_turns);
  p.max_turns = static_cast<int>(max_turns);
  const long threads = options.integer("threads");
  if (threads < 0 || threads > 1024) {
    throw std::invalid_argument("smp: option threads: expected 0 (one per core) to 1024, got " +
                                std::to_string(threads));
  }
  p.threads = threads == 0 ? static_cast<int>(std::max(1U, std::thread::hardware_concurrency()))
                           : static_cast<int>(threads);
  c.accommodation = parse_accommodation(options.str("accommodation"));
  c.joint = options.str("dimensions") == "joint";
  return c;
}

std::string format_value(double v) { return fmt::format("{:.6g}", v); }

// One group of issues run together, with the actors taking part.
struct Group {
  std::vector<const Issue*> issues;
  std::vector<const Actor*> actors;
};

// The actors that can take part in `issues`: a stance on every one, positive capability,
// some salience. Those left out are named in `warnings`.
std::vector<const Actor*> participants(const Scenario& scenario,
                                       const std::vector<const Issue*>& issues,
                                       std::vector<std::string>& warnings) {
  std::vector<const Actor*> out;
  std::vector<std::string> no_stance;
  std::vector<std::string> no_weight;
  for (const Actor& a : scenario.actors) {
    bool all = true;
    bool any = false;
    double salience = 0;
    for (const Issue* is : issues) {
      const Stance* st = is->stance(a.id);
      if (st == nullptr) {
        all = false;
      } else {
        any = true;
        salience += st->salience.value;
      }
    }
    if (!any) continue;
    if (!all) {
      no_stance.push_back(a.id);
    } else if (!(a.capability.value > 0) || !(salience > 0)) {
      no_weight.push_back(a.id);
    } else {
      out.push_back(&a);
    }
  }
  auto join = [](const std::vector<std::string>& v) {
    std::string s;
    for (const auto& x : v) s += (s.empty() ? "" : ", ") + x;
    return s;
  };
  if (!no_stance.empty()) {
    warnings.push_back(
        "left out of the joint bargaining (no stance on every issue; option "
        "dimensions=separate runs each issue on its own): " +
        join(no_stance));
  }
  if (!no_weight.empty()) {
    warnings.push_back("left out (zero capability or zero salience, so no vote): " +
                       join(no_weight));
  }
  return out;
}

// KTAB's inputs for a group: positions rescaled from each issue's scale to [0, 1],
// saliences as they are (scaled down when an actor's sum exceeds 1), the accommodation
// matrix from the option. Throws std::runtime_error when the result is not a valid problem.
smp::Problem problem_of(const Group& g, const Config& config, std::vector<std::string>& warnings) {
  const std::size_t n = g.actors.size();
  const std::size_t d = g.issues.size();
  std::vector<std::string> ids;
  for (const Actor* a : g.actors) ids.push_back(a->id);
  smp::Problem problem;
  problem.capability.resize(n);
  problem.position = smp::Matrix(n, d);
  problem.salience = smp::Matrix(n, d);
  std::vector<std::string> rescaled;
  for (std::size_t i = 0; i < n; ++i) {
    problem.capability[i] = g.actors[i]->capability.value;
    double total = 0;
    for (std::size_t k = 0; k < d; ++k) {
      const Issue& is = *g.issues[k];
      const Stance& st = *is.stance(g.actors[i]->id);
      const double span = is.scale.max - is.scale.min;
      const double x = (st.position.value - is.scale.min) / span;
      problem.position(i, k) = std::clamp(x, 0.0, 1.0);
      problem.salience(i, k) = st.salience.value;
      total += st.salience.value;
    }
    // KTAB's saliences are shares of one actor's attention over all dimensions; an
    // entente scenario gives each issue's salience on its own, so a sum above 1 is scaled
    // down to 1, keeping the actor's relative priorities. (A KTAB table's saliences summing
    // to 100 can exceed 1 by an ulp after division; those are left as KTAB leaves them.)
    if (total > 1 + 1e-9) {
      for (std::size_t k = 0; k < d; ++k) problem.salience(i, k) /= total;
      rescaled.push_back(fmt::format("{} {}", g.actors[i]->id, format_value(total)));
    }
  }
  if (!rescaled.empty()) {
    warnings.push_back(fmt::format(
        "saliences summed over the issues run jointly exceed 1 for {} actor{} ({}); each "
        "scaled to sum to 1, as KTAB's saliences are shares of one actor's attention",
        rescaled.size(), rescaled.size() == 1 ? "" : "s", fmt::join(rescaled, ", ")));
  }
  if (!config.accommodation.empty()) {
    problem.accommodation = smp::Matrix(n, n);
    for (std::size_t i = 0; i < n; ++i) problem.accommodation(i, i) = 1.0;
    auto index = [&](const std::string& id) -> std::optional<std::size_t> {
      for (std::size_t i = 0; i < n; ++i) {
        if (ids[i] == id) return i;
      }
      return std::nullopt;
    };
    for (const AccommodationEntry& e : config.accommodation) {
      const auto i = index(e.adjuster);
      const auto j = index(e.reference);
      if (!i || !j) {
        warnings.push_back(
            fmt::format("accommodation entry {}:{} ignored: {} does not take part in this run",
                        e.adjuster, e.reference, !i ? e.adjuster : e.reference));
        continue;
      }
      problem.accommodation(*i, *j) = e.rate;
    }
    for (std::size_t i = 0; i < n; ++i) {
      double total = 0;
      for (std::size_t j = 0; j < n; ++j) total += problem.accommodation(i, j);
      if (total > 1 + 1e-10) {
        throw std::runtime_error(fmt::format(
            "smp: option accommodation: the rates for {} sum to {} (an own rate not named is "
            "1); they must sum to at most 1",
            ids[i], format_value(total)));
      }
    }
  }
  if (const std::string why = smp::check_problem(problem); !why.empty()) {
    throw std::runtime_error("smp: " + why);
  }
  return problem;
}

nlohmann::json parameters_json(const smp::Parameters& p, const std::string& seed) {
  return {{"vote_rule", smp::kVotingRuleNames[static_cast<std::size_t>(p.voting)]},
          {"win_model", smp::kVictoryModelNames[static_cast<std::size_t>(p.victory)]},
          {"pce", smp::kPceModelNames[static_cast<std::size_t>(p.pce)]},
          {"bargain_choice", smp::kTransitionNames[static_cast<std::size_t>(p.transition)]},
          {"risk_range", smp::kRiskRangeNames[static_cast<std::size_t>(p.risk_range)]},
          {"risk_adjust", smp::kRiskAdjustNames[static_cast<std::size_t>(p.risk_adjust)]},
          {"third_party", smp::kThirdPartyNames[static_cast<std::size_t>(p.third_party)]},
          {"interpolation", smp::kInterpolationNames[static_cast<std::size_t>(p.interpolation)]},
          {"bargain_model", smp::kBargainModelNames[static_cast<std::size_t>(p.bargain_model)]},
          {"seed", seed},
          {"min_turns", p.min_turns},
          {"max_turns", p.max_turns}};
}

class SmpModel final : public Model {
 public:
  explicit SmpModel(Config config) : config_(std::move(config)) {}

  [[nodiscard]] const ModelInfo& info() const override { return smp_info(); }

  [[nodiscard]] std::string applicability(const Scenario& scenario) const override {
    for (const Issue& is : scenario.issues) {
      if (is.stances.size() >= 2) return "";
    }
    return "no issue with at least 2 actors taking a stance";
  }

  [[nodiscard]] Result run(const Scenario& scenario, const RunContext& context) const override {
    Result result;
    result.model = info().name;
    smp::Parameters params = config_.params;
    if (config_.seed_from_run) params.seed = context.seed;
    std::vector<Group> groups;
    if (config_.joint) {
      Group g;
      for (const Issue& is : scenario.issues) g.issues.push_back(&is);
      groups.push_back(std::move(g));
    } else {
      for (const Issue& is : scenario.issues) groups.push_back(Group{{&is}, {}});
    }
    std::map<std::string, IssueResult> by_issue;
    nlohmann::json runs = nlohmann::json::array();
    for (Group& g : groups) {
      context.check_stop();
      std::vector<std::string> notes;
      g.actors = participants(scenario, g.issues, notes);
      const std::string label =
          config_.joint ? std::string("joint run") : "issue " + g.issues.front()->id;
      for (const std::string& n : notes) result.warnings.push_back(label + ": " + n);
      nlohmann::json record = run_group(g, params, by_issue, result.warnings, context);
      if (context.details) runs.push_back(std::move(record));
    }
    for (const Issue& is : scenario.issues) {
      IssueResult ir = std::move(by_issue[is.id]);
      ir.issue = is.id;
      result.issues.push_back(std::move(ir));
    }
    if (!context.details) return result;  // a Monte Carlo sample reads the forecasts only
    result.details["parameters"] =
        parameters_json(params, config_.seed_from_run ? "run (" + std::to_string(params.seed) + ")"
                                                      : std::to_string(params.seed));
    result.details["runs"] = std::move(runs);
    return result;
  }

 private:
  // Runs one group and fills the issue results of its issues; returns the group's joint
  // record (actors, turns, risk attitudes and challenges per turn).
  nlohmann::json run_group(const Group& g, const smp::Parameters& params,
                           std::map<std::string, IssueResult>& by_issue,
                           std::vector<std::string>& warnings, const RunContext& context) const {
    const bool details = context.details;
    nlohmann::json record;
    std::vector<std::string> issue_ids;
    std::vector<std::string> ids;
    const std::size_t n = g.actors.size();
    const std::size_t d = g.issues.size();
    if (details) {  // a Monte Carlo sample reads no record
      for (const Issue* is : g.issues) issue_ids.push_back(is->id);
      record["issues"] = issue_ids;
      for (const Actor* a : g.actors) ids.push_back(a->id);
      record["actors"] = ids;
    }
    if (n < 2 || d == 0) {
      const std::string why = fmt::format(
          "no forecast: SMP needs at least 2 actors with positive capability and a stance on "
          "{}, found {}",
          d == 1 ? "the issue" : "every issue", n);
      for (const Issue* is : g.issues) {
        by_issue[is->id].trace.push_back(why);
        warnings.push_back("issue " + is->id + ": " + why);
      }
      record["stop_reason"] = why;
      return record;
    }

    const smp::Problem problem = problem_of(g, config_, warnings);
    smp::Parameters run_params = params;
    // A Monte Carlo sample reads only the final state's probabilities.
    run_params.record_probabilities = details;
    run_params.keep_steps = details;
    smp::Hooks hooks;
    if (context.stop != nullptr) hooks.before_turn = [&](int) { context.check_stop(); };
    const smp::Trajectory tr = smp::run(problem, run_params, hooks);

    // Positions back on each issue's scale.
    auto on_scale = [&](const smp::State& st, std::size_t i, std::size_t k) {
      const Issue& is = *g.issues[k];
      return is.scale.min + st.position(i, k) * (is.scale.max - is.scale.min);
    };
    auto expected = [&](const smp::State& st, std::size_t k) {
      double x = 0;
      for (std::size_t u = 0; u < st.unique.size(); ++u) {
        x += st.unique_probability[u] * on_scale(st, static_cast<std::size_t>(st.unique[u]), k);
      }
      return x;
    };
    if (!details) {  // a Monte Carlo sample: only the forecasts are read
      for (std::size_t k = 0; k < d; ++k)
        by_issue[g.issues[k]->id].forecast = expected(tr.states.back(), k);
      return record;
    }

    nlohmann::json rounds = nlohmann::json::array();
    for (std::size_t t = 0; t < tr.states.size(); ++t) {
      const smp::State& st = tr.states[t];
      nlohmann::json r;
      r["turn"] = t;
      nlohmann::json risk = nlohmann::json::object();
      nlohmann::json prob = nlohmann::json::object();
      for (std::size_t i = 0; i < n; ++i) {
        risk[ids[i]] = st.risk[i];
        prob[ids[i]] = st.actor_probability[i];
      }
      r["risk"] = std::move(risk);
      r["win_probability"] = std::move(prob);
      if (t > 0) r["change_ratio"] = tr.change_ratio[t - 1];
      nlohmann::json challenges = nlohmann::json::array();
      for (const smp::Challenge& c : st.challenges) {
        challenges.push_back({{"initiator", ids[static_cast<std::size_t>(c.initiator)]},
                              {"target", ids[static_cast<std::size_t>(c.target)]},
                              {"probability", c.by_initiator.prob},
                              {"gain", c.by_initiator.gain}});
      }
      if (t + 1 < tr.states.size()) r["challenges"] = std::move(challenges);
      rounds.push_back(std::move(r));
    }
    record["turns"] = tr.states.size() - 1;
    record["stop_reason"] = tr.stop_reason;
    record["rounds"] = std::move(rounds);

    const std::string summary = fmt::format(
        "SMP over {} actors on {} dimension{} ({}): {} votes, {} win probability, {} PCE, {} "
        "bargains ({}, {})",
        n, d, d == 1 ? "" : "s", fmt::join(issue_ids, ", "),
        smp::kVotingRuleNames[static_cast<std::size_t>(params.voting)],
        smp::kVictoryModelNames[static_cast<std::size_t>(params.victory)],
        smp::kPceModelNames[static_cast<std::size_t>(params.pce)],
        smp::kInterpolationNames[static_cast<std::size_t>(params.interpolation)],
        smp::kBargainModelNames[static_cast<std::size_t>(params.bargain_model)],
        smp::kTransitionNames[static_cast<std::size_t>(params.transition)]);
    for (std::size_t k = 0; k < d; ++k) {
      const Issue& is = *g.issues[k];
      IssueResult& ir = by_issue[is.id];
      ir.trace.push_back(summary);
      nlohmann::json rs = nlohmann::json::array();
      for (std::size_t t = 0; t < tr.states.size(); ++t) {
        const smp::State& st = tr.states[t];
        nlohmann::json positions = nlohmann::json::object();
        nlohmann::json prob = nlohmann::json::object();
        std::string line;
        for (std::size_t i = 0; i < n; ++i) {
          const double x = on_scale(st, i, k);
          positions[ids[i]] = x;
          prob[ids[i]] = st.actor_probability[i];
          line += fmt::format("{}{} {}", line.empty() ? "" : ", ", ids[i], format_value(x));
        }
        const double f = expected(st, k);
        rs.push_back({{"turn", t},
                      {"positions", std::move(positions)},
                      {"win_probability", std::move(prob)},
                      {"forecast", f}});
        ir.trace.push_back(
            fmt::format("turn {}: expected outcome {}; {}", t, format_value(f), line));
      }
      const smp::State& last = tr.states.back();
      ir.forecast = expected(last, k);
      ir.details["rounds"] = std::move(rs);
      ir.details["turns"] = tr.states.size() - 1;
      ir.details["joint_with"] = issue_ids;
      // The result first: front ends show the first line as the model's summary.
      ir.trace.insert(
          ir.trace.begin(),
          fmt::format("forecast {}: the final positions after {} turns weighted by "
                      "the probability each prevails ({})",
                      format_value(*ir.forecast), tr.states.size() - 1, tr.stop_reason));
    }
    return record;
  }

  Config config_;
};

// Registration at static initialisation is the registry's design (model.hpp).
// NOLINTNEXTLINE(cert-err58-cpp)
const ModelRegistrar kRegistrar(smp_info(), [](const ModelOptions& options) {
  return std::make_unique<SmpModel>(config_of(options));
});

}  // namespace

namespace smp {

Prepared prepare_joint(const Scenario& scenario, const std::map<std::string, std::string>& options,
                       std::uint64_t run_seed) {
  const Config config = config_of(ModelOptions(smp_info(), options));
  Prepared out;
  out.params = config.params;
  if (config.seed_from_run) out.params.seed = run_seed;
  Group g;
  for (const Issue& is : scenario.issues) {
    g.issues.push_back(&is);
    out.issues.push_back(is.id);
  }
  g.actors = participants(scenario, g.issues, out.warnings);
  for (const Actor* a : g.actors) out.actors.push_back(a->id);
  out.problem = problem_of(g, config, out.warnings);
  return out;
}

}  // namespace smp
}  // namespace entente
