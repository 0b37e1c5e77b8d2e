// Internal: the `procedure:` section of a scenario or issue, read with the loader's
// diagnostics and written back by the YAML writer (docs/scenario.md#procedure).
#pragma once

#include <yaml-cpp/yaml.h>

#include <optional>
#include <string>
#include <vector>

#include "entente/procedure.hpp"
#include "scenario/yaml_util.hpp"

namespace entente::detail {

// Reads a procedure at `path` (e.g. "issues[1].procedure"). Every actor it names must be one
// of `actor_ids` (else "unknown actor ..., did you mean ..."). Returns nullopt, with every
// problem recorded through `reader`, when anything is wrong.
std::optional<Procedure> read_procedure(YamlReader& reader, const YAML::Node& node,
                                        const std::string& path,
                                        const std::vector<std::string>& actor_ids);

// Writes `procedure` as a map in the format read_procedure reads.
void emit_procedure(YAML::Emitter& out, const Procedure& procedure);

}  // namespace entente::detail
