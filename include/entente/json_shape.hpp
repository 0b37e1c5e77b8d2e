// Shape checks of untrusted JSON documents (stored runs read back): each check throws
// ShapeError naming the first field, by its path, that is missing or of the wrong type.
// nlohmann's accessors throw type_error on a wrong type and, for a const missing key, do not
// even throw, so every field a reader touches is checked with these first. Shared by the
// application's result check (app/result_shape.hpp) and each scenario model's view
// (entente/model_views.hpp), which checks its own part of the document.
#pragma once

#include <cstddef>
#include <stdexcept>
#include <string>

#include <nlohmann/json.hpp>

namespace entente::shape {

// A document's field has the wrong shape; what() is "PATH: what was expected, what was found".
struct ShapeError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

enum class Kind { kObject, kArray, kString, kNumber, kUnsigned, kInteger, kBool };

// "an object", "a number", ...: for messages.
const char* kind_name(Kind k);

// Returns `j` when it (at `path`) is of kind `k`; else throws ShapeError.
const nlohmann::json& expect(const nlohmann::json& j, const std::string& path, Kind k);

// The object `obj` (at `path`) must have `key`, of kind `k`: returns it, else throws.
const nlohmann::json& required(const nlohmann::json& obj, const std::string& path,
                               const std::string& key, Kind k);

// When the object `obj` has `key`, it is of kind `k` (null is not: `value()` reads null as a
// value of the wrong type). Returns nullptr when absent; throws on a wrong kind.
const nlohmann::json* optional_field(const nlohmann::json& obj, const std::string& path,
                                     const std::string& key, Kind k);

// As optional_field for a number, but null is allowed too (fields read after is_number()).
void nullable_number(const nlohmann::json& obj, const std::string& path, const std::string& key);

// `key` of `obj` is a number, or an object whose "value" is a number (a Quantity as run
// documents write it); throws otherwise, also when absent.
void number_or_value(const nlohmann::json& obj, const std::string& path, const std::string& key);

// "path[i]".
std::string at_index(const std::string& path, std::size_t i);

}  // namespace entente::shape
