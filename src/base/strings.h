// Text helpers shared by every layer where the exact spelling is part of a contract: Go's %q
// quoting, which the original operator uses in messages users and tests match against, and
// JSON strings escaped as Go's encoding/json writes them, which documents compared byte for
// byte with a Go program's output and our JSON log lines both use. Pure functions; nothing
// here logs or throws.
#pragma once

#include <string>
#include <string_view>

namespace awio::base {

// `text` in Go's %q form: double quotes around it; backslash and double quote escaped; \a, \b,
// \f, \n, \r, \t and \v in their short forms; other control bytes and DEL as \xNN (lower-case
// hex). Bytes from 0x80 up are copied unchanged (Go would escape unprintable runes there; the
// keys and names quoted in this project are ASCII).
std::string GoQuote(std::string_view text);

// Appends `text` as a quoted JSON string with Go's escaping (json.Marshal, HTML-safe):
// `"` and `\` are backslash-escaped; \b, \f, \n, \r and \t use their short forms; other
// control bytes, `<`, `>` and `&` become \u00XX with lower-case hex; U+2028 and U+2029 become
// \u2028 and \u2029; each byte of invalid UTF-8 becomes \ufffd, so the result is always valid
// JSON. Everything else, including `/` and DEL, is copied as is.
void AppendGoJsonString(std::string& out, std::string_view text);

// `text` as a quoted JSON string (see AppendGoJsonString).
std::string GoJsonString(std::string_view text);

}  // namespace awio::base
