// The `alliance` model: for every alliance of a scenario, on the scenario's date, the
// congruence of the members' strategic interests, each member's willingness to share risk,
// the capability asymmetry (Morrow 1991), each member's fear of abandonment and of
// entrapment (Snyder 1984), and the probability that the alliance still holds after 1, 5
// and 10 years — the ATOP-fitted structural hazard shifted by the scenario's congruence
// and risk sharing. docs/alliance.md has the formulas.
#include <algorithm>
#include <cmath>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "entente/alliance.hpp"
#include "entente/crisis.hpp"
#include "entente/embedded.hpp"
#include "entente/geo.hpp"
#include "entente/model.hpp"

namespace entente {
namespace {

using alliance::Weights;

const ModelInfo& alliance_info() {
  using T = OptionSpec::Type;
  static const ModelInfo kInfo{
      "alliance",
      "Alliance health: congruence, risk sharing, asymmetry, abandonment/entrapment, "
      "durability (ATOP hazard)",
      ModelInfo::Scope::kScenario,
      {
          {"threat_weight",
           "0.5",
           "share of threat overlap in congruence, in [0, 1]",
           {},
           T::kNumber},
          {"w_commitment",
           "1",
           "risk-sharing weight of the leader's stated commitment",
           {},
           T::kNumber},
          {"w_support", "1", "risk-sharing weight of public support (polls)", {}, T::kNumber},
          {"w_burden", "1", "risk-sharing weight of burden sharing", {}, T::kNumber},
          {"w_exposure",
           "1",
           "risk-sharing weight of forces exposed to enemy weapons",
           {},
           T::kNumber},
          {"poll_half_life", "365", "days after which a poll counts half", {}, T::kNumber},
          {"shift_congruence",
           "2",
           "logit hazard shift per unit of (0.5 - congruence)",
           {},
           T::kNumber},
          {"shift_risk",
           "2",
           "logit hazard shift per unit of (0.5 - least risk sharing)",
           {},
           T::kNumber},
          {"honour_rate",
           "0.745",
           "share of obligations honoured by the typical alliance (Leeds, Long & Mitchell 2000)",
           {},
           T::kNumber},
          {"horizons",
           "1,5,10",
           "years after which p_holds is reported, comma-separated",
           {},
           T::kString},
          {"hazard",
           "",
           "hazard fit as JSON text (default: the embedded data/models/alliance-hazard.json)",
           {},
           T::kString},
          {"estimation_draws",
           "1000",
           "draws of the hazard's coefficients from the fit's covariance behind each "
           "p_holds interval (0: no interval)",
           {},
           T::kInteger},
          {"estimation_uncertainty",
           "on",
           "in a sweep, each sample draws the hazard's coefficients from the fit's covariance "
           "(off: every sample uses the estimates)",
           {"on", "off"},
           T::kString},
          {"w_conduct",
           "1",
           "risk-sharing weight of conduct: past episodes and equilibrium choices in crisis games",
           {},
           T::kNumber},
          {"episode_half_life",
           "3650",
           "days after which a past episode counts half",
           {},
           T::kNumber},
          {"lateness",
           "exponential",
           "how lateness discounts a signal made after the decision it was meant to influence: "
           "exponential (halves every lateness_half_life days) or none",
           {"exponential", "none"},
           T::kString},
          {"lateness_half_life",
           "30",
           "days late after which a signal counts half",
           {},
           T::kNumber},
          {"timing_target",
           "0.05",
           "health change the search for how much earlier a signal had to come looks for, > 0",
           {},
           T::kNumber},
          {"crisis_off_path_weight",
           "0",
           "weight in [0, 1] of a member's crisis-game choice off the equilibrium path (on the "
           "path it weighs 1)",
           {},
           T::kNumber},
          {"crisis_solver", "auto",
           "solver for the crisis games whose choices are conduct evidence (as crisis.solver)",
           crisis::solver_choices()},
      }};
  return kInfo;
}

// The q-quantile of `v` (linear interpolation between order statistics, type 7).
double quantile(std::vector<double> v, double q) {
  std::sort(v.begin(), v.end());
  const double pos = q * static_cast<double>(v.size() - 1);
  const auto lo = static_cast<std::size_t>(std::floor(pos));
  const std::size_t hi = std::min(lo + 1, v.size() - 1);
  return v[lo] + (pos - static_cast<double>(lo)) * (v[hi] - v[lo]);
}

std::vector<int> parse_horizons(const std::string& text) {
  std::vector<int> out;
  std::stringstream in(text);
  std::string item;
  while (std::getline(in, item, ',')) {
    std::size_t used = 0;
    int v = 0;
    try {
      v = std::stoi(item, &used);
    } catch (const std::exception&) {
      used = 0;
    }
    if (used != item.size() || v < 1 || v > 200) {
      throw std::invalid_argument("horizons: '" + item + "' is not a whole number of years 1–200");
    }
    out.push_back(v);
  }
  if (out.empty()) throw std::invalid_argument("horizons: expected e.g. 1,5,10");
  return out;
}

class AllianceModel final : public Model {
 public:
  explicit AllianceModel(const ModelOptions& o) {
    w_.threat = o.number("threat_weight");
    w_.commitment = o.number("w_commitment");
    w_.support = o.number("w_support");
    w_.burden = o.number("w_burden");
    w_.exposure = o.number("w_exposure");
    w_.poll_half_life_days = o.number("poll_half_life");
    w_.shift_congruence = o.number("shift_congruence");
    w_.shift_risk = o.number("shift_risk");
    w_.honour_rate = o.number("honour_rate");
    w_.conduct = o.number("w_conduct");
    w_.episode_half_life_days = o.number("episode_half_life");
    w_.lateness =
        o.str("lateness") == "none" ? Weights::Lateness::kNone : Weights::Lateness::kExponential;
    w_.lateness_half_life_days = o.number("lateness_half_life");
    timing_target_ = o.number("timing_target");
    if (!(timing_target_ > 0 && timing_target_ <= 1)) {
      throw std::invalid_argument("timing_target: expected a health change in (0, 1]");
    }
    crisis_solver_ = o.str("crisis_solver");
    w_.off_path_weight = o.number("crisis_off_path_weight");
    auto in01 = [](double v, const char* name) {
      if (!(v >= 0 && v <= 1))
        throw std::invalid_argument(std::string(name) + ": expected a number in [0, 1]");
    };
    in01(w_.threat, "threat_weight");
    in01(w_.honour_rate, "honour_rate");
    in01(w_.off_path_weight, "crisis_off_path_weight");
    for (double v : {w_.commitment, w_.support, w_.burden, w_.exposure, w_.shift_congruence,
                     w_.shift_risk, w_.poll_half_life_days, w_.conduct, w_.episode_half_life_days,
                     w_.lateness_half_life_days}) {
      if (!(v >= 0) || !std::isfinite(v)) {
        throw std::invalid_argument("alliance weights and the half-life must be finite and >= 0");
      }
    }
    horizons_ = parse_horizons(o.str("horizons"));
    const double draws = o.number("estimation_draws");
    if (!(draws >= 0 && draws <= 100000)) {
      throw std::invalid_argument("estimation_draws: expected a whole number 0–100000");
    }
    draws_ = static_cast<int>(draws);
    sample_parameters_ = o.str("estimation_uncertainty") == "on";
    if (o.str("hazard").empty()) {
      hazard_ = alliance::default_hazard();
    } else {
      const auto j = nlohmann::json::parse(o.str("hazard"), nullptr, false);
      if (j.is_discarded()) throw std::invalid_argument("hazard: not valid JSON");
      hazard_ = alliance::HazardModel::from_json(j);
    }
  }

