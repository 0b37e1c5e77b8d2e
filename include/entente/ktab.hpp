// Reading KTAB's input files (KAPSARC Toolkit for Behavioral Analysis, spatial model of
// politics): the SMP CSV table and the SMP XML scenario (smpSchema.xsd).
//
// Each KTAB dimension becomes an issue on the scale 0–100; each actor an actor of kind
// `group` with KTAB's capability; each actor's salience on a dimension, 0–100 in KTAB,
// becomes a stance salience divided by 100. Pure functions of their input text: reading
// files is the caller's business. docs/smp.md describes the formats and every check.
#pragma once

#include <map>
#include <string>
#include <string_view>

#include "entente/scenario.hpp"

namespace entente {

// What a KTAB XML scenario holds beyond the scenario itself: the model parameters, the
// PRNG seed and the ideal-adjustment (accommodation) matrix, as options of the `smp`
// model (NAME → VALUE, e.g. "vote_rule" → "PropCbc", "seed" → "3507583219545544127",
// "accommodation" → "Alice:Alice=0.87,Bob:Alice=0.07"). A run that uses them passes them
// as `smp.NAME=VALUE` options; options the user sets explicitly should take precedence.
struct KtabInput {
  Scenario scenario;
  std::map<std::string, std::string> smp_options;
};

// True when `text` looks like a KTAB SMP CSV table: its first non-blank line has at least
// four comma-separated fields, the third and fourth integers (actors, dimensions ≥ 1),
// and its second has at least 3 + 2 × dimensions fields. Cheap; reads two lines.
bool looks_like_ktab_csv(std::string_view text);

// True when `text` is XML whose root element is <Scenario> (KTAB's SMP XML).
bool looks_like_ktab_xml(std::string_view text);

// Parses a KTAB SMP CSV table:
//   row 1: scenario name, description, number of actors (3–250), number of dimensions (≥ 1)
//   row 2: Actor, Description, Power, then a position and a salience heading per dimension
//   one row per actor: name (1–25 characters, unique), description, capability (0–1e8),
//   then per dimension a position and a salience in [0, 100]; saliences sum to ≤ 100.
// Trailing commas and blank lines are allowed; a field may be quoted, and "$$" in a field
// stands for a comma (KTAB's escape). Throws InputError listing every problem found, each
// as `filename:line:column: error: field: message`. Never crashes on any input.
Scenario load_ktab_csv(std::string_view text, const std::string& filename);

// Parses a KTAB SMP XML scenario (smpSchema.xsd): name, desc, prngSeed, optional
// ModelParameters, Dimensions, Actors (3–250) and optional IdealAdjustment. Without an
// IdealAdjustment the accommodation is the identity (ideals follow positions), as for a
// CSV. A prngSeed of 0 (KTAB: "draw an irreproducible seed") becomes the option
// seed=run (use the run's recorded seed). Throws InputError as load_ktab_csv does.
KtabInput load_ktab_xml(std::string_view text, const std::string& filename);

}  // namespace entente
