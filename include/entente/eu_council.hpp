// The EU Council's voting rules in force on a date, and the decision procedure of a DEU case
// built from its columns (docs/backtest.md#procedures). Pure functions, no I/O.
//
// Eras (member ids are DEU's column suffixes):
//   EU-12  1 Jan 1986 – 31 Dec 1994  weighted votes, 54 of 76
//   EU-15  1 Jan 1995 – 30 Apr 2004  weighted votes, 62 of 87 (EC Treaty Art. 205(2))
//   EU-25  1 May 2004 – 31 Oct 2004  transitional: 88 of 124 (2003 Act of Accession Art. 26)
//   Nice   1 Nov 2004 – 31 Oct 2014  232 of 321 (EU-25), 255 of 345 (EU-27 from 2007),
//                                    260 of 352 (EU-28 from July 2013); a majority of members;
//                                    62% of the population
//   Lisbon 1 Nov 2014 –              55% of members, 65% of the population, a blocking
//                                    minority at least 4 members (TEU Art. 16(4))
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "entente/date.hpp"
#include "entente/procedure.hpp"
#include "entente/scenario.hpp"

namespace entente {

struct CouncilEra {
  std::string name;  // e.g. "EU-15 (62 of 87)"
  Date from;         // first day in force
  std::vector<std::string> members;
};

// The era in force on `date`; nullopt before 1 January 1986 (no table kept for older rules).
std::optional<CouncilEra> eu_council_era(Date date);
// The era of the smallest membership that includes every id of `present` that is a member
// state (for a case whose date is unknown: who took part says which enlargement it came
// after). EU-15 when none of the later members is present.
CouncilEra eu_council_era_of_members(const std::vector<std::string>& present);
// The Council as a deciding body in `era` under `rule` (qualified majority with the era's
// weights, quotas and population figures; unanimity or simple majority of its members).
DecisionBody eu_council(const CouncilEra& era, VotingRule rule);

// The population figures the Council's rules use, as in data/eu/council-population.csv:
// member id, Nice-era population (100,000s), 2025 share (%; 0 for the United Kingdom).
struct CouncilPopulation {
  const char* member;
  double nice_100k;
  double share_2025_pct;
};
const std::vector<CouncilPopulation>& eu_council_population();

// The procedure of a DEU case from its `proc` (COD co-decision, CNS consultation, AVC
// assent, SYN cooperation) and `counvte` (QMV, QMV(n), Unan, SM) cells: the Council by the
// rules of `era`, the Commission (`com`) as agenda setter, and the Parliament (`ep`) as a
// co-deciding body under COD and AVC. Returns nullopt with `error` set when a cell holds
// something else; nullopt with `error` empty when either cell is empty.
std::optional<Procedure> deu_procedure(const std::string& proc, const std::string& counvte,
                                       const CouncilEra& era, std::string& error);

// Gives the one issue of a DEU case scenario its procedure (deu_procedure), under the
// Council's rules on `date`, or, when the date is unknown or before 1986, those of the
// membership its actors show (eu_council_era_of_members). The procedure names every member
// of the Council, also those that take no stance on the issue and so are no actor of the
// case (the Council votes with all its members; models read a voter without a stance as
// indifferent). Returns "" on success or when either cell is empty (no procedure), else
// what is wrong with the cells.
std::string attach_deu_procedure(Scenario& scenario, const std::string& proc,
                                 const std::string& counvte, std::optional<Date> date);

}  // namespace entente
