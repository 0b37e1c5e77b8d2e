// The built-in scenario models' views, one file each (src/report/<model>.cpp). Listed here
// rather than registered by static objects: entente_report is a static library, from which
// the linker would drop a view file nothing references.
#pragma once

#include "entente/model_views.hpp"

namespace entente::report {

ModelView alliance_view();  // src/report/alliance.cpp
ModelView crisis_view();    // src/report/crisis.cpp

}  // namespace entente::report
