// The XML parts of OOXML and ODF packages, through libxml2 (no network, no
// entity expansion). What is removed (docs/PROTOCOL.md, "Cleaning
// attachments"):
//  - document properties: every child of OOXML docProps/core.xml, app.xml and
//    custom.xml, and of ODF office:meta (author, last modified by, company,
//    manager, dates, editing time, revision number, generator, template,
//    custom properties, title and keywords); OOXML people.xml;
//  - comments and tracked changes: author and initials attributes (comments,
//    insertions, deletions, format changes, comment authors, presence user
//    ids), dates set to 1970-01-01T00:00:00Z, ODF dc:creator/dc:date inside
//    annotations and change records, spreadsheet comment author lists;
//  - revision ids (w:rsid* attributes, w:rsids, xr:revisionPtr), document
//    ids (w14/w15:docId), spreadsheet sharing user names, ODF printer names
//    and printer setup;
//  - references to the thumbnails office.cpp drops.
// A part where nothing is found is passed on byte for byte.
#include <libxml/parser.h>
#include <libxml/tree.h>

#include <cstring>
#include <mutex>
#include <optional>

#include "clean/internal.h"

namespace cairn::clean::detail {
namespace {

constexpr const char* kNeutralDate = "1970-01-01T00:00:00Z";
constexpr int kParseOptions = XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING;

void silent(void*, const char*, ...) {}
void silent_structured(void*, xmlErrorPtr) {}

void init_libxml() {
  static std::once_flag once;
  std::call_once(once, [] {
    xmlInitParser();
    xmlSetGenericErrorFunc(nullptr, silent);
    xmlSetStructuredErrorFunc(nullptr, silent_structured);
  });
}

std::string_view local(const xmlChar* name) { return name != nullptr ? reinterpret_cast<const char*>(name) : ""; }

bool ends_with(std::string_view s, std::string_view tail) {
  return s.size() >= tail.size() && s.substr(s.size() - tail.size()) == tail;
}

// Parts whose every property is removed: the element whose children go.
enum class WholePart { none, ooxml_properties, people, odf_meta };

WholePart whole_part(std::string_view part, Format package) {
  if (package == Format::ooxml) {
    if (part == "docProps/core.xml" || part == "docProps/app.xml" || part == "docProps/custom.xml")
      return WholePart::ooxml_properties;
    if (ends_with(part, "/people.xml")) return WholePart::people;
  }
  if (package == Format::odf && part == "meta.xml") return WholePart::odf_meta;
  return WholePart::none;
}

// What an OOXML app.xml or ODF meta property is, for the source's list; the
// statistics (pages, words) are dropped without a mention.
std::optional<Removed> property_kind(std::string_view name) {
  if (name == "Company") return Removed::company;
  if (name == "created" || name == "modified" || name == "lastPrinted") return Removed::dates;
  if (name == "AppVersion") return Removed::software;
  if (name == "lastModifiedBy") return Removed::last_modified_by;
  if (name == "TotalTime" || name == "revision" || name == "editing-cycles" || name == "editing-duration")
    return Removed::revision_data;
  if (name == "user-defined" || name == "property") return Removed::custom_properties;
  if (name == "printed-by") return Removed::printer;
  if (name == "Template" || name == "template" || name == "HyperlinkBase" || name == "hyperlink-behaviour")
    return Removed::other_data;
  if (name == "document-statistic" || name == "Pages" || name == "Words" || name == "Characters" ||
      name == "CharactersWithSpaces" || name == "Lines" || name == "Paragraphs" || name == "Slides" ||
      name == "Notes" || name == "HiddenSlides" || name == "MMClips" || name == "ScaleCrop" ||
      name == "LinksUpToDate" || name == "SharedDoc" || name == "HyperlinksChanged" || name == "DocSecurity" ||
      name == "HeadingPairs" || name == "TitlesOfParts" || name == "PresentationFormat")
    return std::nullopt;
  const auto kind = classify_key(name, Removed::other_data);
  return kind;
}

class Cleaner {
 public:
  Cleaner(std::string_view part, Format package, Findings& found) : part_(part), package_(package), found_(found) {}

  bool changed() const { return changed_; }

  void run(xmlNodePtr root) {
    switch (whole_part(part_, package_)) {
      case WholePart::ooxml_properties:
        drop_children(root, part_ == "docProps/custom.xml" ? std::optional(Removed::custom_properties) : std::nullopt);
        return;
      case WholePart::people: drop_children(root, Removed::comment_authors); return;
      case WholePart::odf_meta: break;  // office:meta is found by the walk
      case WholePart::none: break;
    }
    walk(root);
  }

 private:
  void note(Removed r) {
    found_.add(r);
    changed_ = true;
  }

  // Removes every child; each element is reported as `all` if given, else by its name.
  void drop_children(xmlNodePtr parent, std::optional<Removed> all) {
    for (xmlNodePtr c = parent->children; c != nullptr;) {
      xmlNodePtr next = c->next;
      if (c->type == XML_ELEMENT_NODE) {
        if (auto kind = all ? all : property_kind(local(c->name))) note(*kind);
        changed_ = true;
      }
      xmlUnlinkNode(c);
      xmlFreeNode(c);
      c = next;
    }
  }

  void set_text(xmlNodePtr e, const char* text, Removed kind) {
    xmlChar* old = xmlNodeGetContent(e);
    const bool differs = old == nullptr || std::strcmp(reinterpret_cast<const char*>(old), text) != 0;
    xmlFree(old);
    if (!differs) return;
    xmlNodeSetContent(e, reinterpret_cast<const xmlChar*>(text));
    note(kind);
  }

