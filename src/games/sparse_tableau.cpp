#include "sparse_tableau.hpp"

#include <algorithm>
#include <stdexcept>

#include "solvers.hpp"

namespace entente::games::detail {

namespace {
const Rational& zero() {
  static const Rational kZero(0);
  return kZero;
}
}  // namespace

SparseTableau::SparseTableau(std::size_t cols, std::vector<Row> rows, std::vector<Rational> rhs,
                             std::vector<int> basis)
    : cols_(cols),
      rows_(std::move(rows)),
      rhs_(std::move(rhs)),
      basis_(std::move(basis)),
      row_of_(cols, -1),
      identity_cols_(basis_) {
  if (rhs_.size() != rows_.size() || basis_.size() != rows_.size()) {
    throw std::logic_error("SparseTableau: inconsistent sizes");
  }
  for (std::size_t r = 0; r < rows_.size(); ++r) {
    Row& row = rows_[r];
    std::erase_if(row, [](const Entry& e) { return sgn(e.value) == 0; });
    for (std::size_t k = 0; k < row.size(); ++k) {
      if (row[k].col < 0 || static_cast<std::size_t>(row[k].col) >= cols_ ||
          (k > 0 && row[k - 1].col >= row[k].col)) {
        throw std::logic_error("SparseTableau: row entries out of order");
      }
    }
    nonzeros_ += row.size();
    row_of_[static_cast<std::size_t>(basis_[r])] = static_cast<int>(r);
  }
  is_identity_.assign(cols_, 0);
  for (std::size_t k = 0; k < identity_cols_.size(); ++k) {
    is_identity_[static_cast<std::size_t>(identity_cols_[k])] = 1;
    if (k > 0 && identity_cols_[k - 1] >= identity_cols_[k]) identity_sorted_ = false;
  }
}

const Rational& SparseTableau::at(std::size_t r, std::size_t c) const {
  const Row& row = rows_[r];
  const auto it = std::lower_bound(row.begin(), row.end(), static_cast<int>(c),
                                   [](const Entry& e, int col) { return e.col < col; });
  return it != row.end() && it->col == static_cast<int>(c) ? it->value : zero();
}

Rational SparseTableau::value(int var) const {
  const int r = row_of(var);
  return r < 0 ? Rational(0) : rhs_[static_cast<std::size_t>(r)];
}

bool SparseTableau::lex_less(std::size_t r1, std::size_t r2, std::size_t col) const {
  const Rational& p1 = at(r1, col);
  const Rational& p2 = at(r2, col);
  // Both pivots are positive: compare x1/p1 < x2/p2 as x1*p2 < x2*p1.
  const int c = cmp(Rational(rhs_[r1] * p2), Rational(rhs_[r2] * p1));
  if (c != 0) return c < 0;
  if (identity_sorted_) {
    // The B^-1 columns in increasing order: walk both rows' entries in those columns
    // together (columns where both are zero compare equal). Degenerate problems such as the
    // sequence form tie often, and a lookup per identity column would cost rows x log.
    const Row& a = rows_[r1];
    const Row& b = rows_[r2];
    std::size_t i = 0;
    std::size_t j = 0;
    for (;;) {
      while (i < a.size() && !is_identity_[static_cast<std::size_t>(a[i].col)]) ++i;
      while (j < b.size() && !is_identity_[static_cast<std::size_t>(b[j].col)]) ++j;
      if (i == a.size() && j == b.size()) break;
      int d = 0;
      if (j == b.size() || (i < a.size() && a[i].col < b[j].col)) {
        d = sgn(a[i].value) * sgn(p2);  // a1 * p2 against 0
        ++i;
      } else if (i == a.size() || b[j].col < a[i].col) {
        d = -sgn(b[j].value) * sgn(p1);  // 0 against a2 * p1
        ++j;
      } else {
        d = cmp(Rational(a[i].value * p2), Rational(b[j].value * p1));
        ++i;
        ++j;
      }
      if (d != 0) return d < 0;
    }
    return r1 < r2;
  }
  for (int id : identity_cols_) {
    const auto k = static_cast<std::size_t>(id);
    const Rational& a1 = at(r1, k);
    const Rational& a2 = at(r2, k);
    if (sgn(a1) == 0 && sgn(a2) == 0) continue;
    const int d = cmp(Rational(a1 * p2), Rational(a2 * p1));
    if (d != 0) return d < 0;
  }
  return r1 < r2;
}

int SparseTableau::ratio_test(int var) const {
  const auto col = static_cast<std::size_t>(var);
  int best = -1;
  for (std::size_t r = 0; r < rows_.size(); ++r) {
    if (sgn(at(r, col)) <= 0) continue;
    if (best < 0 || lex_less(r, static_cast<std::size_t>(best), col)) best = static_cast<int>(r);
  }
  return best;
}

int SparseTableau::pivot(std::size_t r, int var) {
  const auto col = static_cast<std::size_t>(var);
  const Rational piv = at(r, col);
  if (sgn(piv) == 0) throw std::logic_error("SparseTableau: zero pivot");
  Row& pivot_row = rows_[r];
  for (Entry& e : pivot_row) e.value /= piv;
  rhs_[r] /= piv;
  Row merged;
  for (std::size_t i = 0; i < rows_.size(); ++i) {
    if (i == r) continue;
    const Rational f = at(i, col);
    if (sgn(f) == 0) continue;
    // row_i -= f * pivot_row, merging the two sorted rows and dropping cancelled entries.
    Row& row = rows_[i];  // discarded after the merge: its entries are moved
    merged.clear();
    merged.reserve(row.size() + pivot_row.size());
    std::size_t a = 0;
    std::size_t b = 0;
    while (a < row.size() || b < pivot_row.size()) {
      if (b == pivot_row.size() || (a < row.size() && row[a].col < pivot_row[b].col)) {
        merged.push_back(std::move(row[a++]));
      } else if (a == row.size() || pivot_row[b].col < row[a].col) {
        merged.push_back(Entry{pivot_row[b].col, Rational(-f * pivot_row[b].value)});
        ++b;
      } else {
        Rational v = row[a].value - f * pivot_row[b].value;
        if (sgn(v) != 0) merged.push_back(Entry{row[a].col, std::move(v)});
        ++a;
        ++b;
      }
    }
    nonzeros_ = nonzeros_ - row.size() + merged.size();
    rows_[i].swap(merged);
    rhs_[i] -= f * rhs_[r];
  }
  const int left = basis_[r];
  basis_[r] = var;
  row_of_[static_cast<std::size_t>(left)] = -1;
  row_of_[col] = static_cast<int>(r);
  return left;
}

std::size_t SparseTableau::bytes() const {
  std::size_t total = sizeof(SparseTableau) + rows_.size() * sizeof(Row) +
                      (basis_.size() + row_of_.size() + identity_cols_.size()) * sizeof(int);
  for (const Row& row : rows_) {
    total += row.capacity() * sizeof(Entry) - row.size() * sizeof(Rational) + kAllocOverhead;
    for (const Entry& e : row) total += rational_bytes(e.value);
  }
  for (const Rational& q : rhs_) total += rational_bytes(q);
  return total;
}

}  // namespace entente::games::detail
