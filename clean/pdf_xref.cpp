// The cross-reference of a PDF, measured before qpdf opens the file. qpdf
// unpacks every cross-reference stream while it opens a document, with no
// limit of its own, and turns each entry into a table row: a few KiB of Flate
// data could become gigabytes of memory. This walks the same chain qpdf walks
// (startxref in the last 1054 bytes, then /Prev, and /XRefStm of a hybrid
// file's trailer), with qpdf's own tokenizer and object parser, so both read
// the same dictionaries; it unpacks nothing, it only counts (capped inflate).
// A cross-reference stream must be unfiltered or FlateDecode alone, as every
// writer makes them.
#include <qpdf/Buffer.hh>
#include <qpdf/BufferInputSource.hh>
#include <qpdf/QPDF.hh>
#include <qpdf/QPDFExc.hh>
#include <qpdf/QPDFObjectHandle.hh>
#include <qpdf/QPDFTokenizer.hh>


#include <cstring>
#include <memory>
#include <set>
#include <string>

#include "clean/internal.h"

namespace cairn::clean::detail {
namespace {

constexpr std::string_view kWhat = i18n::N_("the PDF document");

// ---- Implementation constants ----
// What all the cross-reference streams of one file may unpack to together:
// 8 MiB hold more than a million entries, far more than real documents have.
constexpr std::size_t kMaxCrossReferenceBytes = std::size_t{8} << 20;
// How many cross-reference sections (revisions) one file may chain.
constexpr int kMaxSections = 1000;
// Where qpdf looks for startxref: the last 1024 bytes, plus room for it.
constexpr qpdf_offset_t kTailBytes = 1054;

bool is_pdf_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\0'; }

class Reader {
 public:
  explicit Reader(ByteView in)
      : buffer_(const_cast<unsigned char*>(in.data()), in.size()),
        input_(std::make_shared<BufferInputSource>("attachment", &buffer_)),
        size_(static_cast<qpdf_offset_t>(in.size())),
        bytes_(in) {
    scratch_.emptyPDF();
  }

  Status check() {
    CAIRN_TRY(auto offset, startxref());
    std::set<qpdf_offset_t> seen;
    std::size_t budget = kMaxCrossReferenceBytes;
    for (int sections = 0; offset > 0; ++sections) {
      if (sections >= kMaxSections)
        return make_error(Errc::too_large, i18n::trf("the PDF document has more than %s revisions", kMaxSections));
      if (!seen.insert(offset).second) return damaged(kWhat, i18n::tr("its cross-reference sections form a loop"));
      CAIRN_TRY(offset, section(offset, budget));
    }
    return ok_status();
  }

 private:
  // The offset after the last "startxref" in the tail that is followed by an
  // integer; 0 if there is none (qpdf then refuses the file itself).
  Result<qpdf_offset_t> startxref() {
    const qpdf_offset_t from = size_ > kTailBytes ? size_ - kTailBytes : 0;
    const std::string_view text(reinterpret_cast<const char*>(bytes_.data()), bytes_.size());
    for (auto at = text.rfind("startxref"); at != std::string_view::npos && static_cast<qpdf_offset_t>(at) >= from;
         at = at == 0 ? std::string_view::npos : text.rfind("startxref", at - 1)) {
      input_->seek(static_cast<qpdf_offset_t>(at + 9), SEEK_SET);
      auto token = tokenizer_.readToken(input_, "startxref", true);
      if (token.getType() == QPDFTokenizer::tt_integer) return std::stoll(token.getValue());
    }
    return qpdf_offset_t{0};
  }

