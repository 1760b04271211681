// Implementation of the RFC 3339 formatting and parsing in time.h.
#include "base/time.h"

#include <array>
#include <cstdio>

namespace awio::base {
namespace {

char AsciiLower(char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; }

bool ReadDigits(std::string_view s, std::size_t& pos, std::size_t count, int& value) {
  if (pos + count > s.size()) return false;
  value = 0;
  for (std::size_t k = 0; k < count; ++k) {
    char c = s[pos + k];
    if (c < '0' || c > '9') return false;
    value = value * 10 + (c - '0');
  }
  pos += count;
  return true;
}

bool Expect(std::string_view s, std::size_t& pos, char c) {
  if (pos >= s.size() || AsciiLower(s[pos]) != AsciiLower(c)) return false;
  ++pos;
  return true;
}

std::string FormatCalendar(WallTime time, const char* fraction) {
  using namespace std::chrono;
  auto seconds_since_epoch = floor<seconds>(time);
  auto day = floor<days>(seconds_since_epoch);
  year_month_day date{day};
  hh_mm_ss time_of_day{seconds_since_epoch - day};
  std::array<char, 64> buffer{};
  std::snprintf(buffer.data(), buffer.size(), "%04d-%02u-%02uT%02lld:%02lld:%02lld%sZ",
                static_cast<int>(date.year()), static_cast<unsigned>(date.month()),
                static_cast<unsigned>(date.day()),
                static_cast<long long>(time_of_day.hours().count()),
                static_cast<long long>(time_of_day.minutes().count()),
                static_cast<long long>(time_of_day.seconds().count()), fraction);
  return buffer.data();
}

}  // namespace

std::string FormatRfc3339(WallTime time) { return FormatCalendar(time, ""); }

std::string FormatRfc3339Micros(WallTime time) {
  using namespace std::chrono;
  auto micros = duration_cast<microseconds>(time - floor<seconds>(time)).count();
  std::array<char, 32> fraction{};
  std::snprintf(fraction.data(), fraction.size(), ".%06lld", static_cast<long long>(micros));
  return FormatCalendar(time, fraction.data());
}

std::optional<WallTime> ParseRfc3339(std::string_view text) {
  using namespace std::chrono;
  std::size_t pos = 0;
  int year_number = 0, month_number = 0, day_number = 0;
  int hour_number = 0, minute_number = 0, second_number = 0;
  if (!ReadDigits(text, pos, 4, year_number) || !Expect(text, pos, '-') ||
      !ReadDigits(text, pos, 2, month_number) || !Expect(text, pos, '-') ||
      !ReadDigits(text, pos, 2, day_number) || !Expect(text, pos, 'T') ||
      !ReadDigits(text, pos, 2, hour_number) || !Expect(text, pos, ':') ||
      !ReadDigits(text, pos, 2, minute_number) || !Expect(text, pos, ':') ||
      !ReadDigits(text, pos, 2, second_number)) {
    return std::nullopt;
  }
  year_month_day date{year{year_number}, month{static_cast<unsigned>(month_number)},
                      day{static_cast<unsigned>(day_number)}};
  if (!date.ok() || hour_number > 23 || minute_number > 59 || second_number > 60) {
    return std::nullopt;
  }

  nanoseconds fraction{0};
  if (pos < text.size() && text[pos] == '.') {
    ++pos;
    std::size_t digits = 0;
    long long value = 0;
    while (pos < text.size() && text[pos] >= '0' && text[pos] <= '9') {
      if (digits < 9) value = value * 10 + (text[pos] - '0');
      ++digits, ++pos;
    }
    if (digits == 0) return std::nullopt;
    for (std::size_t k = digits; k < 9; ++k) value *= 10;
    fraction = nanoseconds{value};
  }

  minutes offset{0};
  if (Expect(text, pos, 'Z')) {
    // UTC
  } else if (pos < text.size() && (text[pos] == '+' || text[pos] == '-')) {
    int sign = text[pos] == '-' ? -1 : 1;
    ++pos;
    int offset_hours = 0, offset_minutes = 0;
    if (!ReadDigits(text, pos, 2, offset_hours) || !Expect(text, pos, ':') ||
        !ReadDigits(text, pos, 2, offset_minutes) || offset_hours > 23 || offset_minutes > 59) {
      return std::nullopt;
    }
    offset = minutes{sign * (offset_hours * 60 + offset_minutes)};
  } else {
    return std::nullopt;
  }
  if (pos != text.size()) return std::nullopt;

  auto local = sys_days{date} + hours{hour_number} + minutes{minute_number} +
               seconds{second_number} + fraction;
  return time_point_cast<WallTime::duration>(local - offset);
}

}  // namespace awio::base
