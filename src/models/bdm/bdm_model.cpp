// The "bdm" model: options, registration, and the per-issue result (forecast, rounds,
// challenges, trace) around the engine of bdm_engine.cpp. Issues are played separately.
#include <algorithm>
#include <charconv>
#include <cmath>
#include <limits>
#include <memory>
#include <numeric>
#include <stdexcept>
#include <string>
#include <tuple>
#include <vector>

#include <fmt/format.h>

#include "entente/model.hpp"
#include "models/bdm/bdm.hpp"

namespace entente::bdm {

namespace {

const ModelInfo& model_info() {
  static const ModelInfo kInfo = [] {
    ModelInfo m;
    m.name = "bdm";
    m.description =
        "Bueno de Mesquita's expected-utility model: rounds of challenges and concessions "
        "(Scholz et al. 2011 reconstruction)";
    m.scope = ModelInfo::Scope::kIssue;
    using Type = OptionSpec::Type;
    m.options = {
        {"q",
         "1",
         "probability Q that the status quo holds if i does not challenge j (1: BDM 1985 "
         "and Scholz; 0.5: later BDM), in [0, 1]",
         {},
         Type::kNumber},
        {"t-rule",
         "direction",
         "T in the Q < 1 term: direction = 1 when j's drift toward the median helps i, else 0 "
         "(Scholz's reading); half = 1/2",
         {"direction", "half"}},
        {"salience-multiplier",
         "responder",
         "whose salience weighs the 'target resists' branch of EU_i(ij): the responder's s_j "
         "or the challenger's s_i (as Scholz et al. print it)",
         {"responder", "challenger"}},
        {"perspective",
         "target",
         "whose risk exponent prices the two EUs of a contest: target = the target's for both "
         "(it decides on its own perception; Scholz's code), own = each side its own, "
         "challenger = the challenger's for both",
         {"target", "own", "challenger"}},
        {"risk",
         "on",
         "risk exponents: on = from security each round (a given risk attitude replaces the "
         "computed one), off = all neutral, given = only the scenario's",
         {"on", "off", "given"}},
        {"probability",
         "all-pairs",
         "probability of success: pair = support for i over support for i or j; all-pairs = "
         "over the support summed over every pair of actors (Scholz's code)",
         {"pair", "all-pairs"}},
        {"vote-utility",
         "risk",
         "votes: linear in distance, or risk = through each voter's risk exponent (Scholz's "
         "code)",
         {"linear", "risk"}},
        {"range",
         "initial",
         "distance normaliser R: spread of the current positions, or of the initial ones "
         "(Scholz's code)",
         {"current", "initial"}},
        {"offer",
         "scholz-code",
         "offer a target accepts: highest-eu = most enforceable class (conflict), then the "
         "challenger's highest EU, then the least move; least-move; scholz-code = as Scholz's "
         "code (conflict by least move, else compromise by lowest EU-weighted position)",
         {"highest-eu", "least-move", "scholz-code"}},
        {"capitulation",
         "off",
         "on: a target losing more by resisting than the challenger gains moves fully; off: "
         "no offer then (Scholz's code, whose test for it can never hold)",
         {"on", "off"}},
        {"stop",
         "rounds:10",
         "rounds:N = play N rounds (fewer if nobody moves); median-shift:EPS = stop when the "
         "median moves by at most EPS × the initial spread of positions (at most 100 rounds)",
         {"rounds:N", "median-shift:EPS"}},
        {"forecast",
         "median",
         "the forecast: weighted median (Condorcet winner) or weighted mean of final positions",
         {"median", "mean"}},
        {"detail",
         "auto",
         "what details keep per round: all (stalemates too), offers, moves (accepted only, "
         "with counts of the offers), none (no rounds); auto = offers while actors² × the "
         "round limit is at most 25,000 (50 actors at 10 rounds), else moves",
         {"auto", "all", "offers", "moves", "none"}},
    };
    return m;
  }();
  return kInfo;
}

double parse_number(const std::string& text, const std::string& what) {
  double v = 0.0;
  auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (text.empty() || ec != std::errc() || ptr != text.data() + text.size() || !std::isfinite(v)) {
    throw std::invalid_argument("option bdm." + what + ": expected a number, got '" + text + "'");
  }
  return v;
}

// Display name of an actor: its name when it has one, else its id.
std::string display_name(const Scenario& scenario, const std::string& id) {
  const Actor* a = scenario.actor(id);
  return a != nullptr && !a->name.empty() ? a->name : id;
}

const char* move_verb(ChallengeClass kind) {
  switch (kind) {
    case ChallengeClass::kConflict:
      return "loses a conflict to";
    case ChallengeClass::kCompromise:
      return "compromises with";
    case ChallengeClass::kCapitulation:
      return "capitulates to";
    case ChallengeClass::kStalemate:
      break;
  }
  return "stays against";
}

class BdmModel final : public Model {
 public:
  explicit BdmModel(const ModelOptions& options)
      : options_(options), config_(config_from_options(options)) {}