  [[nodiscard]] const ModelInfo& info() const override { return alliance_info(); }

  [[nodiscard]] std::string applicability(const Scenario& scenario) const override {
    return scenario.alliances.empty() ? "the scenario has no alliances" : "";
  }

  [[nodiscard]] Result run(const Scenario& s, const RunContext& context) const override {
    Result result;
    result.model = info().name;
    if (hazard_.empty()) {
      result.warnings.push_back(
          "no hazard fit is embedded (run `entente fit alliance-hazard`); p_holds omitted");
    }
    nlohmann::json list = nlohmann::json::array();
    // A sweep's sample draws the coefficients once for all alliances: they share the fit.
    const bool draw = context.sample_parameters && sample_parameters_ && !hazard_.cov.empty();
    const alliance::HazardModel drawn = draw ? hazard_.draw(context.seed) : alliance::HazardModel{};
    const alliance::HazardModel& hazard = draw ? drawn : hazard_;
    // The interval draws of a detailed run, also shared by the alliances.
    std::vector<alliance::HazardModel> draws;
    if (context.details && !hazard_.cov.empty()) {
      draws.reserve(static_cast<std::size_t>(draws_));
      for (int i = 0; i < draws_; ++i) {
        draws.push_back(hazard_.draw(context.seed + 0x9E3779B97F4A7C15ULL * (i + 1U)));
      }
    }
    // Every alliance reads the same roots, capabilities and unit exposures.
    const alliance::ScenarioIndex index(s);
    // The crisis games' equilibrium choices that are conduct evidence, solved once here (the
    // models run independently, so the alliance model solves the games itself through the
    // crisis library, as the crisis model does).
    std::vector<alliance::ConductEvidence> evidence;
    try {
      evidence = alliance::crisis_evidence(s, crisis_solver_, w_.off_path_weight);
    } catch (const std::runtime_error& e) {
      // A game that cannot be solved (the crisis model reports why) gives no evidence.
      result.warnings.push_back(std::string("crisis games not used as conduct evidence: ") +
                                e.what());
    }
    for (const Alliance& a : s.alliances) {
      context.check_stop();
      // The loader guarantees two members; a hand-built scenario may not.
      if (a.members.size() < 2) {
        result.warnings.push_back(a.id + ": fewer than 2 members; skipped");
        continue;
      }
      nlohmann::json j = evaluate(s, a, index, evidence_for(s, a, evidence), hazard, draws, result,
                                  context.details);
      if (context.details) list.push_back(std::move(j));
    }
    // A Monte Carlo sample reads only the outputs; its JSON would cost more than the model.
    if (!context.details) return result;
    warn_undeclared_forces(s, result);
    result.details["date"] = s.applied_through.value_or(s.as_of).str();
    result.details["alliances"] = std::move(list);
    if (!hazard_.empty()) {
      const nlohmann::json& f = hazard_.fit;
      nlohmann::json fit = nlohmann::json::object();
      for (const char* k : {"alliance_years", "events", "alliances"}) {
        if (f.contains(k)) fit[k] = f[k];
      }
      if (f.contains("holdout") && f["holdout"].contains("auc_test")) {
        fit["auc_test"] = f["holdout"]["auc_test"];
      }
      if (f.contains("calibration")) {
        const auto& c = f["calibration"];
        fit["calibration"] = {{"method", c.value("method", "")},
                              {"era_years", c.value("era_years", 0)}};
      }
      fit["estimation_draws"] = draws.size();
      result.details["hazard_fit"] = fit;
    }
    return result;
  }

