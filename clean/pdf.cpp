// PDF through libqpdf, in memory: the document information dictionary
// (author, creator, producer, title, dates), XMP metadata streams on the
// catalogue and on any object (pages, pictures, fonts), page thumbnails,
// application data (/PieceInfo) and last-modified dates are removed; the
// metadata segments of JPEG pictures inside are removed by the JPEG
// whitelist; the file is written anew (no earlier revisions survive) with a
// document ID derived from its content. Visible text, pages and embedded
// files are not changed. Damaged files are refused, not repaired (qpdf's
// recovery is off): a repaired file could hold what the source did not see.
// Cross-reference streams (clean/pdf_xref.cpp) and object streams are
// measured (capped inflate) before qpdf unpacks them.
#include <qpdf/Buffer.hh>
#include <qpdf/QPDF.hh>
#include <qpdf/QPDFExc.hh>
#include <qpdf/QPDFWriter.hh>


#include <cstring>
#include <set>

#include "clean/internal.h"

namespace cairn::clean::detail {
namespace {

constexpr std::string_view kWhat = i18n::N_("the PDF document");

// ---- Implementation constants ----
// The most an object stream may unpack to. qpdf unpacks object streams to
// read the objects in them, with no limit of its own; real ones hold a few
// hundred small objects.
constexpr std::size_t kMaxObjectStreamBytes = std::size_t{64} << 20;

Error encrypted() {
  return make_error(Errc::unsupported, i18n::tr("the PDF document is encrypted, so its hidden details cannot be removed"));
}

// Removes key from dict if present; true if it was there.
bool remove(QPDFObjectHandle dict, const char* key) {
  if (!dict.hasKey(key)) return false;
  dict.removeKey(key);
  return true;
}

// A JPEG picture inside the document: its stream holds a whole JPEG file.
bool is_jpeg_picture(QPDFObjectHandle& stream) {
  auto dict = stream.getDict();
  return dict.getKey("/Subtype").isNameAndEquals("/Image") && dict.getKey("/Filter").isNameAndEquals("/DCTDecode");
}

Status clean_object(QPDFObjectHandle& object, Findings& found) {
  QPDFObjectHandle dict = object.isStream() ? object.getDict() : object;
  if (!dict.isDictionary()) return ok_status();
  if (remove(dict, "/Metadata")) found.add(Removed::xmp);
  if (remove(dict, "/PieceInfo")) found.add(Removed::application_data);
  if (remove(dict, "/LastModified")) found.add(Removed::dates);
  if (dict.getKey("/Type").isNameAndEquals("/Page") && remove(dict, "/Thumb")) found.add(Removed::thumbnails);
  if (object.isStream() && is_jpeg_picture(object)) {
    auto raw = object.getRawStreamData();
    Findings inside;
    auto stripped = strip_jpeg(ByteView(raw->getBuffer(), raw->getSize()), inside);
    if (!stripped.ok()) return damaged(kWhat, i18n::trf("a picture inside it: %s", stripped.error().message));
    if (!inside.empty()) {
      found.add(Removed::pictures_inside);
      object.replaceStreamData(std::string(reinterpret_cast<const char*>(stripped->data()), stripped->size()),
                               QPDFObjectHandle(), QPDFObjectHandle());
    }
  }
  return ok_status();
}

// Checks every object stream's unpacked size before qpdf unpacks it.
Status check_object_streams(QPDF& pdf) {
  std::set<int> streams;
  for (const auto& [id, entry] : pdf.getXRefTable())
    if (entry.getType() == 2) streams.insert(entry.getObjStreamNumber());
  for (int number : streams) {
    auto stream = pdf.getObjectByID(number, 0);
    if (!stream.isStream()) return damaged(kWhat, i18n::tr("an object stream is not a stream"));
    auto filter = stream.getDict().getKey("/Filter");
    if (filter.isNull()) continue;  // stored as it is: its size is its length in the file
    if (!filter.isNameAndEquals("/FlateDecode") &&
        !(filter.isArray() && filter.getArrayNItems() == 1 && filter.getArrayItem(0).isNameAndEquals("/FlateDecode")))
      return make_error(Errc::unsupported, i18n::tr("the PDF document packs its objects in a way Cairn does not read"));
    auto raw = stream.getRawStreamData();
    CAIRN_TRY(auto inflated, inflated_size(ByteView(raw->getBuffer(), raw->getSize()), kMaxObjectStreamBytes));
    if (!inflated.valid) return damaged(kWhat, i18n::tr("an object stream is not valid Flate data"));
    if (inflated.bytes > kMaxObjectStreamBytes)
      return make_error(Errc::too_large, i18n::trf("the PDF document has an object stream that unpacks to more than %s MiB: "
                                                       "it may be a decompression bomb",
                                                       kMaxObjectStreamBytes >> 20));
  }
  return ok_status();
}

}  // namespace

Result<Cleaned> clean_pdf(ByteView in) {
  Cleaned out;
  out.format = Format::pdf;
  out.media_type = "application/pdf";
  out.note = i18n::tr("its visible text, pages and embedded files are not changed");
  CAIRN_CHECK(check_cross_reference(in));
  try {
    QPDF pdf;
    pdf.setSuppressWarnings(true);
    pdf.setAttemptRecovery(false);
    pdf.processMemoryFile("attachment", reinterpret_cast<const char*>(in.data()), in.size());
    if (pdf.isEncrypted()) return encrypted();
    CAIRN_CHECK(check_object_streams(pdf));
    auto trailer = pdf.getTrailer();
    auto info = trailer.getKey("/Info");
    if (info.isDictionary()) {
      for (const auto& key : info.getKeys()) out.removed.add(classify_key(key, Removed::document_information));
      out.removed.add(Removed::document_information);
    }
    trailer.removeKey("/Info");
    if (remove(trailer, "/ID")) out.removed.add(Removed::unique_ids);
    auto root = pdf.getRoot();
    for (auto& object : pdf.getAllObjects()) CAIRN_CHECK(clean_object(object, out.removed));
    CAIRN_CHECK(clean_object(root, out.removed));

    QPDFWriter writer(pdf);
    writer.setOutputMemory();
    writer.setDeterministicID(true);  // an ID from the content, not from the time and the file name
    writer.setCompressStreams(false);  // streams are copied as they are: nothing is decompressed
    writer.setDecodeLevel(qpdf_dl_none);
    writer.write();
    auto buffer = writer.getBufferSharedPointer();
    out.content.assign(buffer->getBuffer(), buffer->getBuffer() + buffer->getSize());
  } catch (const QPDFExc& e) {
    if (e.getErrorCode() == qpdf_e_password) return encrypted();
    return damaged(kWhat, e.getMessageDetail());
  } catch (const std::exception& e) {
    return damaged(kWhat, e.what());
  }
  return out;
}

}  // namespace cairn::clean::detail
