#include "tableau.hpp"

#include <stdexcept>

#include "solvers.hpp"

namespace entente::games::detail {

Tableau::Tableau(std::size_t rows, std::size_t cols, std::vector<Rational> a,
                 std::vector<Rational> rhs, std::vector<int> basis)
    : rows_(rows),
      cols_(cols),
      a_(std::move(a)),
      rhs_(std::move(rhs)),
      basis_(std::move(basis)),
      identity_cols_(basis_) {
  if (a_.size() != rows_ * cols_ || rhs_.size() != rows_ || basis_.size() != rows_) {
    throw std::logic_error("Tableau: inconsistent sizes");
  }
}

int Tableau::row_of(int var) const {
  for (std::size_t r = 0; r < rows_; ++r) {
    if (basis_[r] == var) return static_cast<int>(r);
  }
  return -1;
}

Rational Tableau::value(int var) const {
  const int r = row_of(var);
  return r < 0 ? Rational(0) : rhs_[static_cast<std::size_t>(r)];
}

bool Tableau::lex_less(std::size_t r1, std::size_t r2, std::size_t col) const {
  const Rational& p1 = at(r1, col);
  const Rational& p2 = at(r2, col);
  // Both pivots are positive: compare x1/p1 < x2/p2 as x1*p2 < x2*p1.
  const int c = cmp(Rational(rhs_[r1] * p2), Rational(rhs_[r2] * p1));
  if (c != 0) return c < 0;
  for (int id : identity_cols_) {
    const auto k = static_cast<std::size_t>(id);
    const int d = cmp(Rational(at(r1, k) * p2), Rational(at(r2, k) * p1));
    if (d != 0) return d < 0;
  }
  return r1 < r2;
}

int Tableau::ratio_test(int var) const {
  const auto col = static_cast<std::size_t>(var);
  int best = -1;
  for (std::size_t r = 0; r < rows_; ++r) {
    if (sgn(at(r, col)) <= 0) continue;
    if (best < 0 || lex_less(r, static_cast<std::size_t>(best), col)) best = static_cast<int>(r);
  }
  return best;
}

std::vector<int> Tableau::min_ratio_rows(int var) const {
  const auto col = static_cast<std::size_t>(var);
  std::vector<int> out;
  Rational best;
  for (std::size_t r = 0; r < rows_; ++r) {
    if (sgn(at(r, col)) <= 0) continue;
    Rational ratio = rhs_[r] / at(r, col);
    if (out.empty() || ratio < best) {
      out.assign(1, static_cast<int>(r));
      best = ratio;
    } else if (ratio == best) {
      out.push_back(static_cast<int>(r));
    }
  }
  return out;
}

int Tableau::pivot(std::size_t r, int var) {
  const auto col = static_cast<std::size_t>(var);
  const Rational piv = at(r, col);
  if (sgn(piv) == 0) throw std::logic_error("Tableau: zero pivot");
  for (std::size_t c = 0; c < cols_; ++c) a_[r * cols_ + c] /= piv;
  rhs_[r] /= piv;
  for (std::size_t i = 0; i < rows_; ++i) {
    if (i == r) continue;
    const Rational f = at(i, col);
    if (sgn(f) == 0) continue;
    for (std::size_t c = 0; c < cols_; ++c) {
      if (sgn(a_[r * cols_ + c]) != 0) a_[i * cols_ + c] -= f * a_[r * cols_ + c];
    }
    rhs_[i] -= f * rhs_[r];
  }
  const int left = basis_[r];
  basis_[r] = var;
  return left;
}

std::size_t Tableau::bytes() const {
  std::size_t total = sizeof(Tableau) + (basis_.size() + identity_cols_.size()) * sizeof(int);
  for (const Rational& q : a_) total += rational_bytes(q);
  for (const Rational& q : rhs_) total += rational_bytes(q);
  return total;
}

std::size_t Tableau::estimate_bytes(std::size_t rows, std::size_t cols) {
  return sizeof(Tableau) + 2 * rows * sizeof(int) + rows * (cols + 1) * kSmallRationalBytes;
}

}  // namespace entente::games::detail
