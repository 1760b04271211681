// Implementation of the aws model integration test helpers.
#include "model_emulator_util.h"

#include <cctype>
#include <pugixml.hpp>

namespace awio::test {

std::string UrlEncode(const std::string& text) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (char c : text) {
    const auto byte = static_cast<unsigned char>(c);
    if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
        c == '_' || c == '.' || c == '~') {
      out += c;
    } else {
      out.append(1, '%').append(1, kHex[byte >> 4]).append(1, kHex[byte & 0xF]);
    }
  }
  return out;
}

std::string UrlDecode(const std::string& text) {
  std::string out;
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '%' && i + 2 < text.size() &&
        std::isxdigit(static_cast<unsigned char>(text[i + 1])) &&
        std::isxdigit(static_cast<unsigned char>(text[i + 2]))) {
      out += static_cast<char>(std::stoi(text.substr(i + 1, 2), nullptr, 16));
      i += 2;
    } else {
      out += text[i];
    }
  }
  return out;
}

testenv::HttpResponse IamCall(const testenv::AwsEmulator& aws,
                              const std::vector<std::pair<std::string, std::string>>& params) {
  std::string body = "Version=2010-05-08";
  for (const auto& [name, value] : params) body += "&" + name + "=" + UrlEncode(value);
  testenv::HttpRequest request = aws.Request("iam", "POST", "/", body);
  request.headers.push_back("Content-Type: application/x-www-form-urlencoded; charset=utf-8");
  return testenv::Send(request);
}

std::string XmlText(const std::string& xml, const std::string& xpath) {
  const auto texts = XmlTexts(xml, xpath);
  return texts.empty() ? std::string() : texts.front();
}

std::vector<std::string> XmlTexts(const std::string& xml, const std::string& xpath) {
  pugi::xml_document document;
  std::vector<std::string> out;
  if (!document.load_string(xml.c_str())) return out;
  for (const pugi::xpath_node& node : document.select_nodes(xpath.c_str())) {
    out.emplace_back(node.node().text().get());
  }
  return out;
}

}  // namespace awio::test
