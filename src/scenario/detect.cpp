#include <algorithm>
#include <cctype>
#include <string>

#include "entente/scenario_io.hpp"

namespace entente {

InputFormat detect_format(std::string_view text) {
  // The first line that is not blank or a comment decides.
  std::size_t pos = 0;
  while (pos < text.size()) {
    std::size_t end = text.find('\n', pos);
    if (end == std::string_view::npos) end = text.size();
    std::string line(text.substr(pos, end - pos));
    pos = end + 1;
    if (line.rfind("\xEF\xBB\xBF", 0) == 0) line.erase(0, 3);
    const auto b = line.find_first_not_of(" \t\r");
    if (b == std::string::npos || line[b] == '#') continue;
    if (line.rfind("---", b) == b) return InputFormat::kYamlScenario;
    std::string low = line;
    std::transform(low.begin(), low.end(), low.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    const bool has_comma = low.find(',') != std::string::npos;
    if (has_comma &&
        (low.find("salience") != std::string::npos || low.find("position") != std::string::npos)) {
      return InputFormat::kActorTableCsv;
    }
    const auto colon = line.find(':');
    if (colon != std::string::npos && (!has_comma || colon < line.find(','))) {
      return InputFormat::kYamlScenario;
    }
    return InputFormat::kUnknown;
  }
  return InputFormat::kUnknown;
}

}  // namespace entente