 private:
  // A unit that declares no `serves` counts as a hostage in every alliance of its owner; with
  // two or more that is rarely meant (a division in Korea is not a tripwire for Japan).
  static void warn_undeclared_forces(const Scenario& s, Result& result) {
    for (const Force& f : s.forces) {
      if (!f.serves.empty()) continue;
      const std::string& owner = s.root_actor(f.owner);
      std::vector<std::string> of;
      for (const Alliance& a : s.alliances) {
        if (std::find(a.members.begin(), a.members.end(), owner) != a.members.end()) {
          of.push_back(a.id);
        }
      }
      if (of.size() < 2) continue;
      std::string list;
      for (const auto& id : of) list += (list.empty() ? "" : ", ") + id;
      result.warnings.push_back(fmt::format(
          "force {} ({}) declares no `serves`: its exposure counts in every alliance of {} ({}); "
          "say which it backs",
          f.id, f.owner, owner, list));
    }
  }

  // The crisis evidence about `a`'s members from games in which another member plays too.
  static std::vector<alliance::ConductEvidence> evidence_for(
      const Scenario& s, const Alliance& a, const std::vector<alliance::ConductEvidence>& all) {
    std::vector<alliance::ConductEvidence> out;
    auto member = [&](const std::string& id) {
      return std::find(a.members.begin(), a.members.end(), id) != a.members.end();
    };
    for (const auto& ev : all) {
      if (!member(ev.member)) continue;
      const auto g = std::find_if(s.games.begin(), s.games.end(),
                                  [&](const ScenarioGame& x) { return x.id == ev.id; });
      if (g == s.games.end()) continue;
      const bool partner = std::any_of(g->players.begin(), g->players.end(), [&](const auto& p) {
        const std::string& root = s.root_actor(p);
        return root != ev.member && member(root);
      });
      if (partner) out.push_back(ev);
    }
    return out;
  }

