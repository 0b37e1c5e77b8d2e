// The engine's version, recorded with every stored run.
#pragma once

namespace entente {
// Semantic version of the engine.
const char* version();
}  // namespace entente
