// Schema::from_ddl / to_ddl: Spark's column-list DDL ("a INT NOT NULL, b STRUCT<c: STRING>").
// A small hand-written lexer and recursive-descent parser; schemas are parsed once per job, so
// clarity and precise error positions matter more than speed here.
#include <cctype>
#include <cstddef>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

#include "lakestream/schema/schema.h"

namespace lakestream {

namespace {

using OrderedJson = nlohmann::ordered_json;

enum class TokenKind { kWord, kQuotedName, kNumber, kString, kPunct, kEnd };

struct Token {
  TokenKind kind = TokenKind::kEnd;
  std::string text;   ///< unescaped text (a name without its back-quotes, a string's contents)
  size_t column = 0;  ///< 1-based column of the token's first character
};

bool is_word_char(char c) { return std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '_'; }

/// The offset of the first byte that is not part of well-formed UTF-8 (no overlong forms, no
/// surrogates, nothing above U+10FFFF), or npos.
size_t invalid_utf8_at(std::string_view s) {
  size_t i = 0;
  while (i < s.size()) {
    const auto b = static_cast<unsigned char>(s[i]);
    if (b < 0x80) {
      ++i;
      continue;
    }
    size_t len = 0;
    unsigned char lo = 0x80;
    unsigned char hi = 0xBF;  // the allowed range of the second byte
    if (b >= 0xC2 && b <= 0xDF) {
      len = 2;
    } else if (b >= 0xE0 && b <= 0xEF) {
      len = 3;
      if (b == 0xE0) lo = 0xA0;
      if (b == 0xED) hi = 0x9F;
    } else if (b >= 0xF0 && b <= 0xF4) {
      len = 4;
      if (b == 0xF0) lo = 0x90;
      if (b == 0xF4) hi = 0x8F;
    } else {
      return i;
    }
    if (i + len > s.size()) return i;
    for (size_t k = 1; k < len; ++k) {
      const auto c = static_cast<unsigned char>(s[i + k]);
      if (c < (k == 1 ? lo : 0x80) || c > (k == 1 ? hi : 0xBF)) return i;
    }
    i += len;
  }
  return std::string_view::npos;
}

std::string upper(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return out;
}

/// How a token reads in an error message.
std::string describe(const Token& t) {
  switch (t.kind) {
    case TokenKind::kEnd:
      return "end of input";
    case TokenKind::kQuotedName:
      return "'`" + t.text + "`'";
    case TokenKind::kString:
      return "string '" + t.text + "'";
    default:
      return "'" + t.text + "'";
  }
}

class DdlParser {
 public:
  explicit DdlParser(std::string_view text) : text_(text) {}

  /// name type [NOT NULL] [COMMENT '...'] (, ...)* up to the end of the text.
  Result<Schema> parse_columns() {
    Schema schema;
    while (true) {
      LS_ASSIGN_OR_RAISE(Field field, parse_field());
      schema.add(std::move(field));
      LS_ASSIGN_OR_RAISE(Token t, next());
      if (t.kind == TokenKind::kEnd) return schema;
      if (!is_punct(t, ',')) return error(t, "expected ',' or end of input, found " + describe(t));
    }
  }

  /// A single data type spanning the whole text ("STRUCT<a: INT>").
  Result<DataTypePtr> parse_whole_type() {
    LS_ASSIGN_OR_RAISE(DataTypePtr type, parse_type());
    LS_ASSIGN_OR_RAISE(Token t, next());
    if (t.kind != TokenKind::kEnd) return error(t, "expected end of input, found " + describe(t));
    return type;
  }

 private:
  static bool is_punct(const Token& t, char c) {
    return t.kind == TokenKind::kPunct && t.text.size() == 1 && t.text[0] == c;
  }
  static bool is_keyword(const Token& t, std::string_view upper_word) {
    return t.kind == TokenKind::kWord && upper(t.text) == upper_word;
  }

  Status error(size_t column, const std::string& what) const {
    return Status::InvalidArgument("invalid schema DDL at column " + std::to_string(column) + ": " +
                                   what);
  }
  Status error(const Token& t, const std::string& what) const { return error(t.column, what); }

  Result<Token> peek() {
    if (!peeked_) {
      LS_ASSIGN_OR_RAISE(Token t, lex());
      peeked_ = std::move(t);
    }
    return *peeked_;
  }

  Result<Token> next() {
    if (peeked_) {
      Token t = std::move(*peeked_);
      peeked_.reset();
      return t;
    }
    return lex();
  }

