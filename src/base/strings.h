// Text helpers shared by every layer where the exact spelling is part of a contract: Go's %q
// quoting, which the original operator uses in messages users and tests match against.
// Pure functions; nothing here logs or throws.
#pragma once

#include <string>
#include <string_view>

namespace awio::base {

// `text` in Go's %q form: double quotes around it; backslash and double quote escaped; \a, \b,
// \f, \n, \r, \t and \v in their short forms; other control bytes and DEL as \xNN (lower-case
// hex). Bytes from 0x80 up are copied unchanged (Go would escape unprintable runes there; the
// keys and names quoted in this project are ASCII).
std::string GoQuote(std::string_view text);

}  // namespace awio::base
