// Bueno de Mesquita's expected-utility model ("bdm"): the numerical engine.
//
// The equations and their sources are in docs/bdm.md (and the design note models-bdm.md).
// Where the sources disagree, each reading is a field of `Config` and a model option;
// docs/bdm.md lists them with their defaults.
//
// The engine works on plain arrays and keeps its working memory between runs, so a Monte
// Carlo driver can call `Engine::run` many times with no allocation (pass no recorder).
// The `Model` registered as "bdm" (bdm_model.cpp) wraps it and builds the JSON details.
#pragma once

#include <cstddef>
#include <cstdint>
#include <map>
#include <span>
#include <string>
#include <vector>

#include "entente/model.hpp"

namespace entente::bdm {

// Whose risk exponent prices the two expected utilities of a contest between challenger i
// and target j: kOwn, each its own (EU_i with r_i, EU_j with r_j); kChallenger, both with
// r_i; kTarget, both with r_j (the target decides on its own perception of both sides, as
// in Scholz et al.'s code and its Python replication).
enum class Perspective : std::uint8_t { kOwn, kChallenger, kTarget };
// Which salience weighs the "target resists" branch of EU_i(ij): the responder's s_j (the
// design note's reading) or the challenger's s_i (Scholz et al.'s printed equation).
enum class SalienceMultiplier : std::uint8_t { kResponder, kChallenger };
// Risk exponents: computed from security each round (an actor's given risk attitude, when
// the scenario has one, replaces its computed value); all 1; or only the given ones.
enum class RiskMode : std::uint8_t { kOn, kOff, kGiven };
// Probability of success: the pairwise ratio of the design note (P_i + P_j = 1), or Scholz
// et al.'s code, whose denominator sums the votes over every pair of actors.
enum class ProbabilityRule : std::uint8_t { kPair, kAllPairs };
// Votes: linear in distance (design note), or through each voter's risk-shaped utility
// (|x_k - x| / R)^{r_k} (Scholz et al.'s code).
enum class VoteUtility : std::uint8_t { kLinear, kRisk };
// R, the distance normaliser: the spread of the current positions, or of the initial ones.
enum class RangeRule : std::uint8_t { kCurrent, kInitial };
// Which offer a target accepts; see `docs/bdm.md` ("Offers and moves").
enum class OfferRule : std::uint8_t { kHighestEu, kLeastMove, kScholzCode };
// T in the Q < 1 term: 1/0 by whether the target's drift toward the median helps the
// challenger (Scholz's reading), or 1/2 always.
enum class TRule : std::uint8_t { kDirection, kHalf };
enum class StopRule : std::uint8_t { kRounds, kMedianShift };
enum class ForecastRule : std::uint8_t { kMedian, kMean };
// How much the recorder keeps: every evaluated contest (stalemates too), the offers, only
// the accepted moves, or positions only. kAuto is kOffers for small problems and kMoves past
// them (see `resolve_detail`): the offers grow as actors² a round, so a default run on a
// large table would otherwise keep, and print, hundreds of megabytes.
enum class Detail : std::uint8_t { kAuto, kAll, kOffers, kMoves, kNone };

// Upper bound on `rounds:N`.
inline constexpr int kRoundsLimit = 10000;
// Upper bound on the rounds of `median-shift:EPS`, which need not converge (Scholz et al.
// show the model cycling on the EC case).
inline constexpr int kShiftRoundsLimit = 100;
// detail=auto keeps every offer while actors² × the round limit is at most this: 50 actors
// at the default 10 rounds, 15 under median-shift's 100. At about 190 bytes of JSON an offer
// that bounds the offers of a default document near 5 MB.
inline constexpr long long kAutoOfferBudget = 25000;

struct Config {
  double q = 1.0;
  TRule t_rule = TRule::kDirection;
  SalienceMultiplier salience_multiplier = SalienceMultiplier::kResponder;
  Perspective perspective = Perspective::kTarget;
  RiskMode risk = RiskMode::kOn;
  // The defaults are the readings of Scholz, Calbert & Smith's code (docs/bdm.md).
  ProbabilityRule probability = ProbabilityRule::kAllPairs;
  VoteUtility vote_utility = VoteUtility::kRisk;
  RangeRule range = RangeRule::kInitial;
  OfferRule offer = OfferRule::kScholzCode;
  bool capitulation = false;  // Scholz's code, whose capitulation test never holds
  StopRule stop = StopRule::kRounds;
  int rounds = 10;            // stop=rounds:N
  double median_shift = 0.0;  // stop=median-shift:EPS, EPS a fraction of the initial spread
  ForecastRule forecast = ForecastRule::kMedian;
  Detail detail = Detail::kAuto;
};

// The detail level a run on `actors` actors records: config.detail, with kAuto resolved to
// kOffers when actors² × the round limit (rounds:N, or kShiftRoundsLimit for median-shift)
// is at most kAutoOfferBudget, else to kMoves. Never returns kAuto.
Detail resolve_detail(const Config& config, std::size_t actors);
// The option value naming a detail level ("auto", "all", "offers", "moves", "none"), as the
// details report the resolved one.
const char* detail_name(Detail value);

// The option set that reproduces the Python replication of Scholz et al.'s code
// (dmasad/bdm-scholz-expected-utility-model), as model option values.
std::map<std::string, std::string> scholz_replica_options();

// Reads validated model options into a Config. Throws std::invalid_argument for values
// the option syntax admits but the model cannot use (q outside [0, 1], rounds:2.5, ...).
Config config_from_options(const ModelOptions& options);

enum class ChallengeClass : std::uint8_t { kConflict, kCompromise, kCapitulation, kStalemate };
const char* class_name(ChallengeClass value);

enum class StopReason : std::uint8_t { kRounds, kMedianShift, kNoMoves, kAgreement, kMaxRounds };
const char* stop_reason_name(StopReason value);

// One evaluated contest of a round, seen from the target's side: `challenger` proposes,
// `target` would move to `new_position`. Indices are into the arrays given to `run`.
struct Offer {
  int challenger = 0;
  int target = 0;
  double eu_challenger = 0.0;  // EU of the challenger challenging the target
  double eu_target = 0.0;      // EU of the target challenging the challenger
  ChallengeClass kind = ChallengeClass::kStalemate;
  double new_position = 0.0;  // on the input scale; the target's position for stalemates
  bool accepted = false;
};

// How many offers the targets of a round received, by class: what detail=offers would keep
// (so no stalemates, and no capitulations under capitulation=off), counted whenever rounds
// are recorded, at any detail level, so that a summary still tells how contested the round
// was.
struct OfferCounts {
  std::int64_t conflict = 0;
  std::int64_t compromise = 0;
  std::int64_t capitulation = 0;
};

struct Round {
  int round = 0;                       // 0: the initial positions
  std::vector<double> positions;       // after the round, on the input scale
  std::vector<double> risk_exponents;  // used during the round; empty for round 0
  double median = 0.0;
  double mean = 0.0;
  std::vector<Offer> offers;  // as much as the resolved detail level keeps
  OfferCounts offer_counts;   // zero for round 0
};

struct Outcome {
  double forecast = 0.0;  // median or mean of the final positions (Config::forecast)
  double median = 0.0;
  double mean = 0.0;
  double initial_median = 0.0;
  double initial_mean = 0.0;
  int rounds = 0;  // rounds played
  StopReason stop = StopReason::kRounds;
};

class Engine {
 public:
  explicit Engine(const Config& config) : config_(config) {}
  // Replaces the configuration; the working memory is kept.
  void configure(const Config& config) { config_ = config; }

