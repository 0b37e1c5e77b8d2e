// The BDM engine: rounds of challenges on one issue (see bdm.hpp and docs/bdm.md).
//
// Positions stay on the caller's scale, so that an actor who has not moved, or has moved
// to another's position, is reported exactly; distances are divided by R and thresholds
// on positions are scaled by the initial spread (span_), which keeps both scale-free.
#include <algorithm>
#include <cmath>
#include <limits>
#include <stdexcept>

#include "models/bdm/bdm.hpp"

namespace entente::bdm {

namespace {

// Expected utilities closer than this are equal. EUs are O(1), so this absorbs rounding
// only; it keeps results independent of the order of actors and the unit of capability,
// where a contest exactly on a boundary (a = b) would otherwise be decided by the last bit.
constexpr double kEuTolerance = 1e-10;
// Positions closer than this fraction of the initial spread coincide.
constexpr double kSameTolerance = 1e-12;
// Relative tolerance on cumulative weight when deciding a median tie.
constexpr double kWeightTolerance = 1e-12;

// base^r for base >= 0; r = 1 is common (the first pass of every round) and exact.
double power(double base, double r) {
  if (base <= 0.0) return 0.0;
  return r == 1.0 ? base : std::pow(base, r);
}

// BDM's map from risk attitude R in [-1, 1] to the utility exponent r in [0.5, 2].
double risk_exponent(double risk) { return (1.0 - risk / 3.0) / (1.0 + risk / 3.0); }

// U_s and U_f for a normalised distance d (d in [0, 1]) and exponent r.
double utility_success(double d, double r) { return 2.0 - 4.0 * power(0.5 - 0.5 * d, r); }
double utility_failure(double d, double r) { return 2.0 - 4.0 * power(0.5 + 0.5 * d, r); }

// Rank of a class for offer=highest-eu: a conflict the target expects to lose is backed by
// a challenger willing to fight, so it is more enforceable than a demand the target yields
// to without one.
int enforceability(ChallengeClass kind) { return kind == ChallengeClass::kConflict ? 2 : 1; }

// Rank for offer=scholz-code: conflicts first, then compromises, then capitulations, as in
// the replication's best_offer.
int scholz_rank(ChallengeClass kind) {
  switch (kind) {
    case ChallengeClass::kConflict:
      return 0;
    case ChallengeClass::kCompromise:
      return 1;
    default:
      return 2;
  }
}

}  // namespace

const char* class_name(ChallengeClass value) {
  switch (value) {
    case ChallengeClass::kConflict:
      return "conflict";
    case ChallengeClass::kCompromise:
      return "compromise";
    case ChallengeClass::kCapitulation:
      return "capitulation";
    case ChallengeClass::kStalemate:
      return "stalemate";
  }
  return "stalemate";
}

const char* stop_reason_name(StopReason value) {
  switch (value) {
    case StopReason::kRounds:
      return "rounds";
    case StopReason::kMedianShift:
      return "median-shift";
    case StopReason::kNoMoves:
      return "no-moves";
    case StopReason::kAgreement:
      return "agreement";
    case StopReason::kMaxRounds:
      return "max-rounds";
  }
  return "rounds";
}

const char* detail_name(Detail value) {
  switch (value) {
    case Detail::kAuto:
      return "auto";
    case Detail::kAll:
      return "all";
    case Detail::kOffers:
      return "offers";
    case Detail::kMoves:
      return "moves";
    case Detail::kNone:
      return "none";
  }
  return "auto";
}

Detail resolve_detail(const Config& config, std::size_t actors) {
  if (config.detail != Detail::kAuto) return config.detail;
  const long long round_limit =
      config.stop == StopRule::kRounds ? config.rounds : kShiftRoundsLimit;
  const auto n = static_cast<long long>(actors);
  // Compared by division: actors² × rounds:10000 would overflow past about 30,000 actors.
  const bool small = round_limit == 0 || n <= 1 || n <= kAutoOfferBudget / round_limit / n;
  return small ? Detail::kOffers : Detail::kMoves;
}

// Sizes the working memory for n actors; grows only.
void Engine::prepare(std::size_t n) {
  n_ = static_cast<int>(n);
  auto fit = [](auto& v, std::size_t size) {
    if (v.size() < size) v.resize(size);
  };
  fit(weight_, n);
  fit(salience_, n);
  fit(given_, n);
  fit(z_, n);
  fit(z_next_, n);
  fit(r_, n);
  fit(sec_, n);
  fit(usq_, n);
  fit(best_, n);
  fit(best_offer_, n);
  fit(util_, n * n);
  fit(p_, n * n);
  fit(us_, n * n);
  fit(uf_, n * n);
  fit(distinct_of_, n);
  fit(for_i_, n);
  fit(for_j_, n);
  fit(compact_, n * n);
  fit(p_distinct_, n * n);
  fit(p_t_, n * n);
  fit(eu_a_, n);
  fit(candidates_, n);
  distinct_.reserve(n);
  order_.resize(n);
  for (std::size_t i = 0; i < n; ++i) order_[i] = i;
}

// The weighted median of the current positions, i.e. the Condorcet winner under votes
// w_k (|x_k - x_b| - |x_k - x_a|): the first position whose cumulative weight reaches half
// the total. When it reaches exactly half, every point up to the next weighted position
// ties; the midpoint is returned. Zero-weight actors never affect the result.
double Engine::weighted_median() {
  const auto n = static_cast<std::size_t>(n_);
  // Insertion sort: positions change little between rounds, so order_ is nearly sorted.
  for (std::size_t a = 1; a < n; ++a) {
    const std::size_t v = order_[a];
    std::size_t b = a;
    while (b > 0 && z_[order_[b - 1]] > z_[v]) {
      order_[b] = order_[b - 1];
      --b;
    }
    order_[b] = v;
  }
  double total = 0.0;
  for (std::size_t i = 0; i < n; ++i) total += weight_[i];
  const double half = 0.5 * total;
  const double tol = kWeightTolerance * total;
  double cumulative = 0.0;
  for (std::size_t a = 0; a < n; ++a) {
    const std::size_t i = order_[a];
    cumulative += weight_[i];
    if (cumulative < half - tol) continue;
    if (cumulative > half + tol) return z_[i];
    // Exactly half so far: the tie runs to the next position that carries weight.
    for (std::size_t b = a + 1; b < n; ++b) {
      const std::size_t k = order_[b];
      if (weight_[k] > 0.0 && z_[k] - z_[i] > kSameTolerance * span_) return 0.5 * (z_[i] + z_[k]);
    }
    return z_[i];
  }
  return z_[order_[n - 1]];
}

// Σ w x / Σ w, kept within the weighted positions (rounding could take it an ulp outside).
// den > 0: run() gives everyone weight 1 when all c·s are 0.
double Engine::weighted_mean() const {
  double num = 0.0;
  double den = 0.0;
  double lo = std::numeric_limits<double>::infinity();
  double hi = -lo;
  for (int i = 0; i < n_; ++i) {
    const auto k = static_cast<std::size_t>(i);
    if (!(weight_[k] > 0.0)) continue;
    num += weight_[k] * z_[k];
    den += weight_[k];
    lo = std::min(lo, z_[k]);
    hi = std::max(hi, z_[k]);
  }
  return std::clamp(num / den, lo, hi);
}

// util_[k*n+m]: how much voter k dislikes m's position, (|x_k - x_m| / R)^{r_k}; with r = 1
// (linear votes, and the first pass of every round) the plain normalised distance.
void Engine::compute_utilities(bool with_risk) {
  const auto n = static_cast<std::size_t>(n_);
  if (!with_risk) {
    // power(x, 1) is x for the x >= 0 here (0 when x is 0): the plain loop vectorises.
    for (std::size_t k = 0; k < n; ++k) {
      const double zk = z_[k];
      double* const row = util_.data() + k * n;
      for (std::size_t m = 0; m < n; ++m) row[m] = std::abs(zk - z_[m]) / range_;
    }
    return;
  }
  for (std::size_t k = 0; k < n; ++k) {
    const double r = with_risk ? r_[k] : 1.0;
    for (std::size_t m = 0; m < n; ++m) {
      util_[k * n + m] = power(std::abs(z_[k] - z_[m]) / range_, r);
    }
  }
}

// p_[i*n+j]: the probability that i prevails over j, from the votes of every actor
// (i and j included). probability=pair: support for i over support for i or j;
// probability=all-pairs (Scholz's code): support for i over the support summed over every
// ordered pair of actors. 1/2 when nobody has a preference (no division by zero).
void Engine::compute_probabilities() {
  const auto n = static_cast<std::size_t>(n_);
  double all_pairs = 0.0;
  if (config_.probability == ProbabilityRule::kAllPairs) {
    for (std::size_t k = 0; k < n; ++k) {
      double sum = 0.0;
      for (std::size_t a = 0; a < n; ++a) {
        for (std::size_t b = a + 1; b < n; ++b) {
          sum += std::abs(util_[k * n + a] - util_[k * n + b]);
        }
      }
      all_pairs += weight_[k] * 2.0 * sum;  // ordered pairs: (a, b) and (b, a)
    }
  }
  // Actors at bitwise-equal positions have equal util_ columns, so equal supports against
  // anyone: the sums run over distinct positions only (find_distinct() has listed them)
  // and are copied to every actor at each. Which of a pair comes first does not matter:
  // swapping i and j negates every a exactly, so the two sums swap bit for bit.
  const std::size_t dn = distinct_.size();
  // util_ restricted to the distinct positions' columns, row-major n×dn.
  double* const compact = compact_.data();
  for (std::size_t k = 0; k < n; ++k) {
    for (std::size_t v = 0; v < dn; ++v) compact[k * dn + v] = util_[k * n + distinct_[v]];
  }
  double* const for_i_of = for_i_.data();
  double* const for_j_of = for_j_.data();
  double* const pd = p_distinct_.data();  // dn×dn
  for (std::size_t u = 0; u < dn; ++u) {
    pd[u * dn + u] = 0.5;
    // The supports of u against every later v at once, voter by voter: the same sums in
    // the same order as pair by pair, but the inner loop runs along a row, without
    // branches. w·a has a's sign (w >= 0), so max/min split it as the comparison of a did;
    // the zero added to the other side (for_i >= +0, for_j >= +0) leaves it bit for bit.
    for (std::size_t v = u + 1; v < dn; ++v) {
      for_i_of[v] = 0.0;
      for_j_of[v] = 0.0;
    }
    for (std::size_t k = 0; k < n; ++k) {
      const double w = weight_[k];
      const double* const row = compact + k * dn;
      const double at_u = row[u];
      for (std::size_t v = u + 1; v < dn; ++v) {
        // Positive when k prefers u's position to v's.
        const double a = row[v] - at_u;
        const double x = w * a;
        for_i_of[v] += std::max(x, 0.0);
        for_j_of[v] -= std::min(x, 0.0);
      }
    }
    const double zu = z_[distinct_[u]];
    for (std::size_t v = u + 1; v < dn; ++v) {
      const double for_i = for_i_of[v];
      const double for_j = for_j_of[v];
      const double den =
          config_.probability == ProbabilityRule::kAllPairs ? all_pairs : for_i + for_j;
      // Coincident positions: no contest (and the ratio of two vanishing supports would
      // turn rounding noise into an arbitrary probability).
      const bool same = std::abs(zu - z_[distinct_[v]]) <= kSameTolerance * span_;
      if (den > 0.0 && !same) {
        pd[u * dn + v] = for_i / den;
        pd[v * dn + u] = for_j / den;
      } else {
        pd[u * dn + v] = 0.5;
        pd[v * dn + u] = 0.5;
      }
    }
  }
  for (std::size_t i = 0; i < n; ++i) {
    const double* const from = pd + distinct_of_[i] * dn;
    double* const to = p_.data() + i * n;
    for (std::size_t j = 0; j < n; ++j) to[j] = from[distinct_of_[j]];
    to[i] = 0.5;
  }
  for (std::size_t i = 0; i < n; ++i) {
    for (std::size_t j = 0; j < n; ++j) p_t_[j * n + i] = p_[i * n + j];
  }
}

// EU_c(c challenges t), given U_s, U_f and U_sq for the distance c–t priced with exponent r:
//   s [P U_s + (1 - P) U_f] + (1 - s) U_s - Q U_sq - (1 - Q)[T U_b + (1 - T) U_w]
// where s is the responder's (or the challenger's) salience and P = p_[c][t].
double Engine::expected_utility(int challenger, int target, double us, double uf, double usq,
                                double r) const {
  const auto c = static_cast<std::size_t>(challenger);
  const auto t = static_cast<std::size_t>(target);
  const auto n = static_cast<std::size_t>(n_);
  const double s =
      config_.salience_multiplier == SalienceMultiplier::kResponder ? salience_[t] : salience_[c];
  const double p = p_[c * n + t];
  double eu = s * (p * us + (1.0 - p) * uf) + (1.0 - s) * us - config_.q * usq;
  if (config_.q < 1.0) {
    // If c does not challenge, t may drift toward the median μ: better or worse for c.
    const double e = (std::abs(z_[c] - median_) + std::abs(z_[c] - z_[t])) / range_;
    const double ub = 2.0 - 4.0 * power(0.5 - 0.25 * e, r);
    const double uw = 2.0 - 4.0 * power(0.5 + 0.25 * e, r);
    double better = 0.5;
    if (config_.t_rule == TRule::kDirection) {
      const double same = kSameTolerance * span_;
      if (std::abs(z_[c] - z_[t]) <= same) {
        better = 0.0;  // t sits on c: any drift takes it away
      } else if (std::abs(median_ - z_[t]) > same) {
        // The drift helps c when μ and c lie on the same side of t.
        better = (median_ - z_[t]) * (z_[c] - z_[t]) > 0.0 ? 1.0 : 0.0;
      }
    }
    eu -= (1.0 - config_.q) * (better * ub + (1.0 - better) * uw);
  }
  return eu;
}

// Risk exponents from security (all EUs priced with r = 1 first):
//   Sec_i = Σ_{j≠i} EU_j(j challenges i),
//   R_i = (2 Sec_i - max Sec - min Sec) / (max Sec - min Sec),  r_i = (1 - R_i/3)/(1 + R_i/3).
// Leaves p_ holding the linear-vote probabilities.
void Engine::compute_risk_exponents() {
  const auto n = static_cast<std::size_t>(n_);
  compute_utilities(false);
  compute_probabilities();
  for (std::size_t i = 0; i < n; ++i) sec_[i] = 0.0;
  if (config_.q == 1.0) {
    // expected_utility() with r = 1 and Q = 1 (the default), written out so that the loop
    // over targets vectorises: the same operations in the same order. U_sq is 2 - 4·0.5 =
    // 0, and subtracting 1·0 changes no EU, so that term is left out; util_ holds
    // |z_c - z_t| / R from compute_utilities(false).
    const bool responder = config_.salience_multiplier == SalienceMultiplier::kResponder;
    auto add = [&](std::size_t c, std::size_t from, std::size_t to) {
      const double* const d_row = util_.data() + c * n;
      const double* const p_row = p_.data() + c * n;
      const double own = salience_[c];
      for (std::size_t t = from; t < to; ++t) {
        const double d = d_row[t];
        // power(x, 1): x, or 0 when x <= 0.
        const double us = 2.0 - 4.0 * std::max(0.5 - 0.5 * d, 0.0);
        const double uf = 2.0 - 4.0 * (0.5 + 0.5 * d);
        const double sal = responder ? salience_[t] : own;
        const double p = p_row[t];
        sec_[t] += sal * (p * us + (1.0 - p) * uf) + (1.0 - sal) * us;
      }
    };
    for (std::size_t c = 0; c < n; ++c) {
      add(c, 0, c);
      add(c, c + 1, n);
    }
  } else {
    for (std::size_t c = 0; c < n; ++c) {
      for (std::size_t t = 0; t < n; ++t) {
        if (c == t) continue;
        const double d = std::abs(z_[c] - z_[t]) / range_;
        sec_[t] +=
            expected_utility(static_cast<int>(c), static_cast<int>(t), utility_success(d, 1.0),
                             utility_failure(d, 1.0), 2.0 - 4.0 * 0.5, 1.0);
      }
    }
  }
  double hi = sec_[0];
  double lo = sec_[0];
  for (std::size_t i = 1; i < n; ++i) {
    hi = std::max(hi, sec_[i]);
    lo = std::min(lo, sec_[i]);
  }
  const double spread = hi - lo;
  for (std::size_t i = 0; i < n; ++i) {
    double risk = spread > kEuTolerance ? (2.0 * sec_[i] - hi - lo) / spread : 0.0;
    if (!std::isnan(given_[i])) risk = given_[i];
    r_[i] = risk_exponent(risk);
  }
}

// distinct_: the first actor at each bitwise-distinct position of this round, in actor
// order; distinct_of_[m]: m's entry there.
void Engine::find_distinct() {
  const auto n = static_cast<std::size_t>(n_);
  distinct_.clear();
  for (std::size_t m = 0; m < n; ++m) {
    std::size_t u = 0;
    while (u < distinct_.size() &&
           !(z_[distinct_[u]] == z_[m] && std::signbit(z_[distinct_[u]]) == std::signbit(z_[m]))) {
      ++u;
    }
    if (u == distinct_.size()) distinct_.push_back(m);
    distinct_of_[m] = u;
  }
}

// us_[k*n+m], uf_[k*n+m]: U_s and U_f for the distance k–m priced with r_k; usq_[k].
// Actors at bitwise-equal positions share their entries (the same d gives the same pow), so
// the tables cost one pow pair per distinct position rather than per actor.
void Engine::compute_utility_tables() {
  const auto n = static_cast<std::size_t>(n_);
  const double same = kSameTolerance * span_;
  for (std::size_t k = 0; k < n; ++k) {
    usq_[k] = 2.0 - 4.0 * power(0.5, r_[k]);
    for (std::size_t m = 0; m < n; ++m) {
      // play_round reads no entry of an actor against itself or one it coincides with
      // (no contest), so those are left as they are.
      if (std::abs(z_[k] - z_[m]) <= same) continue;
      const std::size_t first = distinct_[distinct_of_[m]];
      if (first < m) {  // computed for an earlier actor at this very position
        us_[k * n + m] = us_[k * n + first];
        uf_[k * n + m] = uf_[k * n + first];
        continue;
      }
      const double d = std::abs(z_[k] - z_[m]) / range_;
      us_[k * n + m] = utility_success(d, r_[k]);
      uf_[k * n + m] = utility_failure(d, r_[k]);
    }
  }
}

// One round: risk exponents, every contest seen from each target's side, each target's
// accepted offer, all moves at once. Returns false when nobody moved (or everyone agrees,
// range_ = 0, in which case nothing was evaluated). When non-null, `offers` receives what
// `detail` (resolved) keeps and `counts` the number of offers of each class.
bool Engine::play_round(Detail detail, std::vector<Offer>* offers, OfferCounts* counts) {
  const auto n = static_cast<std::size_t>(n_);
  const double same = kSameTolerance * span_;
  if (config_.range == RangeRule::kCurrent) {
    double lo = z_[0];
    double hi = z_[0];
    for (std::size_t i = 1; i < n; ++i) {
      lo = std::min(lo, z_[i]);
      hi = std::max(hi, z_[i]);
    }
    range_ = hi - lo;
  } else {
    range_ = span_;  // the initial spread
  }
  if (range_ <= kSameTolerance * span_) return false;
  median_ = weighted_median();
  find_distinct();  // positions stay as they are until the end of the round

  bool linear_p_ready = false;
  if (config_.risk == RiskMode::kOn) {
    compute_risk_exponents();
    linear_p_ready = true;
  } else {
    for (std::size_t i = 0; i < n; ++i) {
      const bool given = config_.risk == RiskMode::kGiven && !std::isnan(given_[i]);
      r_[i] = given ? risk_exponent(given_[i]) : 1.0;
    }
  }
  bool all_neutral = true;
  for (std::size_t i = 0; i < n; ++i) all_neutral = all_neutral && r_[i] == 1.0;
  const bool risk_votes = config_.vote_utility == VoteUtility::kRisk && !all_neutral;
  if (risk_votes || !linear_p_ready) {
    compute_utilities(risk_votes);
    compute_probabilities();
  }
  compute_utility_tables();

  const bool keep_all = offers != nullptr && detail == Detail::kAll;
  const bool keep_offers = offers != nullptr && detail != Detail::kMoves;
  const bool plain_a = !keep_all && config_.perspective == Perspective::kTarget && config_.q == 1.0;
  const bool responder = config_.salience_multiplier == SalienceMultiplier::kResponder;
  bool moved = false;
  for (std::size_t j = 0; j < n; ++j) {
    z_next_[j] = z_[j];
    best_[j] = -1;
    Offer& best = best_offer_[j];
    double best_key = 0.0;  // offer=scholz-code's compromise key of `best`
    // The challengers i worth evaluating against j, in order, with a = EU_i(i challenges
    // j) in eu_a_[i]. With a <= tolerance the contest is a stalemate or the mirror
    // contest's: it is kept only as a stalemate under detail=all, so without that it is
    // dropped here.
    std::size_t count = 0;
    if (plain_a) {
      // expected_utility() for perspective=target and Q = 1, for every i at once (U_s, U_f
      // and U_sq are j's; P is p_[i][j], read down p_t_'s row j): the same operations,
      // in a loop that vectorises. Entries of coinciding pairs are computed from unused
      // table entries and dropped with them.
      const double* const us_row = us_.data() + j * n;
      const double* const uf_row = uf_.data() + j * n;
      const double* const p_row = p_t_.data() + j * n;
      const double usq = usq_[j];
      const double own = salience_[j];
      for (std::size_t i = 0; i < n; ++i) {
        const double sal = responder ? own : salience_[i];
        const double p = p_row[i];
        eu_a_[i] = sal * (p * us_row[i] + (1.0 - p) * uf_row[i]) + (1.0 - sal) * us_row[i] -
                   config_.q * usq;
      }
      for (std::size_t i = 0; i < n; ++i) {
        candidates_[count] = i;
        count += static_cast<std::size_t>(i != j && std::abs(z_[i] - z_[j]) > same &&
                                          eu_a_[i] > kEuTolerance);
      }
    } else {
      for (std::size_t i = 0; i < n; ++i) {
        if (i == j || std::abs(z_[i] - z_[j]) <= same) continue;
        const std::size_t ra = config_.perspective == Perspective::kTarget ? j : i;
        const std::size_t ia = ra * n + (ra == i ? j : i);
        const double a = expected_utility(static_cast<int>(i), static_cast<int>(j), us_[ia],
                                          uf_[ia], usq_[ra], r_[ra]);
        if (!keep_all && !(a > kEuTolerance)) continue;
        eu_a_[i] = a;
        candidates_[count++] = i;
      }
    }
    for (std::size_t c = 0; c < count; ++c) {
      const std::size_t i = candidates_[c];
      const double a = eu_a_[i];
      // Whose exponent prices b = EU_j(j challenges i) (see Perspective).
      const std::size_t rb = config_.perspective == Perspective::kChallenger ? i : j;
      const std::size_t ib = rb * n + (rb == i ? j : i);
      const double b = expected_utility(static_cast<int>(j), static_cast<int>(i), us_[ib], uf_[ib],
                                        usq_[rb], r_[rb]);
      Offer offer;
      offer.challenger = static_cast<int>(i);
      offer.target = static_cast<int>(j);
      offer.eu_challenger = a;
      offer.eu_target = b;
      offer.new_position = z_[j];
      bool is_offer = false;
      if (a > kEuTolerance && b > kEuTolerance && a - b > kEuTolerance) {
        // Both expect to gain from a fight; j expects less, so j expects to lose it.
        offer.kind = ChallengeClass::kConflict;
        offer.new_position = z_[i];
        is_offer = true;
      } else if (a > kEuTolerance && b < -kEuTolerance) {
        if (-b >= a - kEuTolerance) {
          // j loses more by resisting than i gains: j gives in fully.
          offer.kind = ChallengeClass::kCapitulation;
          offer.new_position = z_[i];
          is_offer = config_.capitulation;
        } else {
          offer.kind = ChallengeClass::kCompromise;
          offer.new_position = z_[j] + (z_[i] - z_[j]) * (-b / a);
          is_offer = true;
        }
      } else if (a <= kEuTolerance && b <= kEuTolerance) {
        offer.kind = ChallengeClass::kStalemate;
      } else {
        continue;  // j is the stronger side here: the mirror contest is i's to decide
      }
      if (!is_offer) {
        if (keep_all && offer.kind == ChallengeClass::kStalemate) {
          offers->push_back(offer);
        }
        continue;
      }
      const double move = std::abs(offer.new_position - z_[j]);
      const double key = (std::abs(b) * z_[j] + std::abs(a) * z_[i]) / (std::abs(a) + std::abs(b));
      bool better = best_[j] < 0;
      if (!better) {
        const double best_move = std::abs(best.new_position - z_[j]);
        switch (config_.offer) {
          case OfferRule::kHighestEu:
            if (enforceability(offer.kind) != enforceability(best.kind)) {
              better = enforceability(offer.kind) > enforceability(best.kind);
            } else if (std::abs(a - best.eu_challenger) > kEuTolerance) {
              better = a > best.eu_challenger;
            } else if (std::abs(move - best_move) > same) {
              better = move < best_move;
            } else {
              better = offer.new_position < best.new_position - same;
            }
            break;
          case OfferRule::kLeastMove:
            if (std::abs(move - best_move) > same) {
              better = move < best_move;
            } else if (std::abs(a - best.eu_challenger) > kEuTolerance) {
              better = a > best.eu_challenger;
            } else if (enforceability(offer.kind) != enforceability(best.kind)) {
              better = enforceability(offer.kind) > enforceability(best.kind);
            } else {
              better = offer.new_position < best.new_position - same;
            }
            break;
          case OfferRule::kScholzCode:
            // Python's min(): the first of equals wins, hence strict comparisons.
            if (scholz_rank(offer.kind) != scholz_rank(best.kind)) {
              better = scholz_rank(offer.kind) < scholz_rank(best.kind);
            } else if (offer.kind == ChallengeClass::kCompromise) {
              better = key < best_key;
            } else {
              better = move < best_move;
            }
            break;
        }
      }
      if (keep_offers) {
        offers->push_back(offer);
      }
      if (counts != nullptr) {
        switch (offer.kind) {
          case ChallengeClass::kConflict:
            ++counts->conflict;
            break;
          case ChallengeClass::kCompromise:
            ++counts->compromise;
            break;
          case ChallengeClass::kCapitulation:
            ++counts->capitulation;
            break;
          case ChallengeClass::kStalemate:
            break;
        }
      }
      if (better) {
        best = offer;
        best_key = key;
        best_[j] = keep_offers ? static_cast<int>(offers->size()) - 1 : 0;
      }
    }
    if (best_[j] >= 0) {
      z_next_[j] = best.new_position;
      moved = moved || z_next_[j] != z_[j];
      if (keep_offers) {
        (*offers)[static_cast<std::size_t>(best_[j])].accepted = true;
      } else if (offers != nullptr) {
        Offer kept = best;
        kept.accepted = true;
        offers->push_back(kept);
      }
    }
  }
  for (std::size_t j = 0; j < n; ++j) z_[j] = z_next_[j];
  return moved;
}

Outcome Engine::run(std::span<const double> capability, std::span<const double> position,
                    std::span<const double> salience, std::span<const double> risk,
                    std::vector<Round>* record) {
  const std::size_t n = position.size();
  if (n == 0) throw std::invalid_argument("bdm: no actors");
  if (capability.size() != n || salience.size() != n || (!risk.empty() && risk.size() != n)) {
    throw std::invalid_argument("bdm: capability, position, salience and risk differ in length");
  }
  for (std::size_t i = 0; i < n; ++i) {
    if (!std::isfinite(capability[i]) || !std::isfinite(position[i]) ||
        !std::isfinite(salience[i])) {
      throw std::invalid_argument("bdm: capability, position and salience must be finite");
    }
  }
  prepare(n);
  double lo = position[0];
  double hi = position[0];
  for (std::size_t i = 1; i < n; ++i) {
    lo = std::min(lo, position[i]);
    hi = std::max(hi, position[i]);
  }
  const double spread = hi - lo;
  span_ = spread > 0.0 ? spread : 1.0;
  double total = 0.0;
  for (std::size_t i = 0; i < n; ++i) {
    z_[i] = position[i];
    salience_[i] = std::clamp(salience[i], 0.0, 1.0);
    weight_[i] = std::max(capability[i], 0.0) * salience_[i];
    total += weight_[i];
    const double given = risk.empty() ? std::numeric_limits<double>::quiet_NaN() : risk[i];
    given_[i] = std::isnan(given) ? given : std::clamp(given, -1.0, 1.0);
    r_[i] = 1.0;
  }
  // Nobody has any weight: count actors equally rather than divide by zero.
  if (!(total > 0.0)) {
    for (std::size_t i = 0; i < n; ++i) weight_[i] = 1.0;
  }

  // Fills the last element of `record` with the state after `round`.
  auto snapshot = [&](int round, bool with_risk) {
    if (record == nullptr) return;
    Round& out = record->back();
    out.round = round;
    out.positions.resize(n);
    for (std::size_t i = 0; i < n; ++i) out.positions[i] = z_[i];
    if (with_risk) out.risk_exponents.assign(r_.begin(), r_.begin() + static_cast<long>(n));
    out.median = weighted_median();
    out.mean = weighted_mean();
  };
  if (record != nullptr) {
    record->clear();
    record->emplace_back();
  }
  snapshot(0, false);

  Outcome outcome;
  outcome.initial_median = weighted_median();
  outcome.initial_mean = weighted_mean();
  if (spread <= 0.0) {
    outcome.stop = StopReason::kAgreement;
  } else {
    const bool by_rounds = config_.stop == StopRule::kRounds;
    const int max_rounds = by_rounds ? config_.rounds : kShiftRoundsLimit;
    outcome.stop = by_rounds ? StopReason::kRounds : StopReason::kMaxRounds;
    double previous = weighted_median();
    const Detail detail = resolve_detail(config_, n);
    for (int round = 1; round <= max_rounds; ++round) {
      std::vector<Offer>* offers = nullptr;
      OfferCounts* counts = nullptr;
      if (record != nullptr) {
        record->emplace_back();
        if (detail != Detail::kNone) offers = &record->back().offers;
        counts = &record->back().offer_counts;
      }
      const bool moved = play_round(detail, offers, counts);
      if (range_ <= kSameTolerance * span_) {
        // Everyone already agrees: the round was not played.
        if (record != nullptr) record->pop_back();
        outcome.stop = StopReason::kAgreement;
        break;
      }
      snapshot(round, true);
      outcome.rounds = round;
      if (!moved) {
        outcome.stop = StopReason::kNoMoves;
        break;
      }
      const double current = weighted_median();
      if (!by_rounds && std::abs(current - previous) <= config_.median_shift * span_) {
        outcome.stop = StopReason::kMedianShift;
        break;
      }
      previous = current;
    }
  }
  outcome.median = weighted_median();
  outcome.mean = weighted_mean();
  outcome.forecast = config_.forecast == ForecastRule::kMedian ? outcome.median : outcome.mean;
  return outcome;
}

}  // namespace entente::bdm
