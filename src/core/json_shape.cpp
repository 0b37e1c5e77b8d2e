#include "entente/json_shape.hpp"

#include <fmt/format.h>

#include <cstdint>

namespace entente::shape {

const char* kind_name(Kind k) {
  switch (k) {
    case Kind::kObject:
      return "an object";
    case Kind::kArray:
      return "an array";
    case Kind::kString:
      return "a string";
    case Kind::kNumber:
      return "a number";
    case Kind::kUnsigned:
      return "a non-negative integer";
    case Kind::kInteger:
      return "an integer";
    case Kind::kBool:
      return "true or false";
  }
  return "?";
}

namespace {

bool is_kind(const nlohmann::json& j, Kind k) {
  switch (k) {
    case Kind::kObject:
      return j.is_object();
    case Kind::kArray:
      return j.is_array();
    case Kind::kString:
      return j.is_string();
    case Kind::kNumber:
      return j.is_number();
    case Kind::kUnsigned:
      return j.is_number_unsigned() || (j.is_number_integer() && j.get<std::int64_t>() >= 0);
    case Kind::kInteger:
      return j.is_number_integer();
    case Kind::kBool:
      return j.is_boolean();
  }
  return false;
}

}  // namespace

const nlohmann::json& expect(const nlohmann::json& j, const std::string& path, Kind k) {
  if (!is_kind(j, k)) {
    throw ShapeError(fmt::format("{}: expected {}, found {}", path, kind_name(k),
                                 j.is_number() ? "a number" : j.type_name()));
  }
  return j;
}

const nlohmann::json& required(const nlohmann::json& obj, const std::string& path,
                               const std::string& key, Kind k) {
  expect(obj, path, Kind::kObject);
  const auto it = obj.find(key);
  if (it == obj.end()) {
    throw ShapeError(fmt::format("{}.{}: missing; expected {}", path, key, kind_name(k)));
  }
  return expect(*it, path + "." + key, k);
}

const nlohmann::json* optional_field(const nlohmann::json& obj, const std::string& path,
                                     const std::string& key, Kind k) {
  expect(obj, path, Kind::kObject);
  const auto it = obj.find(key);
  if (it == obj.end()) return nullptr;
  return &expect(*it, path + "." + key, k);
}

void nullable_number(const nlohmann::json& obj, const std::string& path, const std::string& key) {
  expect(obj, path, Kind::kObject);
  const auto it = obj.find(key);
  if (it != obj.end() && !it->is_null()) expect(*it, path + "." + key, Kind::kNumber);
}

std::string at_index(const std::string& path, std::size_t i) {
  return fmt::format("{}[{}]", path, i);
}

void number_or_value(const nlohmann::json& obj, const std::string& path, const std::string& key) {
  expect(obj, path, Kind::kObject);
  const auto it = obj.find(key);
  if (it == obj.end()) {
    throw ShapeError(fmt::format("{}.{}: missing; expected a number", path, key));
  }
  if (it->is_number()) return;
  if (it->is_object()) {
    required(*it, path + "." + key, "value", Kind::kNumber);
    return;
  }
  throw ShapeError(fmt::format("{}.{}: expected a number or {{\"value\": number}}, found {}", path,
                               key, it->type_name()));
}

}  // namespace entente::shape
