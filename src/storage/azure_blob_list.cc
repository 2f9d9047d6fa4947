#include "lakestream/storage/azure_blob_list.h"

#include <algorithm>
#include <charconv>
#include <ctime>

namespace lakestream {
namespace {

void append_utf8(std::string& out, uint32_t cp) {
  if (cp < 0x80) {
    out.push_back(static_cast<char>(cp));
  } else if (cp < 0x800) {
    out.push_back(static_cast<char>(0xc0 | (cp >> 6)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3f)));
  } else if (cp < 0x10000) {
    out.push_back(static_cast<char>(0xe0 | (cp >> 12)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3f)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3f)));
  } else {
    out.push_back(static_cast<char>(0xf0 | (cp >> 18)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 12) & 0x3f)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3f)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3f)));
  }
}

/// Decode the five named entities and numeric references; false on an unknown one.
bool decode_text(std::string_view in, std::string& out) {
  out.clear();
  for (size_t i = 0; i < in.size(); ++i) {
    if (in[i] != '&') {
      out.push_back(in[i]);
      continue;
    }
    size_t semi = in.find(';', i);
    if (semi == std::string_view::npos) return false;
    std::string_view ent = in.substr(i + 1, semi - i - 1);
    if (ent == "amp")
      out.push_back('&');
    else if (ent == "lt")
      out.push_back('<');
    else if (ent == "gt")
      out.push_back('>');
    else if (ent == "quot")
      out.push_back('"');
    else if (ent == "apos")
      out.push_back('\'');
    else if (ent.size() > 1 && ent[0] == '#') {
      bool hex = ent[1] == 'x' || ent[1] == 'X';
      std::string_view digits = ent.substr(hex ? 2 : 1);
      uint32_t cp = 0;
      auto [p, ec] =
          std::from_chars(digits.data(), digits.data() + digits.size(), cp, hex ? 16 : 10);
      if (ec != std::errc() || p != digits.data() + digits.size() || cp > 0x10ffff) return false;
      append_utf8(out, cp);
    } else {
      return false;
    }
    i = semi;
  }
  return true;
}

/// A pull reader over the element structure: start tags, end tags and text. Enough XML for the
/// service's responses (no DTDs); comments, processing instructions and CDATA are handled.
class XmlReader {
 public:
  enum class Event { kStart, kEnd, kText, kDone };
  explicit XmlReader(std::string_view xml) : xml_(xml) {}

  /// The next event; Corrupt on malformed input.
  Result<Event> next() {
    if (pending_end_) {
      pending_end_ = false;
      return Event::kEnd;
    }
    while (pos_ < xml_.size()) {
      if (xml_[pos_] != '<') {
        size_t lt = xml_.find('<', pos_);
        if (lt == std::string_view::npos) lt = xml_.size();
        std::string_view raw = xml_.substr(pos_, lt - pos_);
        size_t at = pos_;
        pos_ = lt;
        if (raw.find_first_not_of(" \t\r\n") == std::string_view::npos) continue;
        if (!decode_text(raw, text_)) return corrupt("bad entity", at);
        return Event::kText;
      }
      if (xml_.substr(pos_).starts_with("<?")) {
        LS_RETURN_NOT_OK(skip_past("?>"));
        continue;
      }
      if (xml_.substr(pos_).starts_with("<!--")) {
        LS_RETURN_NOT_OK(skip_past("-->"));
        continue;
      }
      if (xml_.substr(pos_).starts_with("<![CDATA[")) {
        size_t end = xml_.find("]]>", pos_);
        if (end == std::string_view::npos) return corrupt("unterminated CDATA", pos_);
        text_.assign(xml_.substr(pos_ + 9, end - pos_ - 9));
        pos_ = end + 3;
        return Event::kText;
      }
      size_t gt = xml_.find('>', pos_);
      if (gt == std::string_view::npos) return corrupt("unterminated tag", pos_);
      std::string_view tag = xml_.substr(pos_ + 1, gt - pos_ - 1);
      size_t at = pos_;
      pos_ = gt + 1;
      // "</>" is both a '/' prefix and suffix: strip one slash only, never past an empty name.
      bool closing = !tag.empty() && tag.front() == '/';
      if (closing) tag.remove_prefix(1);
      bool self_closing = !closing && !tag.empty() && tag.back() == '/';
      if (self_closing) tag.remove_suffix(1);
      size_t name_end = tag.find_first_of(" \t\r\n");
      name_ = std::string(tag.substr(0, name_end));
      if (name_.empty()) return corrupt("empty tag name", at);
      if (closing) return Event::kEnd;
      pending_end_ = self_closing;
      return Event::kStart;
    }
    return Event::kDone;
  }

  const std::string& name() const { return name_; }
  const std::string& text() const { return text_; }

