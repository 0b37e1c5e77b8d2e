// The alliance model's parts, public so that tests and the CLI can use them one by one:
// the structural hazard of alliance termination fitted on ATOP v4.01 × COW NMC, and the
// scenario-level components (congruence, risk sharing, asymmetry, abandonment and
// entrapment, durability). docs/alliance.md gives every formula.
//
// Nothing here does I/O: the fit takes the tables' text, the CLI reads the files.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "entente/cinc.hpp"
#include "entente/geo.hpp"
#include "entente/scenario.hpp"

namespace entente::alliance {

// ---------------------------------------------------------------------------------------
// Structural hazard (discrete time, logit link)

// Covariate names, in the order of a design row after the intercept.
const std::vector<std::string>& hazard_covariates();

// One alliance-year at risk of termination.
struct AllianceYear {
  int atopid = 0;
  int year = 0;
  std::vector<double> x;  // covariates, hazard_covariates() order
  bool event = false;     // the alliance ended early in this year
};

struct HazardData {
  std::vector<AllianceYear> rows;
  int alliances = 0;          // alliances with at least one row
  int dropped_alliances = 0;  // no usable year (before 1816 or capabilities missing)
  int dropped_years = 0;      // years dropped for missing capabilities
  int expired_at_term = 0;    // endings at or after the specified term: censored, no event
  int last_year = 0;          // right-censoring year
};

// Builds alliance-years from ATOP v4.01's alliance- and member-level tables (CSV text) and
// COW NMC capabilities (CSV text with ccode, year and cinc; ATOP members are COW ccodes).
// The event: the first year in which any member's participation ends
// (member-level yrexit) before the alliance's specified term (length, months from begyr)
// has run out; an ending at or after the term is an expiry, censored. Alliances still in
// force, or ending after `last_year`, are right-censored at `last_year` (0: the last
// year of the capabilities table). Covariates are
// measured in the previous year (the formation year for the first). Throws InputError on
// malformed tables.
HazardData build_hazard_data(std::string_view alliance_csv, std::string_view member_csv,
                             std::string_view nmc_csv, int last_year = 0);

// A fitted logistic regression.
struct LogitFit {
  std::vector<double> beta;  // intercept first
  std::vector<double> se;    // from the inverse Hessian at the optimum
  std::vector<double> cov;   // the inverse Hessian itself, k × k row-major
  double log_likelihood = 0.0;
  int iterations = 0;
};

// Maximum likelihood by Newton–Raphson (IRLS) from zero. `x` rows hold covariates without
// the intercept. Throws std::runtime_error when the Hessian is singular or it does not
// converge in 100 iterations.
LogitFit fit_logit(const std::vector<std::vector<double>>& x, const std::vector<int>& y);

// Area under the ROC curve (Mann–Whitney, ties count one half). nullopt without both
// classes.
std::optional<double> auc(const std::vector<double>& score, const std::vector<int>& y);

// True when an alliance is in the held-out set: a hash of (atopid, seed), so the split is
// the same on every platform.
bool held_out(int atopid, std::uint64_t seed, double fraction);

struct HazardModel {
  std::vector<std::string> terms;  // "intercept", then hazard_covariates()
  std::vector<double> beta;
  std::vector<double> se;
  // The estimates' covariance (terms × terms, row-major); empty for a fit stored without it,
  // which then carries no estimation uncertainty.
  std::vector<double> cov;
  std::vector<double> base;  // the typical alliance: sample means of the covariates
  nlohmann::json fit = nlohmann::json::object();  // n, events, AUCs, seed, ...

