// The DEU data set (Decision-making in the European Union, Arregui & Perarnaud DEU III) as
// backtest cases: one single-issue scenario per legislative issue, with its recorded outcome.
// Pure function of its input text; reading the file is the caller's business.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "entente/diagnostics.hpp"
#include "entente/scenario.hpp"

namespace entente {

// Where actors' capabilities come from: 1 for every actor, or the GDP-based row that the
// transcriber added as the file's second line (Commission and Parliament at the maximum).
enum class DeuCapability { kEqual, kGdp };

struct DeuCase {
  Scenario scenario;  // one issue on a 0–100 scale; status_quo = the reference point when given
  double outcome = 0.0;            // the recorded outcome on the same scale
  int line = 0;                    // 1-based line of the case's row in the file
  std::string proposal;            // the proposal it belongs to (column prnr); "" when absent
  std::string issue;               // the issue's id in the file (column isnr); "" when absent
  std::optional<Date> introduced;  // column intro (DD-MM-YY); unset when absent or malformed
  std::optional<Date> decided;     // column finact (DD-MM-YY); unset when absent or malformed
};

// Parses a DEU table (tab-separated; header row with p<actor>/s<actor> position and salience
// columns 0–100, rp = reference point, out = outcome, optional isnr/prname/intro; line 2 is
// the capability row). Returns one case per data row that has an outcome and at least 3
// actors with both a position and a salience (an empty cell means the actor is absent);
// other rows are skipped. Actor ids are the column suffixes (com, ep, at, be, ...);
// saliences are divided by 100. Throws InputError naming file:line:col (col = 1-based
// field number) and the column for malformed or out-of-range numbers and a missing header.
// Dates (intro, finact) are DEU's DD-MM-YY (DD-MM-YYYY accepted; empty or 999 = unknown);
// any other spelling, e.g. the spreadsheet-mangled "1930-11-05", leaves the date unset and
// adds a warning (file:line:col, the column, what was expected) to `warnings` when given:
// a date that cannot be trusted is never read as another one.
std::vector<DeuCase> load_deu_tsv(std::string_view text, const std::string& filename,
                                  DeuCapability capability,
                                  std::vector<Diagnostic>* warnings = nullptr);

// The issues of one proposal as one multi-issue scenario, so that models which bargain
// over several issues at once (smp, exchange) can trade across them.
struct DeuProposal {
  std::string id;                  // the proposal id (prnr), or "line-N" when the case has none
  Scenario scenario;               // every issue of the proposal, in file order; actors united
  std::vector<std::size_t> cases;  // indices into the input vector, one per scenario issue
};

// Groups cases by proposal id in order of first appearance (a case without a proposal id is
// a group of its own). Actors on several issues appear once, with the first case's
// capability (the file has one capability per actor); an actor keeps a stance only on the
// issues it has one on. Each issue keeps its id, scale and status quo, so a forecast on
// scenario.issues[k] is scored against cases[cases[k]].outcome.
std::vector<DeuProposal> group_deu_by_proposal(const std::vector<DeuCase>& cases);

}  // namespace entente