 private:
  Status skip_past(std::string_view end) {
    size_t p = xml_.find(end, pos_);
    if (p == std::string_view::npos) return corrupt("unterminated markup", pos_);
    pos_ = p + end.size();
    return Status::OK();
  }
  Status corrupt(std::string_view what, size_t at) const {
    return Status::Corrupt("List Blobs response: " + std::string(what) + " at byte " +
                           std::to_string(at));
  }

  std::string_view xml_;
  size_t pos_ = 0;
  bool pending_end_ = false;
  std::string name_;
  std::string text_;
};

int month_index(std::string_view m) {
  static constexpr std::string_view kMonths[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                                 "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  for (int i = 0; i < 12; ++i) {
    if (kMonths[i] == m) return i;
  }
  return -1;
}

}  // namespace

int64_t parse_http_date_ms(std::string_view text) {
  // "Wed, 09 Sep 2009 09:20:02 GMT"
  if (text.size() < 29 || text[3] != ',' || !text.substr(26).starts_with("GMT")) return -1;
  auto num = [&](size_t at, size_t len, int& out) {
    auto [p, ec] = std::from_chars(text.data() + at, text.data() + at + len, out);
    return ec == std::errc() && p == text.data() + at + len;
  };
  std::tm tm{};
  int day, year, hour, minute, second;
  if (!num(5, 2, day) || !num(12, 4, year) || !num(17, 2, hour) || !num(20, 2, minute) ||
      !num(23, 2, second)) {
    return -1;
  }
  int month = month_index(text.substr(8, 3));
  if (month < 0) return -1;
  tm.tm_mday = day;
  tm.tm_mon = month;
  tm.tm_year = year - 1900;
  tm.tm_hour = hour;
  tm.tm_min = minute;
  tm.tm_sec = second;
  return static_cast<int64_t>(::timegm(&tm)) * 1000;
}

Result<AzureBlobListPage> parse_blob_list(std::string_view xml) {
  AzureBlobListPage page;
  XmlReader reader(xml);
  std::vector<std::string> stack;
  AzureBlobEntry blob;
  std::string prefix;
  bool saw_root = false;
  while (true) {
    LS_ASSIGN_OR_RAISE(XmlReader::Event ev, reader.next());
    if (ev == XmlReader::Event::kDone) break;
    if (ev == XmlReader::Event::kStart) {
      if (stack.empty()) {
        if (reader.name() != "EnumerationResults") {
          return Status::Corrupt("List Blobs response: root element is <" + reader.name() +
                                 ">, not <EnumerationResults>");
        }
        saw_root = true;
      }
      stack.push_back(reader.name());
      if (reader.name() == "Blob") blob = AzureBlobEntry{};
      if (reader.name() == "BlobPrefix") prefix.clear();
      continue;
    }
    if (ev == XmlReader::Event::kEnd) {
      if (stack.empty() || stack.back() != reader.name()) {
        return Status::Corrupt("List Blobs response: unexpected </" + reader.name() + ">");
      }
      if (reader.name() == "Blob" && stack.size() >= 2 && stack[stack.size() - 2] == "Blobs") {
        page.blobs.push_back(std::move(blob));
      } else if (reader.name() == "BlobPrefix") {
        page.prefixes.push_back(std::move(prefix));
      }
      stack.pop_back();
      continue;
    }
    // Text: where it sits decides what it is.
    const std::string& text = reader.text();
    size_t depth = stack.size();
    if (depth == 2 && stack[1] == "NextMarker") {
      page.next_marker = text;
    } else if (depth == 4 && stack[2] == "Blob" && stack[3] == "Name") {
      blob.name = text;
    } else if (depth == 4 && stack[2] == "BlobPrefix" && stack[3] == "Name") {
      prefix = text;
    } else if (depth == 5 && stack[2] == "Blob" && stack[3] == "Properties") {
      if (stack[4] == "Content-Length") {
        auto [p, ec] = std::from_chars(text.data(), text.data() + text.size(), blob.size);
        if (ec != std::errc() || p != text.data() + text.size()) {
          return Status::Corrupt("List Blobs response: bad Content-Length '" + text + "'");
        }
      } else if (stack[4] == "Last-Modified") {
        blob.modified_ms = std::max<int64_t>(0, parse_http_date_ms(text));
      }
    }
  }
  if (!saw_root || !stack.empty()) {
    return Status::Corrupt("List Blobs response: truncated document");
  }
  return page;
}

std::string xml_element_text(std::string_view xml, std::string_view tag) {
  // Built with append: GCC 12 warns (falsely) on "</" + std::string under -O2.
  std::string open;
  open.append("<").append(tag).append(">");
  std::string close;
  close.append("</").append(tag).append(">");
  size_t a = xml.find(open);
  if (a == std::string_view::npos) return {};
  a += open.size();
  size_t b = xml.find(close, a);
  if (b == std::string_view::npos) return {};
  std::string out;
  if (!decode_text(xml.substr(a, b - a), out)) return std::string(xml.substr(a, b - a));
  return out;
}

}  // namespace lakestream
