// Internal: KTAB's scenario XML as a small element tree, read with Expat.
//
// Expat checks well-formedness (and decodes entities and character references); this layer
// keeps the line and column where every element and its text start, so diagnostics can
// point at them. Document type declarations are refused (KTAB files have none, and entity
// definitions are how XML parsers are attacked).
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace entente::ktab::xml {

// Nesting deeper than this is refused (KTAB's files are 4 levels deep).
inline constexpr int kMaxDepth = 64;

struct Element {
  std::string name;
  std::vector<std::pair<std::string, std::string>> attributes;
  std::vector<Element> children;
  std::string text;  // character data directly inside, entities decoded, concatenated
  int line = 0;      // where the start tag begins (1-based)
  int column = 0;
  int text_line = 0;  // where the first non-blank character of `text` is (else the tag's end)
  int text_column = 0;

  // The children named `wanted`, in document order.
  [[nodiscard]] std::vector<const Element*> all(std::string_view wanted) const;
};

// A well-formedness error, with where it is.
struct ParseError {
  int line = 0;
  int column = 0;
  std::string message;
};

// Parses a whole document and returns its root element. Returns false and fills `error`
// on malformed input; never throws on any input.
bool parse(std::string_view text, Element& root, ParseError& error);

}  // namespace entente::ktab::xml
