// Condition editing, message sanitizing and Kubernetes time formats (see conditions.h). Every
// JSON read here tolerates fields of the wrong type, so that a malformed object never throws.
#include "runtime/conditions.h"

#include <algorithm>
#include <array>
#include <cstdio>

namespace awio::runtime {
namespace {

constexpr std::string_view kReplacementCharacter = "\xEF\xBF\xBD";  // U+FFFD

std::string StringField(const Json& object, const char* key) {
  auto it = object.find(key);
  if (it == object.end() || !it->is_string()) return {};
  return it->get<std::string>();
}

std::int64_t IntegerField(const Json& object, const char* key) {
  auto it = object.find(key);
  if (it == object.end()) return 0;
  if (it->is_number_integer()) return it->get<std::int64_t>();
  return 0;
}

// Whether object[key] is a string equal to `value`.
bool StringEquals(const Json& object, const char* key, std::string_view value) {
  auto it = object.find(key);
  return it != object.end() && it->is_string() && it->get_ref<const std::string&>() == value;
}

bool HasType(const Json& entry, std::string_view type) {
  return entry.is_object() && StringEquals(entry, "type", type);
}

void SetStringIfDifferent(Json& entry, const char* key, const std::string& value, bool& changed) {
  if (StringEquals(entry, key, value)) return;
  entry[key] = value;
  changed = true;
}

Json ToJson(const Condition& c, WallTime transition) {
  Json entry = {{"type", c.type},
                {"status", c.status},
                {"lastTransitionTime", FormatRfc3339(transition)},
                {"reason", c.reason},
                {"message", c.message}};
  if (c.observed_generation != 0) entry["observedGeneration"] = c.observed_generation;
  return entry;
}

// ---- UTF-8 --------------------------------------------------------------------------------

// Copies `in`, replacing every byte that does not start a well-formed UTF-8 sequence (bad lead
// byte, missing continuation, overlong form, surrogate, beyond U+10FFFF) with U+FFFD.
std::string ValidUtf8(std::string_view in) {
  std::string out;
  out.reserve(in.size());
  std::size_t i = 0;
  while (i < in.size()) {
    auto lead = static_cast<unsigned char>(in[i]);
    if (lead < 0x80) {
      out += in[i++];
      continue;
    }
    std::size_t length = 0;
    std::uint32_t code_point = 0;
    std::uint32_t smallest = 0;
    if ((lead & 0xE0) == 0xC0) {
      length = 2, code_point = lead & 0x1Fu, smallest = 0x80;
    } else if ((lead & 0xF0) == 0xE0) {
      length = 3, code_point = lead & 0x0Fu, smallest = 0x800;
    } else if ((lead & 0xF8) == 0xF0) {
      length = 4, code_point = lead & 0x07u, smallest = 0x10000;
    }
    bool valid = length != 0 && i + length <= in.size();
    for (std::size_t k = 1; valid && k < length; ++k) {
      auto next = static_cast<unsigned char>(in[i + k]);
      valid = (next & 0xC0) == 0x80;
      code_point = (code_point << 6) | (next & 0x3Fu);
    }
    valid = valid && code_point >= smallest && code_point <= 0x10FFFF &&
            (code_point < 0xD800 || code_point > 0xDFFF);
    if (!valid) {
      out += kReplacementCharacter;
      ++i;
      continue;
    }
    out.append(in.substr(i, length));
    i += length;
  }
  return out;
}

// The longest prefix of `text` of at most `max_bytes` that ends on a character boundary.
std::size_t Utf8Prefix(std::string_view text, std::size_t max_bytes) {
  if (text.size() <= max_bytes) return text.size();
  std::size_t cut = max_bytes;
  while (cut > 0 && (static_cast<unsigned char>(text[cut]) & 0xC0) == 0x80) --cut;
  return cut;
}

// ---- rotating identifiers -----------------------------------------------------------------

bool IsAsciiAlnum(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

bool IsBlank(char c) { return c == ' ' || c == '\t'; }

char AsciiLower(char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; }

bool MatchesAt(std::string_view s, std::size_t pos, std::string_view lower_word) {
  if (pos + lower_word.size() > s.size()) return false;
  for (std::size_t k = 0; k < lower_word.size(); ++k) {
    if (AsciiLower(s[pos + k]) != lower_word[k]) return false;
  }
  return true;
}

// Characters of a request id (UUID, S3's upper-case hex) or host id (base64).
bool IsIdCharacter(char c) {
  return IsAsciiAlnum(c) || c == '-' || c == '_' || c == '+' || c == '/' || c == '=';
}

struct Span {
  std::size_t begin = 0;
  std::size_t end = 0;
};

// "request id", "RequestId", "request-id", "request_id", "HostId", ... at `pos` (a word start)
// followed by ':' or '=' and an id; returns the span of label, separator and id.
std::optional<Span> RotatingIdAt(std::string_view s, std::size_t pos) {
  if (pos > 0 && IsAsciiAlnum(s[pos - 1])) return std::nullopt;
  std::size_t p = pos;
  if (MatchesAt(s, p, "request")) {
    p += 7;
  } else if (MatchesAt(s, p, "host")) {
    p += 4;
  } else {
    return std::nullopt;
  }
  if (p < s.size() && (s[p] == ' ' || s[p] == '-' || s[p] == '_')) ++p;
  if (!MatchesAt(s, p, "id")) return std::nullopt;
  p += 2;
  if (p < s.size() && IsAsciiAlnum(s[p])) return std::nullopt;  // "request identifier"

  std::size_t begin = pos;
  if (p < s.size() && (s[p] == '"' || s[p] == '\'')) {
    if (pos > 0 && s[pos - 1] == s[p]) begin = pos - 1;  // a quoted key: "RequestId": ...
    ++p;
  }
  while (p < s.size() && IsBlank(s[p])) ++p;
  if (p >= s.size() || (s[p] != ':' && s[p] != '=')) return std::nullopt;
  ++p;
  while (p < s.size() && IsBlank(s[p])) ++p;
  bool quoted = p < s.size() && (s[p] == '"' || s[p] == '\'');
  if (quoted) ++p;
  std::size_t id_begin = p;
  while (p < s.size() && IsIdCharacter(s[p])) ++p;
  if (p == id_begin) return std::nullopt;
  if (quoted && p < s.size() && (s[p] == '"' || s[p] == '\'')) ++p;

  Span span{begin, p};
  if (span.begin >= 6 && MatchesAt(s, span.begin - 6, "x-amz-")) {
    span.begin -= 6;
  } else if (span.begin >= 9 && MatchesAt(s, span.begin - 9, "extended ")) {
    span.begin -= 9;
  }
  return span;
}

// Widens `span` to take the separator that joined it to the text: ", id" after a clause,
// "id, " before one, "(id)" as a whole, or the blanks on one side.
Span WithSeparator(std::string_view s, Span span) {
  std::size_t before = span.begin;
  while (before > 0 && IsBlank(s[before - 1])) --before;
  std::size_t after = span.end;
  while (after < s.size() && IsBlank(s[after])) ++after;

  char previous = before > 0 ? s[before - 1] : '\0';
  char next = after < s.size() ? s[after] : '\0';
  if (previous == ',' || previous == ';') return {before - 1, span.end};
  if (next == ',' || next == ';') {
    std::size_t end = after + 1;
    while (end < s.size() && IsBlank(s[end])) ++end;
    return {span.begin, end};
  }
  if ((previous == '(' && next == ')') || (previous == '[' && next == ']')) {
    std::size_t begin = before - 1;
    while (begin > 0 && IsBlank(s[begin - 1])) --begin;
    return {begin, after + 1};
  }
  if (after > span.end && before > 0) return {span.begin, after};
  return {before, after};
}

std::string StripRotatingIds(std::string text) {
  std::size_t pos = 0;
  while (pos < text.size()) {
    auto found = RotatingIdAt(text, pos);
    if (!found) {
      ++pos;
      continue;
    }
    Span cut = WithSeparator(text, *found);
    text.erase(cut.begin, cut.end - cut.begin);
    pos = cut.begin;
  }
  return text;
}

std::string_view TrimBlankAndNewlines(std::string_view s) {
  auto is_space = [](char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; };
  while (!s.empty() && is_space(s.front())) s.remove_prefix(1);
  while (!s.empty() && is_space(s.back())) s.remove_suffix(1);
  return s;
}

// ---- time ---------------------------------------------------------------------------------

}  // namespace

bool SetCondition(Json& conditions, const Condition& condition, WallTime now) {
  if (!conditions.is_array()) conditions = Json::array();
  WallTime transition =
      condition.last_transition_time == WallTime{} ? now : condition.last_transition_time;

  auto existing = std::find_if(conditions.begin(), conditions.end(),
                               [&](const Json& entry) { return HasType(entry, condition.type); });
  if (existing == conditions.end()) {
    conditions.push_back(ToJson(condition, transition));
    return true;
  }

  Json& entry = *existing;
  bool changed = false;
  if (!StringEquals(entry, "status", condition.status)) {
    entry["status"] = condition.status;
    entry["lastTransitionTime"] = FormatRfc3339(transition);
    changed = true;
  } else if (StringField(entry, "lastTransitionTime").empty()) {
    entry["lastTransitionTime"] = FormatRfc3339(transition);
    changed = true;
  }
  SetStringIfDifferent(entry, "reason", condition.reason, changed);
  SetStringIfDifferent(entry, "message", condition.message, changed);
  if (IntegerField(entry, "observedGeneration") != condition.observed_generation ||
      (condition.observed_generation == 0 && entry.contains("observedGeneration"))) {
    if (condition.observed_generation == 0) {
      entry.erase("observedGeneration");
    } else {
      entry["observedGeneration"] = condition.observed_generation;
    }
    changed = true;
  }
  return changed;
}

std::optional<Condition> FindCondition(const Json& conditions, std::string_view type) {
  if (!conditions.is_array()) return std::nullopt;
  for (const Json& entry : conditions) {
    if (!HasType(entry, type)) continue;
    Condition c;
    c.type = std::string(type);
    c.status = StringField(entry, "status");
    c.observed_generation = IntegerField(entry, "observedGeneration");
    c.reason = StringField(entry, "reason");
    c.message = StringField(entry, "message");
    c.last_transition_time =
        ParseRfc3339(StringField(entry, "lastTransitionTime")).value_or(WallTime{});
    return c;
  }
  return std::nullopt;
}

bool IsConditionTrue(const Json& conditions, std::string_view type) {
  auto c = FindCondition(conditions, type);
  return c && c->status == kConditionTrue;
}

bool RemoveCondition(Json& conditions, std::string_view type) {
  if (!conditions.is_array()) return false;
  std::size_t before = conditions.size();
  Json kept = Json::array();
  for (Json& entry : conditions) {
    if (!HasType(entry, type)) kept.push_back(std::move(entry));
  }
  conditions = std::move(kept);
  return conditions.size() != before;
}

std::string SanitizeMessage(std::string_view text, std::size_t max_bytes) {
  std::string clean = StripRotatingIds(ValidUtf8(text));
  std::string_view trimmed = TrimBlankAndNewlines(clean);
  if (trimmed.size() <= max_bytes) return std::string(trimmed);

  if (max_bytes <= kTruncationMarker.size()) {
    return std::string(trimmed.substr(0, Utf8Prefix(trimmed, max_bytes)));
  }
  std::size_t keep = Utf8Prefix(trimmed, max_bytes - kTruncationMarker.size());
  std::string out(trimmed.substr(0, keep));
  out += kTruncationMarker;
  return out;
}

}  // namespace awio::runtime