  Status expect_punct(char c, const char* context) {
    LS_ASSIGN_OR_RAISE(Token t, next());
    if (!is_punct(t, c)) {
      return error(t, std::string("expected '") + c + "' " + context + ", found " + describe(t));
    }
    return Status::OK();
  }

  Result<Token> lex() {
    while (pos_ < text_.size() && std::isspace(static_cast<unsigned char>(text_[pos_]))) ++pos_;
    Token t;
    t.column = pos_ + 1;
    if (pos_ == text_.size()) return t;
    const char c = text_[pos_];
    if (is_word_char(c)) {
      const size_t begin = pos_;
      bool all_digits = true;
      while (pos_ < text_.size() && is_word_char(text_[pos_])) {
        all_digits = all_digits && std::isdigit(static_cast<unsigned char>(text_[pos_]));
        ++pos_;
      }
      t.kind = all_digits ? TokenKind::kNumber : TokenKind::kWord;
      t.text = std::string(text_.substr(begin, pos_ - begin));
      return t;
    }
    if (c == '`') {
      // `a``b` names a`b: a doubled back-quote is a literal one.
      t.kind = TokenKind::kQuotedName;
      for (++pos_;; ++pos_) {
        if (pos_ == text_.size()) return error(t, "unterminated back-quoted name");
        if (text_[pos_] == '`') {
          if (pos_ + 1 < text_.size() && text_[pos_ + 1] == '`') {
            t.text += '`';
            ++pos_;
          } else {
            ++pos_;
            return t;
          }
        } else {
          t.text += text_[pos_];
        }
      }
    }
    if (c == '\'' || c == '"') {
      // Spark SQL string literals: backslash escapes, no doubled quotes.
      t.kind = TokenKind::kString;
      for (++pos_;; ++pos_) {
        if (pos_ == text_.size()) return error(t, "unterminated string");
        const char s = text_[pos_];
        if (s == c) {
          ++pos_;
          return t;
        }
        if (s == '\\' && pos_ + 1 < text_.size()) {
          const char e = text_[++pos_];
          switch (e) {
            case 'n':
              t.text += '\n';
              break;
            case 't':
              t.text += '\t';
              break;
            case 'r':
              t.text += '\r';
              break;
            case 'b':
              t.text += '\b';
              break;
            case '0':
              t.text += '\0';
              break;
            case 'Z':
              t.text += '\x1a';
              break;
            default:
              t.text += e;
              break;  // \' \" \\ and anything else stand for themselves
          }
        } else {
          t.text += s;
        }
      }
    }
    if (c == '<' || c == '>' || c == '(' || c == ')' || c == ',' || c == ':') {
      t.kind = TokenKind::kPunct;
      t.text = std::string(1, c);
      ++pos_;
      return t;
    }
    return error(t, std::string("unexpected character '") + c + "'");
  }

  /// name [:] type [NOT NULL] [COMMENT 'text'], the options in either order.
  Result<Field> parse_field() {
    LS_ASSIGN_OR_RAISE(Token name, next());
    if (name.kind != TokenKind::kWord && name.kind != TokenKind::kQuotedName &&
        name.kind != TokenKind::kNumber) {
      return error(name, "expected a column name, found " + describe(name));
    }
    LS_ASSIGN_OR_RAISE(Token t, peek());
    if (is_punct(t, ':')) LS_RETURN_NOT_OK(next().status());
    Field field;
    field.name = std::move(name.text);
    LS_ASSIGN_OR_RAISE(field.type, parse_type());
    bool saw_not_null = false;
    bool saw_comment = false;
    while (true) {
      LS_ASSIGN_OR_RAISE(Token opt, peek());
      if (is_keyword(opt, "NOT")) {
        LS_RETURN_NOT_OK(next().status());
        LS_ASSIGN_OR_RAISE(Token null_word, next());
        if (!is_keyword(null_word, "NULL")) {
          return error(null_word, "expected NULL after NOT, found " + describe(null_word));
        }
        if (saw_not_null) return error(opt, "NOT NULL given twice for '" + field.name + "'");
        saw_not_null = true;
        field.nullable = false;
      } else if (is_keyword(opt, "COMMENT")) {
        LS_RETURN_NOT_OK(next().status());
        LS_ASSIGN_OR_RAISE(Token comment, next());
        if (comment.kind != TokenKind::kString) {
          return error(comment, "expected a quoted comment, found " + describe(comment));
        }
        if (saw_comment) return error(opt, "COMMENT given twice for '" + field.name + "'");
        saw_comment = true;
        OrderedJson metadata = OrderedJson::object();
        metadata["comment"] = comment.text;
        field.metadata = metadata.dump(-1, ' ', false, OrderedJson::error_handler_t::replace);
      } else {
        return field;
      }
    }
  }