  [[nodiscard]] const ModelInfo& info() const override { return model_info(); }

  [[nodiscard]] Result run(const Scenario& scenario, const RunContext& context) const override {
    Result result;
    result.model = "bdm";
    for (const Issue& issue : scenario.issues) {
      context.check_stop();
      result.issues.push_back(run_issue(scenario, issue, result.warnings, context.details));
    }
    return result;
  }

 private:
  // Plays one issue on its own (issues do not interact in this model).
  IssueResult run_issue(const Scenario& scenario, const Issue& issue,
                        std::vector<std::string>& warnings, bool details) const {
    IssueResult out;
    out.issue = issue.id;
    const std::vector<Player> players = players_on(scenario, issue);
    if (players.empty()) {
      warnings.push_back("bdm: issue '" + issue.id + "' has no positions; no forecast");
      return out;
    }
    // As compromise and median refuse: with no capability x salience anywhere, no challenge
    // has any weight, and the "forecast" would be an artefact of the tie-breaking order.
    if (std::none_of(players.begin(), players.end(),
                     [](const Player& p) { return p.capability * p.salience > 0; })) {
      const std::string why =
          "every actor has zero capability x salience, so no position carries any weight";
      warnings.push_back(fmt::format("bdm: issue '{}': no forecast: {}", issue.id, why));
      out.trace.push_back("no forecast: " + why);
      return out;
    }
    // Canonical order (by the actor's data, not its label), so that relabelling or
    // reordering actors changes nothing, to the last bit. offer=scholz-code keeps the
    // input order: like the replication it breaks ties by it.
    std::vector<std::size_t> order(players.size());
    std::iota(order.begin(), order.end(), std::size_t{0});
    std::vector<double> given(players.size(), std::numeric_limits<double>::quiet_NaN());
    bool any_given = false;
    for (std::size_t i = 0; i < players.size(); ++i) {
      const Actor* a = scenario.actor(players[i].actor);
      if (a != nullptr && a->risk) {
        given[i] = a->risk->value;
        any_given = true;
      }
    }
    if (config_.offer != OfferRule::kScholzCode) {
      auto key = [&](std::size_t i) {
        // NaN (no given risk) sorts last.
        const double g = std::isnan(given[i]) ? 2.0 : given[i];
        return std::tuple(players[i].position, players[i].capability, players[i].salience, g);
      };
      std::stable_sort(order.begin(), order.end(),
                       [&](std::size_t a, std::size_t b) { return key(a) < key(b); });
    }
    const std::size_t n = players.size();
    std::vector<double> capability(n);
    std::vector<double> position(n);
    std::vector<double> salience(n);
    std::vector<double> risk(any_given ? n : 0);
    for (std::size_t k = 0; k < n; ++k) {
      const Player& p = players[order[k]];
      capability[k] = p.capability;
      position[k] = p.position;
      salience[k] = p.salience;
      if (any_given) risk[k] = given[order[k]];
    }

    // One engine per thread, reconfigured per call: its working memory then survives
    // between Monte Carlo samples (run() resets every piece of state it reads).
    thread_local Engine engine{Config{}};
    engine.configure(config_);
    std::vector<Round> rounds;
    const Detail detail = resolve_detail(config_, n);
    const bool keep_rounds = details && detail != Detail::kNone;
    const Outcome outcome =
        engine.run(capability, position, salience, risk, keep_rounds ? &rounds : nullptr);
    out.forecast = outcome.forecast;
    if (!details) {  // a Monte Carlo sample: the forecast is all that is read
      if (outcome.stop == StopReason::kMaxRounds) {
        warnings.push_back("bdm: issue '" + issue.id + "' did not settle");
      }
      return out;
    }
    // The headline first (front ends show the first line as the model's explanation).
    out.trace.push_back(fmt::format(
        "forecast {:.2f}: the weighted {} after {} round{} (stopped: {}); it started at median "
        "{:.2f}, mean {:.2f}",
        outcome.forecast, config_.forecast == ForecastRule::kMedian ? "median" : "mean",
        outcome.rounds, outcome.rounds == 1 ? "" : "s", stop_reason_name(outcome.stop),
        outcome.initial_median, outcome.initial_mean));

    nlohmann::json& d = out.details;
    d["options"] = options_.all();
    d["median"] = outcome.median;
    d["mean"] = outcome.mean;
    d["forecast_rule"] = config_.forecast == ForecastRule::kMedian ? "median" : "mean";
    d["rounds_played"] = outcome.rounds;
    d["stop"] = {{"rule", options_.str("stop")}, {"reason", stop_reason_name(outcome.stop)}};
    // What `challenges` holds, detail=auto resolved: a reader must know whether the
    // offers a round lists are all of them or the accepted ones only.
    d["detail"] = detail_name(detail);
    if (outcome.stop == StopReason::kMaxRounds) {
      warnings.push_back(fmt::format(
          "bdm: issue '{}': {} did not settle within {} rounds; the forecast is the state after "
          "the last round",
          issue.id, options_.str("stop"), kShiftRoundsLimit));
    }

    if (keep_rounds) {
      std::vector<std::string> ids(n);
      std::vector<std::string> names(n);
      for (std::size_t k = 0; k < n; ++k) {
        ids[k] = players[order[k]].actor;
        names[k] = display_name(scenario, ids[k]);
      }
      nlohmann::json rounds_json = nlohmann::json::array();
      for (const Round& r : rounds) {
        nlohmann::json rj;
        rj["round"] = r.round;
        nlohmann::json positions = nlohmann::json::object();
        for (std::size_t k = 0; k < n; ++k) positions[ids[k]] = r.positions[k];
        rj["positions"] = std::move(positions);
        rj["median"] = r.median;
        rj["mean"] = r.mean;
        if (!r.risk_exponents.empty()) {
          nlohmann::json exps = nlohmann::json::object();
          for (std::size_t k = 0; k < n; ++k) exps[ids[k]] = r.risk_exponents[k];
          rj["risk_exponents"] = std::move(exps);
        }
        nlohmann::json challenges = nlohmann::json::array();
        for (const Offer& o : r.offers) {
          const auto c = static_cast<std::size_t>(o.challenger);
          const auto t = static_cast<std::size_t>(o.target);
          challenges.push_back({{"challenger", ids[c]},
                                {"target", ids[t]},
                                {"eu_challenger", o.eu_challenger},
                                {"eu_target", o.eu_target},
                                {"class", class_name(o.kind)},
                                {"new_position", o.new_position},
                                {"accepted", o.accepted}});
        }
        rj["challenges"] = std::move(challenges);
        if (r.round > 0) {
          rj["offer_counts"] = {{"conflict", r.offer_counts.conflict},
                                {"compromise", r.offer_counts.compromise},
                                {"capitulation", r.offer_counts.capitulation}};
        }
        rounds_json.push_back(std::move(rj));
      }
      // The exponents BDM reports: those computed from the initial positions (round 1).
      if (rounds.size() > 1 && !rounds[1].risk_exponents.empty()) {
        d["risk_exponents"] = rounds_json[1]["risk_exponents"];
      } else {
        d["risk_exponents"] = nlohmann::json::object();
      }
      d["rounds"] = std::move(rounds_json);
      trace(rounds, names, config_.offer, out.trace);
    }
    return out;
  }

