// A recursive-descent XML parser sized for KTAB scenario files; see xml.hpp.
#include "models/smp/xml.hpp"

#include <algorithm>
#include <cstdint>
#include <optional>

namespace entente::smp::xml {

std::vector<const Element*> Element::all(std::string_view wanted) const {
  std::vector<const Element*> out;
  for (const Element& c : children) {
    if (c.name == wanted) out.push_back(&c);
  }
  return out;
}

namespace {

// Thrown inside the parser only; parse() turns it into a ParseError.
struct Failure {
  std::size_t offset;
  std::string message;
};

bool is_space(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }

bool is_name_start(char c) {
  const auto u = static_cast<unsigned char>(c);
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == '_' || c == ':' || u >= 0x80;
}

bool is_name_char(char c) {
  return is_name_start(c) || (c >= '0' && c <= '9') || c == '-' || c == '.';
}

void append_utf8(std::string& out, std::uint32_t cp) {
  if (cp < 0x80) {
    out += static_cast<char>(cp);
  } else if (cp < 0x800) {
    out += static_cast<char>(0xC0 | (cp >> 6));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else if (cp < 0x10000) {
    out += static_cast<char>(0xE0 | (cp >> 12));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else {
    out += static_cast<char>(0xF0 | (cp >> 18));
    out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  }
}

class Parser {
 public:
  explicit Parser(std::string_view text) : s_(text) {
    for (std::size_t i = 0; i < s_.size(); ++i) {
      if (s_[i] == '\n') line_starts_.push_back(i + 1);
    }
  }

  Element document() {
    if (s_.substr(0, 3) == "\xEF\xBB\xBF") pos_ = 3;
    skip_misc();
    if (pos_ >= s_.size()) fail(pos_, "no root element; expected an XML document");
    if (s_[pos_] != '<') fail(pos_, "text before the root element");
    Element root = element(1);
    skip_misc();
    if (pos_ < s_.size()) fail(pos_, "content after the root element");
    return root;
  }

  // 1-based line and column (in bytes) of an offset.
  [[nodiscard]] std::pair<int, int> where(std::size_t offset) const {
    const auto it = std::upper_bound(line_starts_.begin(), line_starts_.end(), offset);
    const auto line = static_cast<std::size_t>(it - line_starts_.begin());
    return {static_cast<int>(line), static_cast<int>(offset - line_starts_[line - 1]) + 1};
  }

 private:
  [[noreturn]] static void fail(std::size_t offset, std::string message) {
    throw Failure{offset, std::move(message)};
  }

  bool starts(std::string_view what) const { return s_.substr(pos_, what.size()) == what; }

  void expect(std::string_view what, const char* context) {
    if (!starts(what)) fail(pos_, std::string("expected '") + std::string(what) + "' " + context);
    pos_ += what.size();
  }

  void skip_space() {
    while (pos_ < s_.size() && is_space(s_[pos_])) ++pos_;
  }

  // Skips until `end`, which must occur; returns the skipped text.
  std::string_view until(std::string_view end, const char* what) {
    const std::size_t start = pos_;
    const std::size_t at = s_.find(end, pos_);
    if (at == std::string_view::npos) fail(start, std::string("unterminated ") + what);
    pos_ = at + end.size();
    return s_.substr(start, at - start);
  }

  // Whitespace, comments, processing instructions (including the XML declaration).
  void skip_misc() {
    for (;;) {
      skip_space();
      if (starts("<!--")) {
        comment();
      } else if (starts("<?")) {
        pos_ += 2;
        (void)until("?>", "processing instruction (missing '?>')");
      } else if (starts("<!DOCTYPE") || starts("<!doctype")) {
        fail(pos_, "document type declarations are not supported; remove the <!DOCTYPE>");
      } else {
        return;
      }
    }
  }

  void comment() {
    const std::size_t start = pos_;
    pos_ += 4;
    const std::string_view body = until("-->", "comment (missing '-->')");
    if (body.find("--") != std::string_view::npos) fail(start, "'--' inside a comment");
  }

  std::string name(const char* what) {
    const std::size_t start = pos_;
    if (pos_ >= s_.size() || !is_name_start(s_[pos_])) {
      fail(pos_, std::string("expected ") + what);
    }
    while (pos_ < s_.size() && is_name_char(s_[pos_])) ++pos_;
    return std::string(s_.substr(start, pos_ - start));
  }

  // Decodes an entity or character reference at pos_ ('&') into `out`.
  void reference(std::string& out) {
    const std::size_t start = pos_;
    const std::size_t semi = s_.find(';', pos_);
    if (semi == std::string_view::npos || semi - pos_ > 12) {
      fail(start, "'&' must start a reference such as &amp; (write & as &amp;)");
    }
    const std::string_view ref = s_.substr(pos_ + 1, semi - pos_ - 1);
    pos_ = semi + 1;
    if (ref == "lt") {
      out += '<';
    } else if (ref == "gt") {
      out += '>';
    } else if (ref == "amp") {
      out += '&';
    } else if (ref == "quot") {
      out += '"';
    } else if (ref == "apos") {
      out += '\'';
    } else if (!ref.empty() && ref[0] == '#') {
      const bool hex = ref.size() > 1 && (ref[1] == 'x' || ref[1] == 'X');
      const std::string_view digits = ref.substr(hex ? 2 : 1);
      if (digits.empty()) fail(start, "empty character reference");
      std::uint32_t cp = 0;
      for (char c : digits) {
        std::uint32_t v = 0;
        if (c >= '0' && c <= '9') {
          v = static_cast<std::uint32_t>(c - '0');
        } else if (hex && c >= 'a' && c <= 'f') {
          v = static_cast<std::uint32_t>(c - 'a' + 10);
        } else if (hex && c >= 'A' && c <= 'F') {
          v = static_cast<std::uint32_t>(c - 'A' + 10);
        } else {
          fail(start, "malformed character reference");
        }
        cp = cp * (hex ? 16U : 10U) + v;
        if (cp > 0x10FFFF) fail(start, "character reference beyond Unicode");
      }
      if (cp == 0 || (cp >= 0xD800 && cp <= 0xDFFF)) fail(start, "invalid character reference");
      append_utf8(out, cp);
    } else {
      fail(start, "unknown entity '&" + std::string(ref) +
                      ";'; XML defines only &lt; &gt; &amp; &quot; &apos;");
    }
  }

  void attributes(Element& e) {
    for (;;) {
      const std::size_t before = pos_;
      skip_space();
      if (pos_ >= s_.size()) fail(pos_, "unterminated start tag <" + e.name + ">");
      if (s_[pos_] == '>' || s_[pos_] == '/') return;
      if (pos_ == before) fail(pos_, "expected whitespace before an attribute");
      const std::size_t at = pos_;
      std::string key = name("an attribute name");
      skip_space();
      expect("=", "after an attribute name");
      skip_space();
      if (pos_ >= s_.size() || (s_[pos_] != '"' && s_[pos_] != '\'')) {
        fail(pos_, "expected a quoted attribute value");
      }
      const char quote = s_[pos_++];
      std::string value;
      while (pos_ < s_.size() && s_[pos_] != quote) {
        if (s_[pos_] == '<') fail(pos_, "'<' inside an attribute value");
        if (s_[pos_] == '&') {
          reference(value);
        } else {
          value += s_[pos_++];
        }
      }
      if (pos_ >= s_.size()) fail(at, "unterminated attribute value");
      ++pos_;
      for (const auto& [k, v] : e.attributes) {
        if (k == key) fail(at, "attribute '" + key + "' given twice");
      }
      e.attributes.emplace_back(std::move(key), std::move(value));
    }
  }

  void note_text_start(Element& e, std::size_t offset) {
    if (e.text_line == 0 || e.text.find_first_not_of(" \t\r\n") == std::string::npos) {
      const auto [l, c] = where(offset);
      e.text_line = l;
      e.text_column = c;
    }
  }

  Element element(int depth) {
    if (depth > kMaxDepth) fail(pos_, "elements nested deeper than " + std::to_string(kMaxDepth));
    Element e;
    const auto [line, column] = where(pos_);
    e.line = line;
    e.column = column;
    ++pos_;  // '<'
    e.name = name("an element name after '<'");
    attributes(e);
    if (starts("/>")) {
      pos_ += 2;
      const auto [l, c] = where(pos_);
      e.text_line = l;
      e.text_column = c;
      return e;
    }
    ++pos_;  // '>'
    {
      const auto [l, c] = where(pos_);
      e.text_line = l;
      e.text_column = c;
    }
    for (;;) {
      if (pos_ >= s_.size()) fail(pos_, "missing end tag </" + e.name + ">");
      if (starts("</")) {
        const std::size_t at = pos_;
        pos_ += 2;
        const std::string closing = name("an element name after '</'");
        if (closing != e.name) {
          fail(at, "end tag </" + closing + "> does not match <" + e.name + "> at line " +
                       std::to_string(e.line));
        }
        skip_space();
        expect(">", "to close the end tag");
        return e;
      }
      if (starts("<!--")) {
        comment();
      } else if (starts("<![CDATA[")) {
        const std::size_t at = pos_;
        pos_ += 9;
        const std::string_view body = until("]]>", "CDATA section (missing ']]>')");
        if (body.find_first_not_of(" \t\r\n") != std::string_view::npos) note_text_start(e, at);
        e.text += body;
      } else if (starts("<?")) {
        pos_ += 2;
        (void)until("?>", "processing instruction (missing '?>')");
      } else if (starts("<!")) {
        fail(pos_, "unexpected '<!' (declarations are not supported inside elements)");
      } else if (s_[pos_] == '<') {
        e.children.push_back(element(depth + 1));
      } else {
        const std::size_t at = pos_;
        std::string chunk;
        while (pos_ < s_.size() && s_[pos_] != '<') {
          if (s_[pos_] == '&') {
            reference(chunk);
          } else {
            chunk += s_[pos_++];
          }
        }
        const std::size_t first = chunk.find_first_not_of(" \t\r\n");
        if (first != std::string::npos) {
          // Locate the first non-blank source character for diagnostics.
          std::size_t src = at;
          while (src < pos_ && is_space(s_[src])) ++src;
          note_text_start(e, src);
        }
        e.text += chunk;
      }
    }
  }

  std::string_view s_;
  std::size_t pos_ = 0;
  std::vector<std::size_t> line_starts_{0};  // offset where each line begins
};

}  // namespace

bool parse(std::string_view text, Element& root, ParseError& error) {
  Parser p(text);
  try {
    root = p.document();
    return true;
  } catch (const Failure& f) {
    const auto [line, column] = p.where(f.offset);
    error = ParseError{line, column, f.message};
    return false;
  }
}

}  // namespace entente::smp::xml