  Result<int> parse_int(const char* what) {
    LS_ASSIGN_OR_RAISE(Token t, next());
    if (t.kind != TokenKind::kNumber) {
      return error(t, std::string("expected ") + what + ", found " + describe(t));
    }
    if (t.text.size() > 9) return error(t, std::string(what) + " " + t.text + " is too large");
    return std::stoi(t.text);
  }

  /// DECIMAL[(p[, s])] after the keyword; Spark's default is decimal(10,0).
  Result<DataTypePtr> parse_decimal_args() {
    int precision = 10;
    int scale = 0;
    LS_ASSIGN_OR_RAISE(Token open, peek());
    if (is_punct(open, '(')) {
      LS_RETURN_NOT_OK(next().status());
      LS_ASSIGN_OR_RAISE(Token p_token, peek());
      LS_ASSIGN_OR_RAISE(precision, parse_int("a decimal precision"));
      if (precision < 1 || precision > 38) {
        return error(p_token,
                     "decimal precision " + std::to_string(precision) + " is out of range 1..38");
      }
      scale = 0;
      LS_ASSIGN_OR_RAISE(Token comma, peek());
      if (is_punct(comma, ',')) {
        LS_RETURN_NOT_OK(next().status());
        LS_ASSIGN_OR_RAISE(Token s_token, peek());
        LS_ASSIGN_OR_RAISE(scale, parse_int("a decimal scale"));
        if (scale > precision) {
          return error(s_token, "decimal scale " + std::to_string(scale) +
                                    " exceeds the precision " + std::to_string(precision));
        }
      }
      LS_RETURN_NOT_OK(expect_punct(')', "to close DECIMAL("));
    }
    return DataType::decimal(precision, scale);
  }

  Result<DataTypePtr> parse_type() {
    LS_ASSIGN_OR_RAISE(Token t, next());
    if (t.kind != TokenKind::kWord) return error(t, "expected a type, found " + describe(t));
    const std::string name = upper(t.text);
    if (name == "STRING") return DataType::string();
    if (name == "INT" || name == "INTEGER") return DataType::int_();
    if (name == "BIGINT" || name == "LONG") return DataType::long_();
    if (name == "SMALLINT" || name == "SHORT") return DataType::short_();
    if (name == "TINYINT" || name == "BYTE") return DataType::byte();
    if (name == "BOOLEAN") return DataType::boolean();
    if (name == "FLOAT" || name == "REAL") return DataType::float_();
    if (name == "DOUBLE") return DataType::double_();
    if (name == "DATE") return DataType::date();
    if (name == "TIMESTAMP" || name == "TIMESTAMP_LTZ") return DataType::timestamp();
    if (name == "TIMESTAMP_NTZ") return DataType::timestamp_ntz();
    if (name == "BINARY") return DataType::binary();
    if (name == "VOID") return DataType::null_();
    if (name == "DECIMAL" || name == "DEC" || name == "NUMERIC") return parse_decimal_args();
    if (name == "VARCHAR" || name == "CHAR" || name == "CHARACTER") {
      // Spark reads char/varchar columns as plain strings; the length is not enforced here.
      LS_RETURN_NOT_OK(expect_punct('(', ("after " + name).c_str()));
      LS_ASSIGN_OR_RAISE(Token len_token, peek());
      LS_ASSIGN_OR_RAISE(int length, parse_int("a length"));
      if (length < 1) return error(len_token, name + " length must be positive");
      LS_RETURN_NOT_OK(expect_punct(')', ("to close " + name + "(").c_str()));
      return DataType::string();
    }
    if (name == "ARRAY") {
      LS_RETURN_NOT_OK(expect_punct('<', "after ARRAY"));
      LS_ASSIGN_OR_RAISE(DataTypePtr element, parse_type());
      LS_RETURN_NOT_OK(expect_punct('>', "to close ARRAY<"));
      return DataType::array(std::move(element));
    }
    if (name == "MAP") {
      LS_RETURN_NOT_OK(expect_punct('<', "after MAP"));
      LS_ASSIGN_OR_RAISE(DataTypePtr key, parse_type());
      LS_RETURN_NOT_OK(expect_punct(',', "between MAP key and value types"));
      LS_ASSIGN_OR_RAISE(DataTypePtr value, parse_type());
      LS_RETURN_NOT_OK(expect_punct('>', "to close MAP<"));
      return DataType::map(std::move(key), std::move(value));
    }
    if (name == "STRUCT") {
      LS_RETURN_NOT_OK(expect_punct('<', "after STRUCT"));
      std::vector<Field> fields;
      LS_ASSIGN_OR_RAISE(Token first, peek());
      if (is_punct(first, '>')) {
        LS_RETURN_NOT_OK(next().status());
        return DataType::struct_(std::move(fields));
      }
      while (true) {
        LS_ASSIGN_OR_RAISE(Field field, parse_field());
        fields.push_back(std::move(field));
        LS_ASSIGN_OR_RAISE(Token sep, next());
        if (is_punct(sep, '>')) return DataType::struct_(std::move(fields));
        if (!is_punct(sep, ',')) {
          return error(sep, "expected ',' or '>' in STRUCT<...>, found " + describe(sep));
        }
      }
    }
    return error(t, "unknown type '" + t.text + "'");
  }

