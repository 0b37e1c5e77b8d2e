// lcp: Lemke–Howson on two-player strategic games (every equilibrium reachable by
// Lemke–Howson paths from the artificial equilibrium and from those found, or the path of one
// starting label), and
// Lemke's algorithm on the sequence form of two-player extensive games with perfect recall
// (Koller, Megiddo and von Stengel 1996, "Efficient computation of equilibria for extensive
// two-person games", GEB 14). Exact rational pivoting with the lexicographic ratio rule.
#include <algorithm>
#include <map>
#include <set>

#include "solvers.hpp"
#include "sparse_tableau.hpp"
#include "tableau.hpp"

namespace entente::games::detail {

namespace {

constexpr int kMaxPivots = 1'000'000;
// Sequence forms with more rows than this take over a minute (see work_warning).
constexpr std::size_t kWarnRows = 2500;

// A completely labelled pair of bases: the artificial equilibrium (the origin) or a Nash
// equilibrium. Each label is nonbasic in exactly one of the two tableaux.
struct LhState {
  Tableau p;
  Tableau q;
};

// Follows the Lemke–Howson path from `s` dropping label k (0-based): the label enters the
// tableau where it is nonbasic, and complementary pivoting alternates until k leaves again.
// From the artificial equilibrium the path ends at an equilibrium; from an equilibrium, at
// another one (of opposite index) or back at the artificial one.
LhState lemke_howson(LhState s, int k, Work& work) {
  Tableau* t = s.p.row_of(k) < 0 ? &s.p : &s.q;
  int entering = k;
  for (int step = 0;; ++step) {
    if (step > kMaxPivots) throw SolverError("lcp: Lemke–Howson did not finish");
    if ((step & 15) == 0 && work.time_up()) {
      work.fail("on the Lemke-Howson path dropping label " + std::to_string(k + 1) + " after " +
                std::to_string(step) + " pivots");
    }
    const int r = t->ratio_test(entering);
    if (r < 0) throw SolverError("lcp: unbounded Lemke–Howson step (internal error)");
    const int left = t->pivot(static_cast<std::size_t>(r), entering);
    if (left == k) break;
    entering = left;
    t = t == &s.p ? &s.q : &s.p;
  }
  return s;
}

// The state's strategy pair (unnormalised), empty for the artificial equilibrium.
bool strategies(const Bimatrix& bm, const LhState& s, std::vector<Rational>& x,
                std::vector<Rational>& y) {
  x.assign(bm.m, Rational(0));
  y.assign(bm.n, Rational(0));
  bool any = false;
  for (std::size_t i = 0; i < bm.m; ++i) {
    x[i] = s.p.value(static_cast<int>(i));
    any = any || x[i] != 0;
  }
  for (std::size_t j = 0; j < bm.n; ++j) y[j] = s.q.value(static_cast<int>(bm.m + j));
  return any;
}

// label > 0: the one path from the artificial equilibrium dropping that label. label = 0:
// every equilibrium reachable by Lemke–Howson paths from the artificial one and, again, from
// every equilibrium found (Gambit's AllLemke), so equilibria of index -1 such as battle of
// the sexes' mixed one are found too, in the order they are first reached.
std::vector<Equilibrium> lh_all(const StrategicGame& game, int label, Work& work) {
  const Bimatrix bm = positive_bimatrix(game);
  const int labels = static_cast<int>(bm.m + bm.n);
  if (label > labels) {
    throw SolverError("lcp: label " + std::to_string(label) + " does not exist; expected 1.." +
                      std::to_string(labels) + " (0 for all)");
  }
  LhState start{polytope_p(bm), polytope_q(bm)};
  // Every state kept for later paths holds both tableaux, and a path works on a copy.
  const std::size_t state_bytes = 2 * (start.p.bytes() + start.q.bytes());
  const std::string shape = "a " + std::to_string(bm.m) + " x " + std::to_string(bm.n) + " game";
  work.check_charge(state_bytes, "before Lemke-Howson: " + shape);
  std::vector<Equilibrium> out;
  std::set<std::vector<std::vector<std::vector<Rational>>>> seen;
  std::vector<LhState> pending{start};
  for (std::size_t next = 0; next < pending.size(); ++next) {
    for (int k = 0; k < labels; ++k) {
      if (label > 0 && k != label - 1) continue;
      LhState end = start;
      try {
        end = lemke_howson(pending[next], k, work);
      } catch (const BudgetExceeded& e) {
        throw BudgetExceeded(e.what(), std::move(out));  // the paths that finished
      }
      std::vector<Rational> x;
      std::vector<Rational> y;
      if (!strategies(bm, end, x, y)) continue;  // back at the artificial equilibrium
      Profile prof = normalised_pair(x, y);
      if (!seen.insert(prof.probs).second) continue;
      out.push_back(make_equilibrium(game, std::move(prof)));
      if (label == 0) {
        if (!work.charge(end.p.bytes() + end.q.bytes())) {
          work.fail("after " + std::to_string(out.size()) + " equilibria of " + shape +
                        " (each kept to start further paths from)",
                    std::move(out));
        }
        pending.push_back(std::move(end));
      }
    }
  }
  return out;
}

// ------------------------------------------------------------------ sequence form

struct SequenceForm {
  // Per player (0, 1): number of sequences, parent sequence of each of the player's
  // infosets (local index), first sequence of each infoset (actions follow consecutively).
  std::size_t seqs[2] = {1, 1};
  std::vector<std::size_t> parent[2];
  std::vector<std::size_t> first[2];
  // (sequence of player 1, sequence of player 2) -> expected payoffs (a, b) over the leaves
  // those sequences lead to, shifted to be negative; absent pairs are zero. Sparse: a tree
  // has one entry per leaf at most, the dense table one per pair of sequences.
  std::map<std::pair<std::size_t, std::size_t>, std::pair<Rational, Rational>> payoffs;
};

SequenceForm sequence_form(const ExtensiveGame& game) {
  SequenceForm sf;
  for (int p = 0; p < 2; ++p) {
    for (int h : game.player_infosets(p + 1)) {
      sf.first[p].push_back(sf.seqs[p]);
      sf.seqs[p] += game.infoset(h).actions.size();
      sf.parent[p].push_back(0);
    }
  }
  const std::size_t nn = game.nodes().size();
  std::vector<std::size_t> last[2] = {std::vector<std::size_t>(nn, 0),
                                      std::vector<std::size_t>(nn, 0)};
  std::vector<Rational> chance(nn, Rational(1));
  std::vector<int> terminals;
  for (int v : game.prefix_order()) {
    const Node& node = game.node(v);
    const auto vi = static_cast<std::size_t>(v);
    if (node.kind == NodeKind::kTerminal) {
      terminals.push_back(v);
      continue;
    }
    const Infoset& h = game.infoset(node.infoset);
    const int p = h.player - 1;
    std::size_t local = 0;
    if (p >= 0) {
      local = static_cast<std::size_t>(game.local_index(node.infoset));
      sf.parent[p][local] = last[p][vi];
    }
    for (std::size_t a = 0; a < node.children.size(); ++a) {
      const auto c = static_cast<std::size_t>(node.children[a]);
      last[0][c] = last[0][vi];
      last[1][c] = last[1][vi];
      chance[c] = chance[vi];
      if (p < 0) {
        chance[c] *= h.probs[a];
      } else {
        last[p][c] = sf.first[p][local] + a;
      }
    }
  }
  // Payoffs from terminal paths (outcomes on the way included), shifted below zero: every
  // play reaches one terminal, so the shift moves every expected payoff by the same amount.
  Rational top[2] = {0, 0};
  std::vector<std::vector<Rational>> pay;
  for (int t : terminals) pay.push_back(game.path_payoffs(t));
  for (const auto& v : pay) {
    for (int p = 0; p < 2; ++p) top[p] = std::max(top[p], v[static_cast<std::size_t>(p)]);
  }
  for (std::size_t k = 0; k < terminals.size(); ++k) {
    const auto t = static_cast<std::size_t>(terminals[k]);
    if (chance[t] == 0) continue;
    auto& cell = sf.payoffs[{last[0][t], last[1][t]}];
    cell.first += chance[t] * (pay[k][0] - top[0] - 1);
    cell.second += chance[t] * (pay[k][1] - top[1] - 1);
  }
  return sf;
}

std::vector<Equilibrium> sequence_lemke(const ExtensiveGame& game, Work& work) {
  if (game.num_players() != 2) {
    throw SolverError("lcp needs a two-player game; this one has " +
                      std::to_string(game.num_players()) + " players");
  }
  require_perfect_recall(game, "lcp");
  const SequenceForm sf = sequence_form(game);
  const std::size_t n1 = sf.seqs[0];
  const std::size_t n2 = sf.seqs[1];
  const std::size_t k1 = 1 + sf.first[0].size();
  const std::size_t k2 = 1 + sf.first[1].size();
  // z = (x, y, p', p'', q', q''); w = q + M z with p = p' - p'' and q = q' - q'' free.
  const std::size_t ox = 0;
  const std::size_t oy = n1;
  const std::size_t op1 = n1 + n2;
  const std::size_t op2 = op1 + k1;
  const std::size_t oq1 = op2 + k1;
  const std::size_t oq2 = oq1 + k2;
  const std::size_t nz = oq2 + k2;
  // M by rows, sparse: the payoff blocks have an entry per leaf, the constraint blocks a few
  // per information set.
  std::vector<std::map<std::size_t, Rational>> mm(nz);
  auto m_at = [&](std::size_t r, std::size_t c) -> Rational& { return mm[r][c]; };
  for (const auto& [seqs, pay] : sf.payoffs) {
    m_at(ox + seqs.first, oy + seqs.second) = -pay.first;
    m_at(oy + seqs.second, ox + seqs.first) = -pay.second;
  }
  // E x = e: row 0 is x_empty = 1; row 1 + h is -x_parent(h) + sum_a x_(h,a) = 0 (likewise F).
  auto constraints = [&](int p, std::size_t rows_p1, std::size_t rows_p2, std::size_t seq_off) {
    std::vector<std::pair<std::size_t, std::size_t>> entries_pos{{0, 0}};
    std::vector<std::pair<std::size_t, std::size_t>> entries_neg;
    for (std::size_t h = 0; h < sf.first[p].size(); ++h) {
      entries_neg.emplace_back(1 + h, sf.parent[p][h]);
      const std::size_t na =
          (h + 1 < sf.first[p].size() ? sf.first[p][h + 1] : sf.seqs[p]) - sf.first[p][h];
      for (std::size_t a = 0; a < na; ++a) entries_pos.emplace_back(1 + h, sf.first[p][h] + a);
    }
    auto put = [&](std::size_t row, std::size_t seq, int sign) {
      // w_seq gets +E^T p' - E^T p''; w_p' = e - E x; w_p'' = -e + E x.
      m_at(seq_off + seq, rows_p1 + row) += sign;
      m_at(seq_off + seq, rows_p2 + row) -= sign;
      m_at(rows_p1 + row, seq_off + seq) -= sign;
      m_at(rows_p2 + row, seq_off + seq) += sign;
    };
    for (const auto& [row, seq] : entries_pos) put(row, seq, 1);
    for (const auto& [row, seq] : entries_neg) put(row, seq, -1);
  };
  constraints(0, op1, op2, ox);
  constraints(1, oq1, oq2, oy);
  std::vector<Rational> qv(nz, Rational(0));
  qv[op1] = 1;
  qv[op2] = -1;
  qv[oq1] = 1;
  qv[oq2] = -1;

  // Tableau I w - M z - d z0 = q, d = 1; variables w (0..nz-1), z (nz..2nz-1), z0 (2nz).
  const std::size_t cols = 2 * nz + 1;
  std::vector<SparseTableau::Row> tab(nz);
  std::vector<int> basis(nz);
  for (std::size_t r = 0; r < nz; ++r) {
    tab[r].push_back({static_cast<int>(r), Rational(1)});
    for (const auto& [c, v] : mm[r]) tab[r].push_back({static_cast<int>(nz + c), Rational(-v)});
    tab[r].push_back({static_cast<int>(2 * nz), Rational(-1)});
    basis[r] = static_cast<int>(r);
  }
  mm.clear();
  SparseTableau t(cols, std::move(tab), qv, basis);
  // Charged as it is, then again as pivots fill it in (exact sizes, every few pivots: the
  // fill-in and the entries' growth decide how far a large tree gets).
  const std::string shape = "the sequence form (" + std::to_string(n1) + " x " +
                            std::to_string(n2) + " sequences; tableau " + std::to_string(nz) +
                            " x " + std::to_string(cols) + ")";
  std::size_t charged = t.bytes();
  work.check_charge(charged, "before Lemke's algorithm on " + shape);
  const int z0 = static_cast<int>(2 * nz);
  // z0 enters where q is most negative; ties to the last row keep the rows lexico-positive.
  std::size_t start = 0;
  for (std::size_t r = 0; r < nz; ++r) {
    if (qv[r] <= qv[start]) start = r;
  }
  int left = t.pivot(start, z0);
  for (int step = 0;; ++step) {
    if (step > kMaxPivots) throw SolverError("lcp: Lemke's algorithm did not finish");
    if (work.time_up()) {
      work.fail("in Lemke's algorithm on " + shape + " after " + std::to_string(step) + " pivots");
    }
    if ((step & 15) == 15) {
      work.release(charged);
      charged = t.bytes();
      if (!work.charge(charged)) {
        work.fail("in Lemke's algorithm on " + shape + " after " + std::to_string(step) +
                  " pivots, with " + std::to_string(t.nonzeros()) + " nonzero entries");
      }
    }
    const int entering =
        left < static_cast<int>(nz) ? left + static_cast<int>(nz) : left - static_cast<int>(nz);
    const int r = t.ratio_test(entering);
    if (r < 0) throw SolverError("lcp: Lemke's algorithm ended on a ray (internal error)");
    left = t.pivot(static_cast<std::size_t>(r), entering);
    if (left == z0) break;
  }
  Profile prof;
  prof.exact = true;
  for (int p = 0; p < 2; ++p) {
    const std::size_t off = nz + (p == 0 ? ox : oy);
    std::vector<std::vector<Rational>> rows;
    for (std::size_t h = 0; h < sf.first[p].size(); ++h) {
      const std::size_t na =
          (h + 1 < sf.first[p].size() ? sf.first[p][h + 1] : sf.seqs[p]) - sf.first[p][h];
      const Rational reach = t.value(static_cast<int>(off + sf.parent[p][h]));
      std::vector<Rational> row;
      for (std::size_t a = 0; a < na; ++a) {
        if (reach == 0) {
          row.emplace_back(1, static_cast<unsigned long>(na));
        } else {
          row.emplace_back(t.value(static_cast<int>(off + sf.first[p][h] + a)) / reach);
        }
      }
      rows.push_back(std::move(row));
    }
    prof.probs.push_back(std::move(rows));
  }
  return {make_equilibrium(game, std::move(prof))};
}

class Lcp final : public Solver {
 public:
  explicit Lcp(int label) : label_(label) {}
  [[nodiscard]] const SolverInfo& info() const override { return kInfo; }
  [[nodiscard]] std::vector<Equilibrium> solve(const StrategicGame& game) const override {
    Work work(budget(), "lcp", [&game] { return advice(game, "lcp"); });
    return lh_all(game, label_, work);
  }
  [[nodiscard]] std::vector<Equilibrium> solve(const ExtensiveGame& game) const override {
    Work work(budget(), "lcp", [&game] { return advice(game, "lcp"); });
    return sequence_lemke(game, work);
  }
  // Exact pivoting on the sequence form costs about the cube of its rows (a 511-node tree
  // with 1,030 rows takes 2 s, a 2,047-node one with 4,098 rows four minutes).
  [[nodiscard]] std::string work_warning(const ExtensiveGame& game) const override {
    if (game.num_players() != 2 || !game.perfect_recall_problem().empty()) return "";
    std::size_t rows = 6;  // the empty sequences and their constraints (twice each)
    for (const Infoset& h : game.infosets()) {
      if (h.player != 0) rows += h.actions.size() + 2;
    }
    if (rows <= kWarnRows) return "";
    return "lcp pivots an exact " + std::to_string(rows) +
           "-row tableau for this tree's sequence form, in time about the cube of that: expect "
           "minutes; " +
           advice(game, "lcp");
  }

  inline static const SolverInfo kInfo{
      "lcp",
      "two players: Lemke–Howson on strategic games, Lemke on the sequence form of extensive "
      "games (exact)",
      true,
      true,
      true,
      {{"label",
        "0",
        "strategic games: the Lemke–Howson starting label 1..m+n; 0 follows every label from "
        "the artificial equilibrium and from each equilibrium found (all reachable ones)",
        {},
        OptionSpec::Type::kInteger}}};

 private:
  int label_;
};

}  // namespace

SolverEntry lcp_entry() {
  return {Lcp::kInfo, [](const SolverOptions& options) {
            const auto it = options.find("label");
            int label = 0;
            if (it != options.end()) {
              const std::string& s = it->second;
              if (s.empty() || s.size() > 6 ||
                  !std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; })) {
                throw std::invalid_argument("option label='" + s +
                                            "' is invalid: expected an integer >= 0");
              }
              label = std::stoi(s);
            }
            return std::make_unique<Lcp>(label);
          }};
}

}  // namespace entente::games::detail