  // Plays the model on n actors: capability >= 0, position finite (any scale), salience in
  // [0, 1], risk a given risk attitude R_i in [-1, 1] or NaN when not given (`risk` may be
  // empty). When `record` is non-null it is filled with round 0 and every round played,
  // each with the offers `resolve_detail(config, n)` keeps. The outcome does not depend on
  // `record` or the detail level, to the bit.
  // Deterministic. Allocates only when n exceeds every earlier call's or when recording.
  // Throws std::invalid_argument for mismatched sizes, no actors or non-finite inputs.
  Outcome run(std::span<const double> capability, std::span<const double> position,
              std::span<const double> salience, std::span<const double> risk,
              std::vector<Round>* record);

 private:
  void prepare(std::size_t n);
  [[nodiscard]] double weighted_median();
  [[nodiscard]] double weighted_mean() const;
  void find_distinct();
  void compute_utilities(bool with_risk);
  void compute_probabilities();
  void compute_risk_exponents();
  void compute_utility_tables();
  // Inlined: called for every ordered pair twice a round, where a call costs about as much
  // as the arithmetic.
  [[nodiscard, gnu::always_inline]] inline double expected_utility(int challenger, int target,
                                                                   double us, double uf, double usq,
                                                                   double r) const;
  [[nodiscard]] bool play_round(Detail detail, std::vector<Offer>* offers, OfferCounts* counts);

  Config config_;
  int n_ = 0;
  double span_ = 1.0;    // the initial spread of positions, or 1 when it is 0
  double range_ = 1.0;   // R this round
  double median_ = 0.0;  // μ this round
  // Per actor.
  std::vector<double> weight_;  // c·s, or 1 for everyone when every c·s is 0
  std::vector<double> salience_;
  std::vector<double> given_;  // given risk attitude or NaN
  std::vector<double> z_;      // current positions
  std::vector<double> z_next_;
  std::vector<double> r_;  // risk exponents of this round
  std::vector<double> sec_;
  std::vector<double> usq_;
  std::vector<std::size_t> order_;  // actors by position, kept between calls (warm start)
  std::vector<int> best_;           // per target: index of its accepted offer, or -1
  // Per ordered pair, row-major n×n.
  std::vector<double> util_;  // util_[k*n+m]: voter k's loss at m's position
  std::vector<double> p_;     // p_[i*n+j]: probability that i prevails over j
  std::vector<double> p_t_;   // p_t_[j*n+i] = p_[i*n+j]
  std::vector<double> us_;    // us_[k*n+m]: U_s for distance k–m with exponent r_k
  std::vector<double> uf_;
  // Distinct positions of this round (first actor at each) and each actor's entry: actors
  // converge onto each other's positions, so pow() is evaluated once per distinct distance
  // and the votes are summed once per pair of distinct positions.
  std::vector<std::size_t> distinct_;
  std::vector<std::size_t> distinct_of_;
  // compute_probabilities' scratch: per distinct position, the supports for i and for j;
  // util_'s columns of the distinct positions; the probabilities between them.
  std::vector<double> for_i_;
  std::vector<double> for_j_;
  std::vector<double> compact_;
  std::vector<double> p_distinct_;
  // Per target while a round is evaluated: each challenger's EU and the challengers
  // worth evaluating.
  std::vector<double> eu_a_;
  std::vector<std::size_t> candidates_;
  // Best offer per target while a round is evaluated.
  std::vector<Offer> best_offer_;
};

}  // namespace entente::bdm
