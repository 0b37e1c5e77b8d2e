// KTAB scenario XML read with Expat (Debian libexpat1-dev) into a small tree that keeps
// where each node starts; see xml.hpp.
#include "scenario/ktab/xml.hpp"

#include <expat.h>

#include <algorithm>
#include <climits>
#include <memory>
#include <optional>
#include <string>
#include <tuple>

namespace entente::ktab::xml {

std::vector<const Element*> Element::all(std::string_view wanted) const {
  std::vector<const Element*> out;
  for (const Element& c : children) {
    if (c.name == wanted) out.push_back(&c);
  }
  return out;
}

namespace {

// Builds the tree from Expat's events. Positions are byte offsets into the source, turned
// into line and column (1-based, in bytes) by the same table for every node and error.
class TreeBuilder {
 public:
  explicit TreeBuilder(std::string_view text) : text_(text) {
    for (std::size_t i = 0; i < text.size(); ++i) {
      if (text[i] == '\n') line_starts_.push_back(i + 1);
    }
  }

  [[nodiscard]] std::pair<int, int> where(std::size_t offset) const {
    offset = std::min(offset, text_.size());
    const auto it = std::upper_bound(line_starts_.begin(), line_starts_.end(), offset);
    const auto line = static_cast<std::size_t>(it - line_starts_.begin());
    return {static_cast<int>(line), static_cast<int>(offset - line_starts_[line - 1]) + 1};
  }

  bool parse(Element& root, ParseError& error) {
    std::unique_ptr<XML_ParserStruct, decltype(&XML_ParserFree)> parser(XML_ParserCreate(nullptr),
                                                                        &XML_ParserFree);
    if (!parser) {
      error = ParseError{1, 1, "out of memory creating the XML parser"};
      return false;
    }
    parser_ = parser.get();
    XML_SetUserData(parser_, this);
    XML_SetElementHandler(parser_, &TreeBuilder::on_start, &TreeBuilder::on_end);
    XML_SetCharacterDataHandler(parser_, &TreeBuilder::on_text);
    // Entity definitions are how XML parsers are attacked, and KTAB files have no DTD.
    XML_SetStartDoctypeDeclHandler(parser_, &TreeBuilder::on_doctype);
    if (text_.size() > static_cast<std::size_t>(INT_MAX)) {
      error = ParseError{1, 1, "document too large"};
      return false;
    }
    const XML_Status status =
        XML_Parse(parser_, text_.data(), static_cast<int>(text_.size()), XML_TRUE);
    if (status != XML_STATUS_OK) {
      if (failure_) {
        error = *failure_;
      } else {
        const XML_Index at = XML_GetCurrentByteIndex(parser_);
        const auto [line, column] = where(at < 0 ? 0 : static_cast<std::size_t>(at));
        error = ParseError{line, column, explain(XML_GetErrorCode(parser_))};
      }
      return false;
    }
    root = std::move(root_);
    return true;
  }

 private:
  // Expat's message, with what the open elements tell about the common mistakes.
  [[nodiscard]] std::string explain(XML_Error code) const {
    std::string expat = XML_ErrorString(code);
    const std::string innermost = open_.empty() ? ""
                                                : "<" + open_.back().name + "> (line " +
                                                      std::to_string(open_.back().line) + ")";
    switch (code) {
      case XML_ERROR_NO_ELEMENTS:
        return open_.empty() ? "no root element (" + expat + ")"
                             : "missing end tag for " + innermost + " (" + expat + ")";
      case XML_ERROR_TAG_MISMATCH:
        return "end tag does not match " + innermost + " (" + expat + ")";
      case XML_ERROR_DUPLICATE_ATTRIBUTE:
        return "an attribute given twice (" + expat + ")";
      case XML_ERROR_UNDEFINED_ENTITY:
        return "unknown entity; only &amp; &lt; &gt; &quot; &apos; and character references (" +
               expat + ")";
      default:
        return expat;
    }
  }

  [[nodiscard]] std::size_t offset() const {
    const XML_Index at = XML_GetCurrentByteIndex(parser_);
    return at < 0 ? 0 : static_cast<std::size_t>(at);
  }

  void fail(std::size_t at, std::string message) {
    if (failure_) return;
    const auto [line, column] = where(at);
    failure_ = ParseError{line, column, std::move(message)};
    XML_StopParser(parser_, XML_FALSE);
  }

  static void on_doctype(void* self, const XML_Char* /*name*/, const XML_Char* /*sysid*/,
                         const XML_Char* /*pubid*/, int /*has_internal_subset*/) {
    auto* b = static_cast<TreeBuilder*>(self);
    b->fail(b->offset(), "document type declarations (<!DOCTYPE>) are not accepted");
  }

  static void on_start(void* self, const XML_Char* name, const XML_Char** attributes) {
    auto* b = static_cast<TreeBuilder*>(self);
    if (b->failure_) return;
    if (static_cast<int>(b->open_.size()) >= kMaxDepth) {
      b->fail(b->offset(), "elements nested deeper than " + std::to_string(kMaxDepth));
      return;
    }
    Element e;
    e.name = name;
    const std::size_t at = b->offset();
    std::tie(e.line, e.column) = b->where(at);
    // Until text is seen, diagnostics about the element's value point just past its tag.
    const int tag_bytes = XML_GetCurrentByteCount(b->parser_);
    std::tie(e.text_line, e.text_column) =
        b->where(at + static_cast<std::size_t>(std::max(tag_bytes, 0)));
    for (const XML_Char** a = attributes; a != nullptr && *a != nullptr; a += 2) {
      e.attributes.emplace_back(a[0], a[1]);
    }
    b->open_.push_back(std::move(e));
  }

  static void on_end(void* self, const XML_Char* /*name*/) {
    auto* b = static_cast<TreeBuilder*>(self);
    if (b->failure_ || b->open_.empty()) return;
    Element e = std::move(b->open_.back());
    b->open_.pop_back();
    if (b->open_.empty()) {
      b->root_ = std::move(e);
    } else {
      b->open_.back().children.push_back(std::move(e));
    }
  }

  static void on_text(void* self, const XML_Char* data, int length) {
    auto* b = static_cast<TreeBuilder*>(self);
    if (b->failure_ || b->open_.empty() || length <= 0) return;
    Element& e = b->open_.back();
    const std::string_view chunk(data, static_cast<std::size_t>(length));
    const bool blank_so_far = e.text.find_first_not_of(" \t\r\n") == std::string::npos;
    if (blank_so_far && chunk.find_first_not_of(" \t\r\n") != std::string_view::npos) {
      // Point at the first non-blank source byte of this event (Expat reports where the
      // event starts in the source; decoded text can be shorter than its source).
      std::size_t at = b->offset();
      while (at < b->text_.size() && (b->text_[at] == ' ' || b->text_[at] == '\t' ||
                                      b->text_[at] == '\r' || b->text_[at] == '\n')) {
        ++at;
      }
      std::tie(e.text_line, e.text_column) = b->where(at);
    }
    e.text.append(chunk);
  }

  std::string_view text_;
  std::vector<std::size_t> line_starts_{0};  // offset where each line begins
  XML_Parser parser_ = nullptr;
  std::vector<Element> open_;  // elements whose end tag is still to come
  Element root_;
  std::optional<ParseError> failure_;
};

}  // namespace

bool parse(std::string_view text, Element& root, ParseError& error) {
  TreeBuilder builder(text);
  return builder.parse(root, error);
}

}  // namespace entente::ktab::xml
