#include "entente/version.hpp"

namespace entente {
const char* version() { return ENTENTE_VERSION; }
}  // namespace entente