  // Readable lines after the headline: the start, every accepted move, and each round's
  // median and mean.
  // Why a target made the move it made: what its class means, in the target's own
  // expected utilities, and the rule that picked this offer among those it received.
  static std::string why(const Offer& o, OfferRule rule) {
    std::string out;
    switch (o.kind) {
      case ChallengeClass::kConflict:
        out =
            "both expect to gain from a contest and it expects less, so it expects to lose and "
            "takes the challenger's position";
        break;
      case ChallengeClass::kCompromise:
        out = fmt::format(
            "it expects to lose by resisting less than the challenger gains, so it moves |b/a| "
            "= {:.2f} of the way",
            o.eu_challenger != 0 ? std::abs(o.eu_target / o.eu_challenger) : 0.0);
        break;
      case ChallengeClass::kCapitulation:
        out = "it expects to lose more by resisting than the challenger gains, so it gives in";
        break;
      case ChallengeClass::kStalemate:
        return "";
    }
    const char* rule_text =
        rule == OfferRule::kHighestEu
            ? "offer=highest-eu: the most enforceable class (conflict) first, then the "
              "challenger's highest EU"
        : rule == OfferRule::kLeastMove
            ? "offer=least-move: the least move, then the highest EU"
            : "offer=scholz-code: conflicts first by least move, then compromises by the lowest "
              "EU-weighted position";
    // The same at every detail level: the trace must not depend on what `details` keeps.
    return out + "; chosen by " + rule_text;
  }