  [[nodiscard]] bool empty() const { return beta.empty(); }
  // Linear predictor for covariates `x` (hazard_covariates() order).
  [[nodiscard]] double eta(const std::vector<double>& x) const;
  [[nodiscard]] double base_eta() const { return eta(base); }
  // A draw of the coefficients from their estimated sampling distribution, N(beta, cov):
  // what a Monte Carlo sample uses so that its spread carries the fit's estimation error.
  // The model itself when it has no covariance. Deterministic in `seed`.
  [[nodiscard]] HazardModel draw(std::uint64_t seed) const;
  [[nodiscard]] nlohmann::json to_json() const;
  // Throws std::invalid_argument naming what is missing or inconsistent.
  static HazardModel from_json(const nlohmann::json& j);
};

// How the hazard's level is made to fit the era a forecast is made in. Pooled over
// 1816–2016, the annual termination rate is about twice that after 1989, so a pooled fit
// predicts too many terminations out of sample. An era term — an indicator of the last
// `era_years` training years, fitted jointly with the covariates and folded into the
// intercept — carries the recent level forward while the slopes keep the whole history.
struct HazardCalibration {
  int era_years = 0;  // 0: pooled (no era term)
};

// The era windows `fit alliance-hazard` chooses among, and the rule that chooses: nested
// temporal validation inside the training years only (cutoffs 10, 20, 30 and 40 years
// before the last training year, each scored on the 10 years after it), lowest summed
// log-loss wins; ties go to the shorter list position (pooled first). A window holding
// fewer than 10 terminations of the training data is not a candidate (Peduzzi et al. 1996's
// ten events per parameter).
const std::vector<int>& era_window_candidates();

// Fits the hazard on `rows` (every row a training year; `last_year` the last of them).
// With calibration.era_years > 0 the era indicator (year > last_year − era_years) is fitted
// too and folded into the intercept, its covariance carried through. Throws
// std::runtime_error when the fit fails (collinear data, no events).
HazardModel fit_hazard_rows(const std::vector<AllianceYear>& rows, int last_year,
                            const HazardCalibration& calibration);

// One set of forecast scores over test alliance-years.
struct ForecastScore {
  int n_years = 0;
  int observed = 0;        // terminations in the test years
  double predicted = 0.0;  // Σ of the predicted annual probabilities
  std::optional<double> auc;
  double brier = 0.0;     // mean (p − y)²
  double log_loss = 0.0;  // mean −[y ln p + (1 − y) ln(1 − p)]
};

// Scores probabilities `p` against outcomes `y` (same length, non-empty).
ForecastScore score_forecasts(const std::vector<double>& p, const std::vector<int>& y);

// Temporal validation: fit on the alliance-years up to `cutoff` (built as of the cutoff, so
// later exits are unknown), score every year after it up to `test` data's last year.
struct HazardValidation {
  int cutoff = 0;
  int last_test_year = 0;
  int train_years = 0;
  int train_events = 0;
  int era_years = 0;  // the era window the fit used (chosen inside the training years)
  ForecastScore model;
  ForecastScore age_only;         // a logit on log age alone, same training years
  ForecastScore constant_recent;  // the mean rate of the last 20 training years
};

// `train` is built with last_year = cutoff, `test` with the full censoring year; only test
// rows after the cutoff are scored. With `calibration` unset the era window is chosen by the
// nested rule of era_window_candidates() on `train`. Throws std::runtime_error when either
// side has no rows or events to fit or score.
HazardValidation validate_hazard(const HazardData& train, const HazardData& test, int cutoff,
                                 std::optional<HazardCalibration> calibration = std::nullopt);

// The era window the nested rule chooses on `data` (rows up to `last_year`), with each
// candidate's summed log-loss (candidate → loss; a candidate whose fit failed is absent).
std::pair<int, std::map<int, double>> choose_era_window(const std::vector<AllianceYear>& rows,
                                                        int last_year);

// The reproducible fit behind `entente fit alliance-hazard`: held-out evaluation (fit on
// the kept alliances, AUC on the held-out ones), the era window chosen by the nested
// temporal rule, then the shipped coefficients from all alliance-years with that window.
HazardModel fit_hazard(const HazardData& data, std::uint64_t seed, double holdout_fraction);

// The embedded data/models/alliance-hazard.json, parsed once. Empty model when the build
// carries no fit.
const HazardModel& default_hazard();

// ---------------------------------------------------------------------------------------
// Scenario components

struct Weights {
  double threat = 0.5;  // share of threat overlap in congruence (issues get the rest)
  // Risk-sharing component weights: commitment, public support, burden, exposure.
  double commitment = 1.0;
  double support = 1.0;
  double burden = 1.0;
  double exposure = 1.0;
  double poll_half_life_days = 365.0;  // older polls count less (competing polls averaged)
  // Hazard shift: logit-scale weights of (0.5 − congruence) and (0.5 − risk sharing).
  double shift_congruence = 2.0;
  double shift_risk = 2.0;
  double honour_rate = 0.745;  // Leeds, Long & Mitchell (2000): obligations honoured
  // Risk-sharing weight of conduct: past episodes and equilibrium choices in crisis games.
  double conduct = 1.0;
  double episode_half_life_days = 3650.0;  // a past crisis this old counts half
  // How lateness discounts a signal (docs/alliance.md, "Timing"): kNone counts every signal
  // fully; kExponential multiplies what it adds by 0.5^(days late / half-life).
  enum class Lateness { kNone, kExponential };
  Lateness lateness = Lateness::kExponential;
  double lateness_half_life_days = 30.0;
  // Weight of a crisis-game choice off the equilibrium path (a plan never carried out).
  double off_path_weight = 0.0;
};

// One piece of evidence of a member's willingness to share risk: a past episode
// (Episode) or its equilibrium choice in a crisis game (GameAction::shares_risk).
struct ConductEvidence {
  std::string member;        // the alliance member (root actor) it is about
  std::string kind;          // "episode" or "game"
  std::string id;            // episode id, or game id
  std::string choice;        // game: the member's most probable action at `node`
  std::string node;          // game: the decision node's label
  bool on_path = false;      // game: the equilibrium path reaches `node`
  Date date;                 // episode date; the evaluation date for a game
  double shares_risk = 0.0;  // [0, 1]; for a game the equilibrium-weighted declared value
  // Recency weight for an episode; for a game choice 1 on the equilibrium path, and the
  // alliance option crisis_off_path_weight (default 0) off it.
  double weight = 0.0;
};

// How one dated signal counted on the evaluation date.
struct SignalUse {
  std::string id;
  Date date;
  std::string needed_by;
  Date needed_date;
  int days_late = 0;      // max(0, date − needed date)
  double discount = 1.0;  // what lateness leaves of its effect, in [0, 1]
  bool visible = false;   // dated on or before the evaluation date
};

// What lateness leaves of a signal made `days_late` days after the decision it was meant
// to influence (1 when on time).
double lateness_discount(int days_late, const Weights& w);

struct IssueDistance {
  std::string issue;
  double distance = 0.0;  // mean over member pairs, share of the scale, in [0, 1]
  double weight = 0.0;    // mean over pairs of √(s_a s_b), the members' joint salience
  double share = 0.0;     // weight × distance / Σ weight: this issue's part of the gap
};

struct Congruence {
  std::optional<double> issues;   // 1 − Σ w d / Σ w over issues where members take stances
  std::optional<double> threats;  // weighted Jaccard overlap of perceived threats, pair mean
  double value = 0.5;             // combination; 0.5 (no information) when both are missing
  std::vector<IssueDistance> by_issue;
};

// A state's position on an issue: the capability × salience weighted mean of its own stance
// and its sub-actors' (parent chain); salience likewise weighted by capability. nullopt
// when none of them takes a stance.
struct Stand {
  double position = 0.0;
  double salience = 0.0;
};
std::optional<Stand> member_stand(const Scenario& s, const Issue& issue, const std::string& member);

Congruence congruence(const Scenario& s, const Alliance& a, const Weights& w);

// What congruence() and risk_sharing() look up by actor id, looked up once for a scenario:
// each stance's root actor and capability, each poll's root actor, and each force unit's
// root owner, strength and exposure to enemy weapons (geo::force_exposure with
// geo::enemies_outside_alliances, and throwing as it does). A model scoring several
// alliances builds it once; the results are those of the plain overloads, bit for bit.
// Root actors are numbered (roots[id] is the name), so that matching them to a member
// compares numbers.
struct ScenarioIndex {
  explicit ScenarioIndex(const Scenario& s);
  // The number of the root actor named `actor`, -1 when no stance, poll or unit has it.
  [[nodiscard]] int root_id(const std::string& actor) const;
  std::vector<const std::string*> roots;
  std::vector<std::vector<int>> stance_roots;            // [issue][stance]
  std::vector<std::vector<double>> stance_capabilities;  // [issue][stance], >= 0
  std::vector<int> poll_roots;                           // [poll]
  struct Unit {
    int root = -1;  // of the force's owner
    double strength = 0.0;
    bool exposed = false;
    const std::vector<std::string>* serves = nullptr;  // the force's `serves`
  };
  std::vector<Unit> units;  // [force]
};

Congruence congruence(const Scenario& s, const Alliance& a, const Weights& w,
                      const ScenarioIndex& index);

struct PollUse {
  std::string poll;
  double support = 0.0;
  double weight = 0.0;
};

struct RiskSharing {
  std::string member;
  std::optional<double> commitment;
  std::optional<double> support;  // recency-weighted mean of the member public's polls
  std::optional<double> burden;   // mean over burden components of r/(1+r), r = fair-share ratio
  // Share of the member's personnel inside enemy range, over the units that back this
  // alliance (Force::serves).
  std::optional<double> exposure;
  // Recency-weighted mean of the member's conduct evidence (episodes, crisis choices).
  std::optional<double> conduct;
  double value = 0.5;  // weighted mean of the components given; 0.5 when none
  std::vector<PollUse> polls;
  std::vector<ConductEvidence> evidence;  // behind `conduct`
  std::vector<SignalUse> signals;         // the member's signals, visible or not
  std::vector<std::string> missing;       // components without data
};

std::vector<RiskSharing> risk_sharing(const Scenario& s, const Alliance& a, const Weights& w);
// The same with the scenario's force exposure already computed (geo::force_exposure with
// geo::enemies_outside_alliances), so a model scoring several alliances computes it once.
std::vector<RiskSharing> risk_sharing(const Scenario& s, const Alliance& a, const Weights& w,
                                      const std::vector<geo::UnitExposure>& exposure);
std::vector<RiskSharing> risk_sharing(const Scenario& s, const Alliance& a, const Weights& w,
                                      const ScenarioIndex& index);
// The same with evidence from crisis games (crisis_evidence()) added to the members' conduct;
// evidence about actors that are not members of `a` is ignored.
std::vector<RiskSharing> risk_sharing(const Scenario& s, const Alliance& a, const Weights& w,
                                      const ScenarioIndex& index,
                                      const std::vector<ConductEvidence>& games);

// Whether the scenario declares any conduct evidence (an episode or a game action's
// shares_risk): only then is a member without any listed as missing `conduct`.
bool declares_conduct(const Scenario& s);

// The equilibrium choices, in every inline game of `s` with actions tagged `shares_risk`,
// of each player at its tagged nodes, solved by crisis::solve with `solver`; one item per
// tagged node, `member` the player's root actor, weight 1 on the equilibrium path and
// `off_path_weight` off it. The alliance model keeps those whose game has another player in
// the same alliance. Throws as crisis::solve.
std::vector<ConductEvidence> crisis_evidence(const Scenario& s, const std::string& solver = "auto",
                                             double off_path_weight = 0.0);

// The answer to "how much earlier would this signal have had to come to change the
// alliance's health by `target`?", by search over the signal's date (docs/alliance.md).
struct TimingSearch {
  std::string member;
  std::string signal;
  double health = 0.0;         // with the signal at its date
  double without = 0.0;        // with no signal at all
  double on_time = 0.0;        // with the signal on the decision date (or today, if earlier)
  double target = 0.0;         // the health change searched for
  std::optional<Date> latest;  // the latest earlier date with health >= health + target
  int days_earlier = 0;        // date − latest
};

// The search for signal `signal_id` of `member` in alliance `a`: every whole day from the
// day before the signal's date back to the decision date (or the evaluation date, if
// earlier), latest first; before that day the signal would count fully, as on it.
// Throws std::invalid_argument when the member has no such signal.
TimingSearch search_signal_timing(const Scenario& s, const Alliance& a, const Weights& w,
                                  const ScenarioIndex& index,
                                  const std::vector<ConductEvidence>& games,
                                  const std::string& member, const std::string& signal_id,
                                  double target);

// The health of `a` with its members' risk sharing `risk` and congruence `c`, the weakest
// member counting (as the model does).
double health_of(const Congruence& c, const std::vector<RiskSharing>& risk, const Weights& w);

struct Asymmetry {
  double index = 0.0;  // (max share − 1/n) / (1 − 1/n): 0 equal capabilities, 1 one holds all
  std::map<std::string, double> share;     // each member's share of the members' capability
  std::map<std::string, double> security;  // security gained: the partners' share, 1 − share
  std::map<std::string, double> autonomy;  // autonomy gained (+) or given up (−): share − 1/n
};

Asymmetry asymmetry(const Scenario& s, const Alliance& a);

struct Term {
  std::string name;
  double value = 0.0;
};

struct Fear {
  std::string member;
  double value = 0.0;       // mean of the terms given
  std::vector<Term> terms;  // each in [0, 1]
};

// Snyder (1984): abandonment from dependence, own threat, partners' unwillingness and
// divergence; entrapment from the partners' threats one does not share, one's own firm
// commitment, divergence and the exposure of one's forces.
std::vector<Fear> abandonment(const Alliance& a, const Congruence& c,
                              const std::vector<RiskSharing>& r, const Asymmetry& asym);
std::vector<Fear> entrapment(const Alliance& a, const Congruence& c,
                             const std::vector<RiskSharing>& r);

// The alliance's structural covariates on a date (hazard_covariates() order), from the
// members' capabilities now and at formation (COW table; the members' actors name their
// COW state). Warnings say what was assumed.
std::vector<double> structural_covariates(const Scenario& s, const Alliance& a, const Date& at,
                                          const CincTable& nmc, std::vector<std::string>& warnings);

// health = (w_c C + w_r R) / (w_c + w_r), R the least willing member's risk sharing.
double health(double congruence, double risk, const Weights& w);
// The logit-scale shift of the annual hazard: w_c (0.5 − C) + w_r (0.5 − R).
double hazard_shift(double congruence, double risk, const Weights& w);

// P(the alliance still holds after `years`): Π over the years of (1 − hazard), the age
// covariate advancing each year, `shift` added to the linear predictor.
double p_holds(const HazardModel& h, std::vector<double> x, double shift, int years);
// The same for several horizons (in any order) in one pass to the longest: each is the
// product p_holds(h, x, shift, years[k]) forms, bit for bit.
std::vector<double> p_holds(const HazardModel& h, std::vector<double> x, double shift,
                            const std::vector<int>& years);

// P(a member honours its obligations if called on): logit(honour_rate) minus the
// alliance's hazard excess over the typical alliance (structural and shift). Equals
// honour_rate for the typical alliance with a neutral scenario (shift 0).
double p_honours(const HazardModel& h, const std::vector<double>& x, double shift,
                 const Weights& w);

}  // namespace entente::alliance