  std::string_view text_;
  size_t pos_ = 0;
  std::optional<Token> peeked_;
};

// ---- to_ddl ----

/// Spark's quoteIfNeeded: plain names stay bare, anything else is back-quoted.
std::string quote_if_needed(const std::string& name) {
  bool plain = !name.empty();
  bool all_digits = true;
  for (char c : name) {
    plain = plain && is_word_char(c);
    all_digits = all_digits && std::isdigit(static_cast<unsigned char>(c));
  }
  if (plain && !all_digits) return name;
  std::string out = "`";
  for (char c : name) {
    if (c == '`') out += '`';
    out += c;
  }
  return out + "`";
}

/// " COMMENT '...'" when the field's metadata carries a string comment, else "".
std::string ddl_comment(const Field& field) {
  if (field.metadata.empty() || field.metadata == "{}") return {};
  const OrderedJson metadata = OrderedJson::parse(field.metadata, nullptr, false);
  if (!metadata.is_object()) return {};
  const auto it = metadata.find("comment");
  if (it == metadata.end() || !it->is_string()) return {};
  std::string out = " COMMENT '";
  for (char c : it->get_ref<const std::string&>()) {
    if (c == '\'' || c == '\\') out += '\\';
    out += c;
  }
  return out + "'";
}

std::string field_ddl(const Field& field, const char* separator);

/// Spark's DataType.sql.
std::string type_sql(const DataType& type) {
  switch (type.id()) {
    case TypeId::kStruct: {
      std::string out = "STRUCT<";
      for (size_t i = 0; i < type.fields().size(); ++i) {
        if (i) out += ", ";
        out += field_ddl(type.fields()[i], ": ");
      }
      return out + ">";
    }
    case TypeId::kArray:
      return "ARRAY<" + type_sql(*type.element()) + ">";
    case TypeId::kMap:
      return "MAP<" + type_sql(*type.key()) + ", " + type_sql(*type.value()) + ">";
    default:
      return upper(type.simple_string());
  }
}

std::string field_ddl(const Field& field, const char* separator) {
  return quote_if_needed(field.name) + separator + type_sql(*field.type) +
         (field.nullable ? "" : " NOT NULL") + ddl_comment(field);
}

}  // namespace

Result<Schema> Schema::from_ddl(std::string_view ddl) {
  // Names and comments go on to JSON (Delta's schemaString) and Parquet footers, which hold
  // UTF-8 only: a name that is not would be changed on the way (to_json replaces it).
  if (size_t bad = invalid_utf8_at(ddl); bad != std::string_view::npos) {
    return Status::InvalidArgument("invalid schema DDL at column " + std::to_string(bad + 1) +
                                   ": the text is not UTF-8");
  }
  auto columns = DdlParser(ddl).parse_columns();
  if (columns.ok()) return columns;
  // Like Spark's DataType.fromDDL, also accept one STRUCT<...> type holding the columns.
  auto whole = DdlParser(ddl).parse_whole_type();
  if (whole.ok() && (*whole)->id() == TypeId::kStruct) {
    // Blank text is refused (a schema needs a column), so STRUCT<> is too: otherwise from_ddl
    // would hand out an empty schema whose to_ddl() ("") it refuses to read back.
    if ((*whole)->fields().empty()) {
      return Status::InvalidArgument(
          "invalid schema DDL: STRUCT<> has no column (a schema "
          "needs at least one)");
    }
    return Schema((*whole)->fields());
  }
  return columns.status();
}

std::string Schema::to_ddl() const {
  std::string out;
  for (size_t i = 0; i < fields_.size(); ++i) {
    if (i) out += ",";
    out += field_ddl(fields_[i], " ");
  }
  return out;
}

}  // namespace lakestream