  // Checks the section at offset; returns the next one's offset (0: none).
  Result<qpdf_offset_t> section(qpdf_offset_t offset, std::size_t& budget) {
    if (offset >= size_) return qpdf_offset_t{0};  // qpdf refuses it
    auto at = static_cast<std::size_t>(offset);
    while (at < bytes_.size() && is_pdf_space(static_cast<char>(bytes_[at]))) ++at;
    const std::string_view text(reinterpret_cast<const char*>(bytes_.data()), bytes_.size());
    if (text.substr(at, 4) == "xref" && at + 4 < text.size() && is_pdf_space(text[at + 4])) {
      // A table holds only digits, spaces, "f" and "n": its trailer is the
      // first "trailer" after it, or qpdf refuses the file.
      auto trailer_at = text.find("trailer", at + 4);
      if (trailer_at == std::string_view::npos) return qpdf_offset_t{0};
      input_->seek(static_cast<qpdf_offset_t>(trailer_at + 7), SEEK_SET);
      auto trailer = parse();
      if (!trailer.isDictionary()) return qpdf_offset_t{0};
      if (auto stream = trailer.getKey("/XRefStm"); stream.isInteger()) {
        // qpdf follows the table's /Prev, not the stream's.
        CAIRN_CHECK(stream_section(stream.getIntValue(), budget));
      }
      return next(trailer);
    }
    return stream_section(offset, budget);
  }

  // An "N G obj << … >> stream" cross-reference stream at offset.
  Result<qpdf_offset_t> stream_section(qpdf_offset_t offset, std::size_t& budget) {
    if (offset <= 0 || offset >= size_) return qpdf_offset_t{0};
    input_->seek(offset, SEEK_SET);
    auto number = tokenizer_.readToken(input_, "xref", true);
    auto generation = tokenizer_.readToken(input_, "xref", true);
    auto obj = tokenizer_.readToken(input_, "xref", true);
    if (number.getType() != QPDFTokenizer::tt_integer || generation.getType() != QPDFTokenizer::tt_integer ||
        !obj.isWord("obj"))
      return qpdf_offset_t{0};
    auto dict = parse();
    if (!dict.isDictionary() || !dict.getKey("/Type").isNameAndEquals("/XRef")) return qpdf_offset_t{0};
    if (!tokenizer_.readToken(input_, "xref", true).isWord("stream")) return qpdf_offset_t{0};
    auto filter = dict.getKey("/Filter");
    const bool flate = filter.isNameAndEquals("/FlateDecode") ||
                       (filter.isArray() && filter.getArrayNItems() == 1 &&
                        filter.getArrayItem(0).isNameAndEquals("/FlateDecode"));
    if (!flate && !filter.isNull())
      return make_error(Errc::unsupported, i18n::tr("the PDF document packs its cross-reference in a way Cairn does not read"));
    if (flate) {
      // A zlib stream never starts with a space byte: whatever line end
      // qpdf takes after "stream", its data starts at the first other byte.
      auto at = static_cast<std::size_t>(input_->tell());
      while (at < bytes_.size() && is_pdf_space(static_cast<char>(bytes_[at]))) ++at;
      // Not zlib data: what came out counts (qpdf then refuses the file itself).
      CAIRN_TRY(auto inflated, inflated_size(bytes_.subspan(at), budget));
      const std::size_t size = inflated.bytes;
      if (size > budget)
        return make_error(Errc::too_large, i18n::trf("the PDF document has a cross-reference that unpacks to more than %s MiB: "
                                                         "it may be a decompression bomb",
                                                         kMaxCrossReferenceBytes >> 20));
      budget -= size;
    }
    return next(dict);
  }

  static qpdf_offset_t next(QPDFObjectHandle dict) {
    auto prev = dict.getKey("/Prev");
    return prev.isInteger() ? prev.getIntValue() : 0;
  }

  // One object at the input's position, parsed by qpdf; null if it is not one.
  QPDFObjectHandle parse() {
    bool empty = false;
    try {
      return QPDFObjectHandle::parse(input_, "cross-reference", tokenizer_, empty, nullptr, &scratch_);
    } catch (const std::exception&) {
      return QPDFObjectHandle::newNull();  // qpdf refuses the file itself
    }
  }

  Buffer buffer_;
  std::shared_ptr<InputSource> input_;
  qpdf_offset_t size_;
  ByteView bytes_;
  QPDFTokenizer tokenizer_;
  QPDF scratch_;
};

}  // namespace

Status check_cross_reference(ByteView in) {
  try {
    return Reader(in).check();
  } catch (const std::exception& e) {
    return damaged(kWhat, e.what());
  }
}

}  // namespace cairn::clean::detail
