#include "clean/clean.h"

#include "clean/internal.h"
#include "i18n/catalog.h"

namespace cairn::clean {

Result<Cleaned> clean(ByteView content) {
  if (content.size() > kMaxInputBytes)
    return make_error(Errc::too_large, i18n::trf("the file is larger than %s MiB", kMaxInputBytes >> 20));
  const auto detected = detect(content);
  switch (detected.format) {
    case Format::jpeg:
    case Format::png:
    case Format::webp:
    case Format::tiff: return detail::clean_image(content, detected.format);
    case Format::pdf: return detail::clean_pdf(content);
    case Format::zip:
    case Format::ooxml:
    case Format::odf: return detail::clean_office(content);
    case Format::text: {
      Cleaned out;
      out.content.assign(content.begin(), content.end());
      out.format = Format::text;
      out.media_type = std::string(detected.media_type);
      return out;
    }
    case Format::other: break;
  }
  return make_error(Errc::unsupported, i18n::trf("it is %s, which may carry %s; Cairn cannot clean this kind of file",
                                                     i18n::tr(std::string(detected.what).c_str()),
                                                     i18n::tr(std::string(detected.may_carry).c_str())));
}

}  // namespace cairn::clean