  // One alliance's results as JSON, its sweep outputs (health, p_holds per horizon,
  // p_honours) appended to result.outputs; only the outputs when `details` is false.
  // `hazard` is the fit or a sweep sample's draw of it; `draws` (detailed runs) give the
  // p_holds intervals.
  nlohmann::json evaluate(const Scenario& s, const Alliance& a,
                          const alliance::ScenarioIndex& index,
                          const std::vector<alliance::ConductEvidence>& games,
                          const alliance::HazardModel& hazard,
                          const std::vector<alliance::HazardModel>& draws, Result& result,
                          bool details) const {
    const Date at = s.applied_through.value_or(s.as_of);
    const alliance::Congruence c = alliance::congruence(s, a, w_, index);
    const auto risk = alliance::risk_sharing(s, a, w_, index, games);

    // The alliance is as willing as its least willing member.
    const alliance::RiskSharing* weakest = &risk.front();
    for (const auto& r : risk) {
      if (r.value < weakest->value) weakest = &r;
    }
    const double health = alliance::health(c.value, weakest->value, w_);
    const double shift = alliance::hazard_shift(c.value, weakest->value, w_);

    // The sweep outputs, in the order a sweep lays them out.
    std::vector<double> x;  // structural covariates, when a hazard fit is embedded
    if (!hazard.empty()) {
      std::vector<std::string> warnings;
      x = alliance::structural_covariates(s, a, at, default_cinc_table(), warnings);
      for (auto& w : warnings) result.warnings.push_back(std::move(w));
    }
    // Labels only when details are kept: a Monte Carlo sample reads the values alone.
    const std::string group = details ? (a.name.empty() ? a.id : a.name) : std::string();
    auto label = [&](const std::string& text) { return details ? text : std::string(); };
    result.outputs.push_back({a.id + "/health", health, 0.0, 1.0, label("health"), group});
    std::vector<double> holds;
    std::optional<double> honours;
    if (!hazard.empty()) {
      holds = alliance::p_holds(hazard, x, shift, horizons_);
      for (std::size_t k = 0; k < horizons_.size(); ++k) {
        const int h = horizons_[k];
        result.outputs.push_back(
            {a.id + "/p_holds/" + std::to_string(h) + "y", holds[k], 0.0, 1.0,
             label("P(holds " + std::to_string(h) + (h == 1 ? " year)" : " years)")), group});
      }
      honours = alliance::p_honours(hazard, x, shift, w_);
      result.outputs.push_back(
          {a.id + "/p_honours", *honours, 0.0, 1.0, label("P(honours obligations)"), group});
    }
    if (!details) return nullptr;

    const alliance::Asymmetry asym = alliance::asymmetry(s, a);
    const auto aband = alliance::abandonment(a, c, risk, asym);
    const auto entrap = alliance::entrapment(a, c, risk);
    nlohmann::json j;
    j["id"] = a.id;
    j["name"] = a.name;
    j["members"] = a.members;
    nlohmann::json cj;
    cj["value"] = c.value;
    cj["issues"] = c.issues ? nlohmann::json(*c.issues) : nlohmann::json(nullptr);
    cj["threats"] = c.threats ? nlohmann::json(*c.threats) : nlohmann::json(nullptr);
    nlohmann::json by_issue = nlohmann::json::array();
    for (const auto& d : c.by_issue) {
      by_issue.push_back({{"issue", d.issue},
                          {"distance", d.distance},
                          {"weight", d.weight},
                          {"share_of_gap", d.share}});
    }
    cj["by_issue"] = by_issue;
    j["congruence"] = cj;

    nlohmann::json rj = nlohmann::json::object();
    for (const auto& r : risk) {
      auto opt = [](const std::optional<double>& v) {
        return v ? nlohmann::json(*v) : nlohmann::json(nullptr);
      };
      nlohmann::json polls = nlohmann::json::array();
      for (const auto& p : r.polls) {
        polls.push_back({{"poll", p.poll}, {"support", p.support}, {"weight", p.weight}});
      }
      rj[r.member] = {
          {"value", r.value},        {"commitment", opt(r.commitment)}, {"support", opt(r.support)},
          {"burden", opt(r.burden)}, {"exposure", opt(r.exposure)},     {"polls", polls},
          {"missing", r.missing}};
      // Only where the scenario uses them, so older scenarios report as before.
      if (r.conduct || !r.evidence.empty()) {
        nlohmann::json ev = nlohmann::json::array();
        for (const auto& e : r.evidence) {
          nlohmann::json item = {{"kind", e.kind},
                                 {"id", e.id},
                                 {"date", e.date.str()},
                                 {"shares_risk", e.shares_risk},
                                 {"weight", e.weight}};
          if (e.kind == "game") {
            item["node"] = e.node;
            item["choice"] = e.choice;
            item["on_path"] = e.on_path;
          }
          ev.push_back(std::move(item));
        }
        rj[r.member]["conduct"] = opt(r.conduct);
        rj[r.member]["evidence"] = ev;
      }
      if (!r.signals.empty()) {
        nlohmann::json sj = nlohmann::json::array();
        for (const auto& u : r.signals) {
          sj.push_back({{"id", u.id},
                        {"date", u.date.str()},
                        {"needed_by", u.needed_by},
                        {"needed_date", u.needed_date.str()},
                        {"days_late", u.days_late},
                        {"discount", u.discount},
                        {"visible", u.visible}});
        }
        rj[r.member]["signals"] = sj;
      }
    }
    j["risk_sharing"] = rj;
    crisis_and_timing(s, a, index, games, c, risk, health, j, result);

    nlohmann::json aj;
    aj["index"] = asym.index;
    for (const std::string& m : a.members) {
      aj["members"][m] = {{"capability_share", asym.share.at(m)},
                          {"security_gained", asym.security.at(m)},
                          {"autonomy_gained", asym.autonomy.at(m)}};
    }
    j["asymmetry"] = aj;
    auto fears = [](const std::vector<alliance::Fear>& fs) {
      nlohmann::json out = nlohmann::json::object();
      for (const auto& f : fs) {
        nlohmann::json terms = nlohmann::json::array();
        for (const auto& t : f.terms) terms.push_back({{"term", t.name}, {"value", t.value}});
        out[f.member] = {{"value", f.value}, {"terms", terms}};
      }
      return out;
    };
    j["abandonment"] = fears(aband);
    j["entrapment"] = fears(entrap);
    j["health"] = health;

    // Drivers: every term's contribution to the annual hazard's logit, relative to the
    // typical alliance with a neutral scenario (so they sum to the total excess).
    std::vector<std::pair<std::string, double>> drivers;
    const bool both = c.issues && c.threats;
    const double issue_part = c.issues ? (both ? 1.0 - w_.threat : 1.0) : 0.0;
    const double threat_part = c.threats ? (both ? w_.threat : 1.0) : 0.0;
    double total_weight = 0.0;
    for (const auto& d : c.by_issue) total_weight += d.weight;
    if (c.issues && total_weight > 0) {
      for (const auto& d : c.by_issue) {
        drivers.emplace_back(
            "congruence: issue " + d.issue,
            w_.shift_congruence * issue_part * (d.weight / total_weight) * (d.distance - 0.5));
      }
    }
    if (c.threats) {
      drivers.emplace_back("congruence: threat overlap",
                           w_.shift_congruence * threat_part * (0.5 - *c.threats));
    }
    if (!c.issues && !c.threats) {
      result.warnings.push_back(a.id + ": no common issue stances or threats; congruence 0.5");
    }
    const std::pair<const char*, std::pair<std::optional<double>, double>> comps[] = {
        {"commitment", {weakest->commitment, w_.commitment}},
        {"public support", {weakest->support, w_.support}},
        {"burden sharing", {weakest->burden, w_.burden}},
        {"exposure", {weakest->exposure, w_.exposure}},
        {"conduct", {weakest->conduct, w_.conduct}}};
    double comp_weight = 0.0;
    for (const auto& [name, cw] : comps) {
      if (cw.first) comp_weight += cw.second;
    }
    for (const auto& [name, cw] : comps) {
      if (!cw.first || !(comp_weight > 0)) continue;
      drivers.emplace_back("risk sharing: " + weakest->member + " " + name,
                           w_.shift_risk * (cw.second / comp_weight) * (0.5 - *cw.first));
    }

    nlohmann::json hj;
    if (!hazard.empty()) {
      for (std::size_t k = 0; k < x.size(); ++k) {
        drivers.emplace_back("structure: " + alliance::hazard_covariates()[k],
                             hazard.beta[k + 1] * (x[k] - hazard.base[k]));
      }
      nlohmann::json cov = nlohmann::json::object();
      for (std::size_t k = 0; k < x.size(); ++k) cov[alliance::hazard_covariates()[k]] = x[k];
      const double eta = hazard.eta(x);
      hj = {{"covariates", cov},
            {"structural_logit", eta},
            {"shift", shift},
            {"annual_structural", 1.0 / (1.0 + std::exp(-eta))},
            {"annual", 1.0 / (1.0 + std::exp(-(eta + shift)))}};
      nlohmann::json ph = nlohmann::json::object();
      for (std::size_t k = 0; k < horizons_.size(); ++k)
        ph[std::to_string(horizons_[k])] = holds[k];
      j["p_holds"] = ph;
      if (!draws.empty()) {
        // 90% interval from the coefficients' sampling distribution (estimation error only;
        // a sweep adds the inputs' uncertainty).
        std::vector<std::vector<double>> by_horizon(horizons_.size());
        for (const auto& d : draws) {
          const auto v = alliance::p_holds(d, x, shift, horizons_);
          for (std::size_t k = 0; k < v.size(); ++k) by_horizon[k].push_back(v[k]);
        }
        nlohmann::json iv = nlohmann::json::object();
        for (std::size_t k = 0; k < horizons_.size(); ++k) {
          iv[std::to_string(horizons_[k])] = {quantile(by_horizon[k], 0.05),
                                              quantile(by_horizon[k], 0.95)};
        }
        j["p_holds_interval"] = iv;
      }
      j["p_honours"] = *honours;
    } else {
      hj = {{"shift", shift}};
      j["p_holds"] = nullptr;
      j["p_honours"] = nullptr;
    }
    j["hazard"] = hj;
    std::stable_sort(drivers.begin(), drivers.end(), [](const auto& p, const auto& q) {
      return std::fabs(p.second) > std::fabs(q.second);
    });
    nlohmann::json dj = nlohmann::json::array();
    for (const auto& [term, value] : drivers) dj.push_back({{"term", term}, {"value", value}});
    j["drivers"] = dj;

    result.trace.push_back(fmt::format(
        "{}: health {:.3f} (congruence {:.3f}, least willing member {} at {:.3f}); hazard "
        "shift {:+.3f} on the logit scale",
        a.id, health, c.value, weakest->member, weakest->value, shift));
    if (!drivers.empty()) {
      result.trace.push_back(fmt::format("{}: largest driver: {} ({:+.3f})", a.id,
                                         drivers.front().first, drivers.front().second));
    }
    return j;
  }

