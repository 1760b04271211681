// Implementation of the credential value types (credentials_types.h): redacted printing and the
// RFC 3339 timestamps credential sources write.
#include "aws/credentials_types.h"

#include <charconv>
#include <ctime>
#include <ostream>

namespace awio::aws {
namespace {

// Reads exactly `digits` decimal digits at `pos`.
bool ReadNumber(std::string_view text, size_t pos, size_t digits, int* out) {
  if (pos + digits > text.size()) return false;
  const char* begin = text.data() + pos;
  const char* end = begin + digits;
  auto [ptr, ec] = std::from_chars(begin, end, *out);
  return ec == std::errc() && ptr == end;
}

}  // namespace

std::chrono::system_clock::time_point NowFrom(const WallClock& clock) {
  return clock ? clock() : std::chrono::system_clock::now();
}

std::ostream& operator<<(std::ostream& out, const SecretString& secret) {
  return out << (secret.empty() ? "<empty>" : "<redacted>");
}

std::ostream& operator<<(std::ostream& out, const Credentials& credentials) {
  out << "Credentials{access_key_id=" << credentials.access_key_id
      << ", secret_access_key=" << credentials.secret_access_key
      << ", session_token=" << credentials.session_token << ", expiration=";
  if (credentials.expiration) {
    out << FormatAwsTimestamp(*credentials.expiration);
  } else {
    out << "never";
  }
  return out << ", source=" << credentials.source << "}";
}

std::optional<std::chrono::system_clock::time_point> ParseAwsTimestamp(std::string_view text) {
  int year = 0, month = 0, day = 0, hour = 0, minute = 0, second = 0;
  if (text.size() < 20 || !ReadNumber(text, 0, 4, &year) || text[4] != '-' ||
      !ReadNumber(text, 5, 2, &month) || text[7] != '-' || !ReadNumber(text, 8, 2, &day) ||
      (text[10] != 'T' && text[10] != 't') || !ReadNumber(text, 11, 2, &hour) || text[13] != ':' ||
      !ReadNumber(text, 14, 2, &minute) || text[16] != ':' || !ReadNumber(text, 17, 2, &second)) {
    return std::nullopt;
  }
  if (month < 1 || month > 12 || day < 1 || day > 31 || hour > 23 || minute > 59 || second > 60) {
    return std::nullopt;
  }
  size_t pos = 19;
  std::chrono::nanoseconds fraction{0};
  if (text[pos] == '.') {
    ++pos;
    const size_t digits_start = pos;
    int64_t nanos = 0;
    int scale = 0;
    while (pos < text.size() && text[pos] >= '0' && text[pos] <= '9') {
      if (scale < 9) {
        nanos = nanos * 10 + (text[pos] - '0');
        ++scale;
      }
      ++pos;
    }
    if (pos == digits_start) return std::nullopt;
    for (; scale < 9; ++scale) nanos *= 10;
    fraction = std::chrono::nanoseconds(nanos);
  }
  std::chrono::seconds offset{0};
  if (pos < text.size() && (text[pos] == 'Z' || text[pos] == 'z')) {
    ++pos;
  } else if (pos < text.size() && (text[pos] == '+' || text[pos] == '-')) {
    int offset_hours = 0, offset_minutes = 0;
    if (!ReadNumber(text, pos + 1, 2, &offset_hours) || pos + 3 >= text.size() ||
        text[pos + 3] != ':' || !ReadNumber(text, pos + 4, 2, &offset_minutes)) {
      return std::nullopt;
    }
    offset = std::chrono::hours(offset_hours) + std::chrono::minutes(offset_minutes);
    if (text[pos] == '-') offset = -offset;
    pos += 6;
  } else {
    return std::nullopt;
  }
  if (pos != text.size()) return std::nullopt;

  const std::chrono::year_month_day date{std::chrono::year(year),
                                         std::chrono::month(static_cast<unsigned>(month)),
                                         std::chrono::day(static_cast<unsigned>(day))};
  if (!date.ok()) return std::nullopt;
  const auto midnight = std::chrono::sys_days(date);
  return std::chrono::time_point_cast<std::chrono::system_clock::duration>(
      midnight + std::chrono::hours(hour) + std::chrono::minutes(minute) +
      std::chrono::seconds(second) + fraction - offset);
}

std::string FormatAwsTimestamp(std::chrono::system_clock::time_point time) {
  const std::time_t seconds = std::chrono::system_clock::to_time_t(time);
  std::tm utc{};
  gmtime_r(&seconds, &utc);
  char buffer[21];
  std::strftime(buffer, sizeof buffer, "%Y-%m-%dT%H:%M:%SZ", &utc);
  return buffer;
}

}  // namespace awio::aws