  // Returns true if the element was removed.
  bool element(xmlNodePtr e) {
    const auto name = local(e->name);
    const auto parent = e->parent != nullptr ? local(e->parent->name) : "";
    auto remove = [&](Removed kind) {
      xmlUnlinkNode(e);
      xmlFreeNode(e);
      note(kind);
      return true;
    };
    if (package_ == Format::odf && name == "meta" && parent == "document-meta") {
      drop_children(e, std::nullopt);
      return false;
    }
    if (name == "rsids" || name == "revisionPtr") return remove(Removed::revision_data);
    if (name == "docId") return remove(Removed::unique_ids);  // w14/w15:docId: one id for every copy of the file
    if (name == "Relationship") {
      xmlChar* type = xmlGetProp(e, reinterpret_cast<const xmlChar*>("Type"));
      const bool thumbnail = type != nullptr && ends_with(local(type), "/thumbnail");
      xmlFree(type);
      if (thumbnail) return remove(Removed::thumbnails);
    }
    if (name == "Override" || name == "file-entry") {
      for (xmlAttrPtr a = e->properties; a != nullptr; a = a->next) {
        const auto an = local(a->name);
        if (an != "PartName" && an != "full-path") continue;
        xmlChar* v = xmlNodeListGetString(e->doc, a->children, 1);
        const bool thumbnail = v != nullptr && (local(v).starts_with("/docProps/thumbnail") || local(v).starts_with("Thumbnails/"));
        xmlFree(v);
        if (thumbnail) return remove(Removed::thumbnails);
      }
    }
    if (name == "config-item") {
      xmlChar* v = xmlGetNsProp(e, reinterpret_cast<const xmlChar*>("name"),
                                reinterpret_cast<const xmlChar*>("urn:oasis:names:tc:opendocument:xmlns:config:1.0"));
      const bool printer = v != nullptr && local(v).starts_with("Printer");
      xmlFree(v);
      if (printer) return remove(Removed::printer);
    }
    const bool in_comment = parent == "annotation" || parent == "authors";
    if (name == "creator" || name == "creator-initials" || (name == "author" && parent == "authors"))
      set_text(e, "", in_comment ? Removed::comment_authors : Removed::revision_data);
    else if (name == "date" && e->ns != nullptr && local(e->ns->href) == "http://purl.org/dc/elements/1.1/")
      set_text(e, "1970-01-01T00:00:00", in_comment ? Removed::comment_authors : Removed::revision_data);
    attributes(e, name);
    return false;
  }

  void attributes(xmlNodePtr e, std::string_view element_name) {
    const bool comment = element_name == "comment" || element_name == "person" || element_name == "cmAuthor" ||
                         element_name == "author" || element_name == "presenceInfo";
    const Removed who = comment ? Removed::comment_authors : Removed::revision_data;
    for (xmlAttrPtr a = e->properties; a != nullptr;) {
      xmlAttrPtr next = a->next;
      const auto name = local(a->name);
      if (name.starts_with("rsid")) {
        xmlRemoveProp(a);
        note(Removed::revision_data);
      } else if (name == "author" || name == "initials" || name == "userId" || name == "providerId" ||
                 (name == "name" && (element_name == "cmAuthor" || element_name == "author"))) {
        set_attribute(e, a, "", who);
      } else if (name == "userName") {
        set_attribute(e, a, "", Removed::names);
      } else if (name == "date" || name == "dateUtc" || name == "dateTime") {
        set_attribute(e, a, kNeutralDate, who);
      }
      a = next;
    }
  }

  void set_attribute(xmlNodePtr e, xmlAttrPtr a, const char* value, Removed kind) {
    xmlChar* old = xmlNodeListGetString(e->doc, a->children, 1);
    const bool differs = old == nullptr || std::strcmp(reinterpret_cast<const char*>(old), value) != 0;
    xmlFree(old);
    if (!differs) return;
    xmlSetNsProp(e, a->ns, a->name, reinterpret_cast<const xmlChar*>(value));
    note(kind);
  }

  void walk(xmlNodePtr node) {
    for (xmlNodePtr c = node; c != nullptr;) {
      xmlNodePtr next = c->next;
      if (c->type == XML_ELEMENT_NODE && !element(c)) walk(c->children);
      c = next;
    }
  }

  std::string_view part_;
  Format package_;
  Findings& found_;
  bool changed_ = false;
};

}  // namespace

Result<Bytes> clean_office_xml(std::string_view part_name, ByteView xml, Format package, Findings& found) {
  init_libxml();
  if (xml.size() > kMaxXmlPartBytes) return make_error(Errc::too_large, i18n::trf("the document part %s is too large", part_name));
  const std::string name(part_name);
  std::unique_ptr<xmlDoc, void (*)(xmlDocPtr)> doc(
      xmlReadMemory(reinterpret_cast<const char*>(xml.data()), static_cast<int>(xml.size()), name.c_str(), nullptr,
                    kParseOptions),
      xmlFreeDoc);
  if (!doc) return damaged(i18n::N_("the document"), i18n::trf("its part %s is not well-formed XML", name));
  xmlNodePtr root = xmlDocGetRootElement(doc.get());
  if (root == nullptr) return damaged(i18n::N_("the document"), i18n::trf("its part %s is empty", name));
  Cleaner cleaner(part_name, package, found);
  cleaner.run(root);
  if (!cleaner.changed()) return Bytes(xml.begin(), xml.end());
  xmlChar* mem = nullptr;
  int size = 0;
  xmlDocDumpMemoryEnc(doc.get(), &mem, &size, "UTF-8");
  if (mem == nullptr || size < 0) return make_error(Errc::internal, i18n::trf("cannot write the cleaned part %s", name));
  Bytes out(mem, mem + size);
  xmlFree(mem);
  return out;
}

}  // namespace cairn::clean::detail
