// PEM decoding compatible with Go's encoding/pem, and RFC 7468 encoding.
#include "oidc/pem.h"

#include "base/encoding.h"

namespace awio::oidc {
namespace {

constexpr std::string_view kBegin = "-----BEGIN ";
constexpr std::string_view kEnd = "-----END ";
constexpr std::string_view kDashes = "-----";

bool IsSpaceOrTab(char c) { return c == ' ' || c == '\t'; }

// The line at the start of `text` without its terminator and trailing spaces, tabs and CRs,
// and the text after the line feed (Go's getLine).
std::pair<std::string_view, std::string_view> NextLine(std::string_view text) {
  const std::size_t newline = text.find('\n');
  std::string_view line = newline == std::string_view::npos ? text : text.substr(0, newline);
  std::string_view rest =
      newline == std::string_view::npos ? std::string_view() : text.substr(newline + 1);
  while (!line.empty() && (IsSpaceOrTab(line.back()) || line.back() == '\r')) {
    line.remove_suffix(1);
  }
  return {line, rest};
}

// Offset of the next "-----BEGIN " that starts a line, or npos.
std::size_t FindBegin(std::string_view text) {
  if (text.substr(0, kBegin.size()) == kBegin) return 0;
  const std::size_t found = text.find(std::string("\n") + std::string(kBegin));
  return found == std::string_view::npos ? found : found + 1;
}

// Tries to decode the block whose BEGIN line starts `text`.
std::optional<PemBlock> DecodeBlockAt(std::string_view text) {
  auto [type_line, rest] = NextLine(text.substr(kBegin.size()));
  if (type_line.size() < kDashes.size() ||
      type_line.substr(type_line.size() - kDashes.size()) != kDashes) {
    return std::nullopt;
  }
  PemBlock block;
  block.type = std::string(type_line.substr(0, type_line.size() - kDashes.size()));

  // Headers: "Key: value" lines up to the first line without a colon.
  while (!rest.empty()) {
    auto [line, after] = NextLine(rest);
    if (line.find(':') == std::string_view::npos) break;
    rest = after;
  }

  std::size_t end = std::string_view::npos;
  std::size_t trailer = 0;
  if (rest.substr(0, kEnd.size()) == kEnd) {
    end = 0;
    trailer = kEnd.size();
  } else {
    const std::size_t found = rest.find(std::string("\n") + std::string(kEnd));
    if (found == std::string_view::npos) return std::nullopt;
    end = found;
    trailer = found + 1 + kEnd.size();
  }
  const std::string expected_trailer = block.type + std::string(kDashes);
  std::string_view end_line = rest.substr(trailer);
  if (end_line.substr(0, expected_trailer.size()) != expected_trailer) return std::nullopt;
  if (!NextLine(end_line.substr(expected_trailer.size())).first.empty()) return std::nullopt;

  std::string body;
  for (char c : rest.substr(0, end)) {
    if (!IsSpaceOrTab(c)) body += c;
  }
  auto bytes = base::Base64Decode(body);
  if (!bytes) return std::nullopt;
  block.bytes = std::move(*bytes);
  return block;
}

}  // namespace

std::optional<PemBlock> DecodeFirstPemBlock(std::string_view text) {
  while (true) {
    const std::size_t begin = FindBegin(text);
    if (begin == std::string_view::npos) return std::nullopt;
    text = text.substr(begin);
    if (auto block = DecodeBlockAt(text)) return block;
    text = text.substr(kBegin.size());  // malformed: look for the next block after this one
  }
}

std::string EncodePem(std::string_view type, std::string_view der) {
  const std::string base64 = base::Base64Encode(der);
  std::string out;
  out.reserve(base64.size() + base64.size() / kPemLineLength + 2 * type.size() + 40);
  out.append(kBegin).append(type).append(kDashes).append("\n");
  for (std::size_t i = 0; i < base64.size(); i += kPemLineLength) {
    out.append(base64, i, kPemLineLength).append("\n");
  }
  out.append(kEnd).append(type).append(kDashes).append("\n");
  return out;
}

}  // namespace awio::oidc
