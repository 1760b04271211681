// Go-compatible JSON text: string escaping and compact serialization.
#include "aws/go_json.h"

#include <charconv>
#include <cmath>
#include <cstdint>
#include <system_error>

namespace awio::aws {
namespace {

// Go's float64 encoder: 'f' format with the shortest round-trip digits, except for magnitudes
// below 1e-6 or from 1e21, which use the 'e' format with a one-digit negative exponent where
// possible ("1e-07" becomes "1e-7").
void AppendGoFloat(std::string& out, double value) {
  char buffer[64];
  const double magnitude = std::fabs(value);
  const bool exponent_form = magnitude != 0 && (magnitude < 1e-6 || magnitude >= 1e21);
  const auto format = exponent_form ? std::chars_format::scientific : std::chars_format::fixed;
  auto [end, error] = std::to_chars(buffer, buffer + sizeof buffer, value, format);
  if (error != std::errc()) {
    // Cannot happen for a finite double and a 64-byte buffer; nlohmann never holds NaN or
    // infinity parsed from text. Write null, as nlohmann would, rather than garbage.
    out += "null";
    return;
  }
  std::string text(buffer, end);
  const std::size_t n = text.size();
  if (exponent_form && n >= 4 && text[n - 4] == 'e' && text[n - 3] == '-' && text[n - 2] == '0') {
    text.erase(n - 2, 1);
  }
  out += text;
}

void AppendCompact(std::string& out, const nlohmann::json& value) {
  switch (value.type()) {
    case nlohmann::json::value_t::object: {
      out += '{';
      bool first = true;
      for (const auto& [key, member] : value.items()) {
        if (!first) out += ',';
        first = false;
        AppendGoJsonString(out, key);
        out += ':';
        AppendCompact(out, member);
      }
      out += '}';
      return;
    }
    case nlohmann::json::value_t::array: {
      out += '[';
      bool first = true;
      for (const auto& element : value) {
        if (!first) out += ',';
        first = false;
        AppendCompact(out, element);
      }
      out += ']';
      return;
    }
    case nlohmann::json::value_t::string:
      AppendGoJsonString(out, value.get_ref<const std::string&>());
      return;
    case nlohmann::json::value_t::boolean:
      out += value.get<bool>() ? "true" : "false";
      return;
    case nlohmann::json::value_t::number_integer:
      out += std::to_string(value.get<std::int64_t>());
      return;
    case nlohmann::json::value_t::number_unsigned:
      out += std::to_string(value.get<std::uint64_t>());
      return;
    case nlohmann::json::value_t::number_float:
      AppendGoFloat(out, value.get<double>());
      return;
    case nlohmann::json::value_t::null:
    case nlohmann::json::value_t::binary:
    case nlohmann::json::value_t::discarded:
      out += "null";
      return;
  }
}

}  // namespace

std::string GoCompactJson(const nlohmann::json& value) {
  std::string out;
  AppendCompact(out, value);
  return out;
}

}  // namespace awio::aws