  static void trace(const std::vector<Round>& rounds, const std::vector<std::string>& names,
                    OfferRule rule, std::vector<std::string>& lines) {
    for (const Round& r : rounds) {
      if (r.round == 0) {
        const auto [lo, hi] = std::minmax_element(r.positions.begin(), r.positions.end());
        lines.push_back(
            fmt::format("round 0: median {:.2f}, mean {:.2f}; {} actors on {:.2f}–{:.2f}", r.median,
                        r.mean, r.positions.size(), *lo, *hi));
        continue;
      }
      const Round& before = rounds[static_cast<std::size_t>(r.round - 1)];
      for (const Offer& o : r.offers) {
        if (!o.accepted) continue;
        const auto c = static_cast<std::size_t>(o.challenger);
        const auto t = static_cast<std::size_t>(o.target);
        lines.push_back(
            fmt::format("round {}: {} {} {} (EU {:.2f} vs {:.2f}), moves {:.2f} → {:.2f}: {}",
                        r.round, names[t], move_verb(o.kind), names[c], o.eu_challenger,
                        o.eu_target, before.positions[t], o.new_position, why(o, rule)));
      }
      lines.push_back(
          fmt::format("round {}: median {:.2f}, mean {:.2f}", r.round, r.median, r.mean));
    }
  }

  ModelOptions options_;
  Config config_;
};

// Registration at static initialisation is the registry's design (model.hpp).
// NOLINTNEXTLINE(cert-err58-cpp)
const ModelRegistrar kRegistrar(model_info(), [](const ModelOptions& options) {
  return std::make_unique<BdmModel>(options);
});

}  // namespace

std::map<std::string, std::string> scholz_replica_options() {
  return {{"q", "1"},
          {"salience-multiplier", "responder"},
          {"perspective", "target"},
          {"risk", "on"},
          {"probability", "all-pairs"},
          {"vote-utility", "risk"},
          {"range", "initial"},
          {"offer", "scholz-code"},
          {"capitulation", "off"},
          {"stop", "rounds:10"}};
}

Config config_from_options(const ModelOptions& options) {
  Config c;
  c.q = options.number("q");
  if (!(c.q >= 0.0 && c.q <= 1.0)) {
    throw std::invalid_argument("option bdm.q='" + options.str("q") +
                                "' is invalid: expected a probability in [0, 1]");
  }
  c.t_rule = options.str("t-rule") == "half" ? TRule::kHalf : TRule::kDirection;
  c.salience_multiplier = options.str("salience-multiplier") == "challenger"
                              ? SalienceMultiplier::kChallenger
                              : SalienceMultiplier::kResponder;
  const std::string& perspective = options.str("perspective");
  c.perspective = perspective == "own"          ? Perspective::kOwn
                  : perspective == "challenger" ? Perspective::kChallenger
                                                : Perspective::kTarget;
  const std::string& risk = options.str("risk");
  c.risk = risk == "off" ? RiskMode::kOff : risk == "given" ? RiskMode::kGiven : RiskMode::kOn;
  c.probability = options.str("probability") == "all-pairs" ? ProbabilityRule::kAllPairs
                                                            : ProbabilityRule::kPair;
  c.vote_utility =
      options.str("vote-utility") == "risk" ? VoteUtility::kRisk : VoteUtility::kLinear;
  c.range = options.str("range") == "initial" ? RangeRule::kInitial : RangeRule::kCurrent;
  const std::string& offer = options.str("offer");
  c.offer = offer == "least-move"    ? OfferRule::kLeastMove
            : offer == "scholz-code" ? OfferRule::kScholzCode
                                     : OfferRule::kHighestEu;
  c.capitulation = options.str("capitulation") != "off";
  const std::string& stop = options.str("stop");
  const auto colon = stop.find(':');
  const std::string rule = stop.substr(0, colon);
  const double value =
      parse_number(colon == std::string::npos ? "" : stop.substr(colon + 1), "stop");
  if (rule == "rounds") {
    if (!(value >= 0.0 && value <= kRoundsLimit && value == std::floor(value))) {
      throw std::invalid_argument(fmt::format(
          "option bdm.stop='{}' is invalid: expected rounds:N with N a whole number in [0, {}]",
          stop, kRoundsLimit));
    }
    c.stop = StopRule::kRounds;
    c.rounds = static_cast<int>(value);
  } else {
    if (!(value >= 0.0)) {
      throw std::invalid_argument("option bdm.stop='" + stop +
                                  "' is invalid: expected median-shift:EPS with EPS >= 0");
    }
    c.stop = StopRule::kMedianShift;
    c.median_shift = value;
  }
  c.forecast = options.str("forecast") == "mean" ? ForecastRule::kMean : ForecastRule::kMedian;
  const std::string& detail = options.str("detail");
  c.detail = detail == "all"      ? Detail::kAll
             : detail == "offers" ? Detail::kOffers
             : detail == "moves"  ? Detail::kMoves
             : detail == "none"   ? Detail::kNone
                                  : Detail::kAuto;
  return c;
}

}  // namespace entente::bdm