  // What Japan-style crisis choices did to the score, and how much earlier each signal had to
  // come: the `crisis_choices` and `signals` entries of the alliance's JSON, with trace lines.
  void crisis_and_timing(const Scenario& s, const Alliance& a, const alliance::ScenarioIndex& index,
                         const std::vector<alliance::ConductEvidence>& games,
                         const alliance::Congruence& c,
                         const std::vector<alliance::RiskSharing>& risk, double health,
                         nlohmann::json& j, Result& result) const {
    if (!games.empty()) {
      // The same alliance without the games' evidence: what the choices moved.
      const auto without = alliance::risk_sharing(s, a, w_, index);
      const double health_without = alliance::health_of(c, without, w_);
      nlohmann::json list = nlohmann::json::array();
      for (const auto& ev : games) {
        const auto r = std::find_if(risk.begin(), risk.end(),
                                    [&](const auto& x) { return x.member == ev.member; });
        const auto r0 = std::find_if(without.begin(), without.end(),
                                     [&](const auto& x) { return x.member == ev.member; });
        if (r == risk.end() || r0 == without.end()) continue;
        list.push_back({{"game", ev.id},
                        {"member", ev.member},
                        {"node", ev.node},
                        {"choice", ev.choice},
                        {"on_path", ev.on_path},
                        {"shares_risk", ev.shares_risk},
                        {"weight", ev.weight},
                        {"risk_sharing_without", r0->value},
                        {"risk_sharing", r->value},
                        {"health_without", health_without},
                        {"health", health}});
        result.trace.push_back(fmt::format(
            "{}: {} chooses {} at {} in game {} ({} the equilibrium path, so it weighs {:.2f}; "
            "shares_risk {:.2f}): its risk sharing {:.3f} -> {:.3f}, health {:.3f} -> {:.3f}",
            a.id, ev.member, ev.choice, ev.node, ev.id, ev.on_path ? "on" : "off", ev.weight,
            ev.shares_risk, r0->value, r->value, health_without, health));
      }
      j["crisis_choices"] = list;
    }
    nlohmann::json signals = nlohmann::json::array();
    for (const AllianceTerms& t : a.terms) {
      for (const Signal& sg : t.signals) {
        const alliance::TimingSearch ts =
            alliance::search_signal_timing(s, a, w_, index, games, t.member, sg.id, timing_target_);
        const alliance::SignalUse* use = nullptr;
        for (const auto& r : risk) {
          for (const auto& u : r.signals) {
            if (r.member == t.member && u.id == sg.id) use = &u;
          }
        }
        nlohmann::json sj = {{"member", t.member},           {"id", sg.id},
                             {"date", sg.date.str()},        {"needed_by", sg.needed_by},
                             {"health", ts.health},          {"health_without", ts.without},
                             {"health_on_time", ts.on_time}, {"target", ts.target}};
        if (use != nullptr) {
          sj["needed_date"] = use->needed_date.str();
          sj["days_late"] = use->days_late;
          sj["discount"] = use->discount;
          sj["visible"] = use->visible;
        }
        sj["earlier"] = ts.latest
                            ? nlohmann::json{{"date", ts.latest->str()}, {"days", ts.days_earlier}}
                            : nlohmann::json(nullptr);
        signals.push_back(sj);
        const std::string when =
            ts.latest
                ? fmt::format("it would have had to come by {} ({} days earlier)", ts.latest->str(),
                              ts.days_earlier)
                : fmt::format("no date would have done it (on time it gives {:.3f})", ts.on_time);
        result.trace.push_back(fmt::format(
            "{}: {}'s signal {} ({}, {} days after {}; counts {:.2f}): health {:.3f} with it, "
            "{:.3f} without; to raise health by {:.2f} {}",
            a.id, t.member, sg.id, sg.date.str(), use != nullptr ? use->days_late : 0, sg.needed_by,
            use != nullptr ? use->discount : 1.0, ts.health, ts.without, ts.target, when));
      }
    }
    if (!signals.empty()) j["signals"] = signals;
  }

  Weights w_;
  double timing_target_ = 0.05;
  std::string crisis_solver_ = "auto";
  std::vector<int> horizons_;
  alliance::HazardModel hazard_;
  int draws_ = 1000;
  bool sample_parameters_ = true;
};

// NOLINTNEXTLINE(cert-err58-cpp)
const ModelRegistrar kRegistrar(alliance_info(), [](const ModelOptions& options) {
  return std::make_unique<AllianceModel>(options);
});

}  // namespace
}  // namespace entente
