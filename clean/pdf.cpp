// PDF through libqpdf, in memory: the document information dictionary
// (author, creator, producer, title, dates), XMP metadata streams on the
// catalogue and on any object (pages, pictures, fonts), page thumbnails,
// application data (/PieceInfo) and last-modified dates are removed; the
// metadata segments of JPEG pictures inside are removed by the JPEG
// whitelist; the file is written anew (no earlier revisions survive) with a
// document ID derived from its content. Visible text, pages and embedded
// files are not changed. Damaged files are refused, not repaired (qpdf's
// recovery is off): a repaired file could hold what the source did not see.
#include <qpdf/Buffer.hh>
#include <qpdf/QPDF.hh>
#include <qpdf/QPDFExc.hh>
#include <qpdf/QPDFWriter.hh>

#include <cstring>

#include "clean/internal.h"

namespace cairn::clean::detail {
namespace {

constexpr std::string_view kWhat = "the PDF document";

Error encrypted() {
  return make_error(Errc::unsupported, "the PDF document is encrypted, so its hidden details cannot be removed");
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
    if (!stripped.ok()) return damaged(kWhat, "a picture inside it: " + stripped.error().message);
    if (!inside.empty()) {
      found.add(Removed::pictures_inside);
      object.replaceStreamData(std::string(reinterpret_cast<const char*>(stripped->data()), stripped->size()),
                               QPDFObjectHandle(), QPDFObjectHandle());
    }
  }
  return ok_status();
}

}  // namespace

Result<Cleaned> clean_pdf(ByteView in) {
  Cleaned out;
  out.format = Format::pdf;
  out.media_type = "application/pdf";
  out.note = "its visible text, pages and embedded files are not changed";
  try {
    QPDF pdf;
    pdf.setSuppressWarnings(true);
    pdf.setAttemptRecovery(false);
    pdf.processMemoryFile("attachment", reinterpret_cast<const char*>(in.data()), in.size());
    if (pdf.isEncrypted()) return encrypted();
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
