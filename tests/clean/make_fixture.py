#!/usr/bin/python3
"""Makes the files the cleaning tests feed to cairn, at test time (nothing is
downloaded), and compares pictures by their decoded pixels. Debian's
python3-pil draws and decodes the pictures; exiftool and qpdf (run by the
tests) add the metadata. Usage:
  make_fixture.py picture FORMAT OUT   jpeg, png, webp or tiff: a 96x64 gradient
  make_fixture.py pdf OUT              a one-page PDF with author, creator, producer, title
  make_fixture.py docx OUT PICTURE     a Word document with an author, a company, comments,
                                       tracked changes, custom properties, a thumbnail, PICTURE inside
  make_fixture.py odt OUT PICTURE      an OpenDocument text with the same kinds of detail
  make_fixture.py bomb OUT             a .docx whose document part unpacks to 40 MiB
  make_fixture.py pdf-bomb OUT         a PDF whose object stream unpacks to 70 MiB
  make_fixture.py pdf-xref-bomb OUT    a PDF whose cross-reference stream unpacks to 64 MiB
  make_fixture.py pdf-xref-filter OUT  a PDF whose cross-reference stream is ASCIIHex then Flate
  make_fixture.py pdf-xref-revisions OUT  a PDF with two revisions, each with a Flate cross-reference
                                       stream (the second with a PNG predictor and /Prev), and an author
  make_fixture.py zip OUT              a plain zip archive
  make_fixture.py same-pixels A B      exit 0 if A and B decode to the same pixels
"""
import io
import sys
import zipfile
import zlib

from PIL import Image

AUTHOR = "Kim Chol-su"
COMPANY = "Stroytrest Vostok LLC"


def gradient():
    im = Image.new("RGB", (96, 64))
    px = im.load()
    for y in range(64):
        for x in range(96):
            px[x, y] = ((x * 8) % 256, (y * 4) % 256, (x * y) % 256)
    return im


def picture(fmt, out):
    kwargs = {"quality": 92} if fmt == "jpeg" else {}
    if fmt == "webp":
        kwargs = {"lossless": True}
    gradient().save(out, format=fmt.upper(), **kwargs)


def pdf(out):
    gradient().save(out, format="PDF", title="Wage records", author=AUTHOR, subject="Site 4",
                    creator="Microsoft Word", producer="Acrobat Distiller 9", keywords="wages")


CONTENT_TYPES = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">
<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>
<Default Extension="xml" ContentType="application/xml"/>
<Default Extension="jpeg" ContentType="image/jpeg"/>
<Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/>
<Override PartName="/word/comments.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.comments+xml"/>
<Override PartName="/word/settings.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.settings+xml"/>
<Override PartName="/word/people.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.people+xml"/>
<Override PartName="/docProps/core.xml" ContentType="application/vnd.openxmlformats-package.core-properties+xml"/>
<Override PartName="/docProps/app.xml" ContentType="application/vnd.openxmlformats-officedocument.extended-properties+xml"/>
<Override PartName="/docProps/custom.xml" ContentType="application/vnd.openxmlformats-officedocument.custom-properties+xml"/>
<Override PartName="/docProps/thumbnail.jpeg" ContentType="image/jpeg"/>
</Types>"""

ROOT_RELS = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">
<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/>
<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties" Target="docProps/core.xml"/>
<Relationship Id="rId3" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/extended-properties" Target="docProps/app.xml"/>
<Relationship Id="rId4" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/custom-properties" Target="docProps/custom.xml"/>
<Relationship Id="rId5" Type="http://schemas.openxmlformats.org/package/2006/relationships/metadata/thumbnail" Target="docProps/thumbnail.jpeg"/>
</Relationships>"""

W = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'
W15 = 'xmlns:w15="http://schemas.microsoft.com/office/word/2012/wordml"'

DOCUMENT = f"""<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<w:document {W}><w:body>
<w:p w:rsidR="00A1B2C3" w:rsidRDefault="00A1B2C3"><w:r w:rsidRPr="00D4E5F6"><w:t>Wages were not paid for three months.</w:t></w:r>
<w:ins w:id="1" w:author="{AUTHOR}" w:date="2026-11-30T14:22:00Z"><w:r><w:t> The foreman kept our passports.</w:t></w:r></w:ins>
<w:commentRangeStart w:id="0"/><w:r><w:t> Site 4.</w:t></w:r><w:commentRangeEnd w:id="0"/></w:p>
<w:sectPr w:rsidR="00A1B2C3"/></w:body></w:document>"""

COMMENTS = f"""<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<w:comments {W}><w:comment w:id="0" w:author="{AUTHOR}" w:date="2026-11-30T14:25:00Z" w:initials="KC">
<w:p><w:r><w:t>check the dates</w:t></w:r></w:p></w:comment></w:comments>"""

SETTINGS = f"""<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<w:settings {W} {W15}><w15:docId w15:val="{{5F2B3C1E-7777-4D2A-9C1B-ABCDEF012345}}"/><w:rsids><w:rsidRoot w:val="00A1B2C3"/><w:rsid w:val="00A1B2C3"/><w:rsid w:val="00D4E5F6"/></w:rsids></w:settings>"""

PEOPLE = f"""<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<w15:people {W15}><w15:person w15:author="{AUTHOR}"><w15:presenceInfo w15:providerId="AD" w15:userId="kim.cholsu@stroytrest.example"/></w15:person></w15:people>"""

CORE = f"""<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
<dc:title>Wage records</dc:title><dc:creator>{AUTHOR}</dc:creator><cp:lastModifiedBy>Pak Yong-ho</cp:lastModifiedBy><cp:revision>7</cp:revision>
<dcterms:created xsi:type="dcterms:W3CDTF">2026-11-28T09:00:00Z</dcterms:created><dcterms:modified xsi:type="dcterms:W3CDTF">2026-11-30T14:30:00Z</dcterms:modified>
</cp:coreProperties>"""

APP = f"""<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-properties">
<Template>Normal.dotm</Template><TotalTime>95</TotalTime><Pages>1</Pages><Application>Microsoft Office Word</Application>
<Company>{COMPANY}</Company><Manager>Ivanov</Manager><AppVersion>16.0000</AppVersion></Properties>"""

CUSTOM = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/custom-properties" xmlns:vt="http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes">
<property fmtid="{D5CDD505-2E9C-101B-9397-08002B2CF9AE}" pid="2" name="Employee number"><vt:lpwstr>KP-20417</vt:lpwstr></property></Properties>"""


def docx(out, photo):
    with open(photo, "rb") as f:
        picture_bytes = f.read()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", CONTENT_TYPES)
        z.writestr("_rels/.rels", ROOT_RELS)
        z.writestr("word/document.xml", DOCUMENT)
        z.writestr("word/comments.xml", COMMENTS)
        z.writestr("word/settings.xml", SETTINGS)
        z.writestr("word/people.xml", PEOPLE)
        z.writestr("word/media/image1.jpeg", picture_bytes)
        z.writestr("docProps/core.xml", CORE)
        z.writestr("docProps/app.xml", APP)
        z.writestr("docProps/custom.xml", CUSTOM)
        z.writestr("docProps/thumbnail.jpeg", picture_bytes)


OFFICE = ('xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
          'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" '
          'xmlns:dc="http://purl.org/dc/elements/1.1/" '
          'xmlns:meta="urn:oasis:names:tc:opendocument:xmlns:meta:1.0" '
          'xmlns:config="urn:oasis:names:tc:opendocument:xmlns:config:1.0" office:version="1.3"')

ODT_CONTENT = f"""<?xml version="1.0" encoding="UTF-8"?>
<office:document-content {OFFICE}><office:body><office:text>
<text:tracked-changes><text:changed-region text:id="ct1"><text:insertion><office:change-info>
<dc:creator>{AUTHOR}</dc:creator><dc:date>2026-11-30T14:22:00</dc:date></office:change-info></text:insertion></text:changed-region></text:tracked-changes>
<text:p>Wages were not paid for three months.<office:annotation><dc:creator>{AUTHOR}</dc:creator><dc:date>2026-11-30T14:25:00</dc:date>
<meta:creator-initials>KC</meta:creator-initials><text:p>check the dates</text:p></office:annotation></text:p>
<text:p><text:change-start text:change-id="ct1"/>The foreman kept our passports.<text:change-end text:change-id="ct1"/></text:p>
</office:text></office:body></office:document-content>"""

ODT_META = f"""<?xml version="1.0" encoding="UTF-8"?>
<office:document-meta {OFFICE}><office:meta>
<meta:initial-creator>{AUTHOR}</meta:initial-creator><dc:creator>Pak Yong-ho</dc:creator>
<meta:creation-date>2026-11-28T09:00:00</meta:creation-date><dc:date>2026-11-30T14:30:00</dc:date>
<meta:editing-cycles>7</meta:editing-cycles><meta:editing-duration>PT1H35M</meta:editing-duration>
<meta:generator>LibreOffice/7.4.7.2$Linux_X86_64</meta:generator>
<meta:user-defined meta:name="Company">{COMPANY}</meta:user-defined>
<meta:document-statistic meta:page-count="1"/></office:meta></office:document-meta>"""

ODT_SETTINGS = f"""<?xml version="1.0" encoding="UTF-8"?>
<office:document-settings {OFFICE}><office:settings><config:config-item-set config:name="ooo:configuration-settings">
<config:config-item config:name="PrinterName" config:type="string">HP LaserJet Site-Office-2</config:config-item>
<config:config-item config:name="PrinterSetup" config:type="base64Binary">SFAgTGFzZXJKZXQ=</config:config-item>
<config:config-item config:name="EmbedFonts" config:type="boolean">false</config:config-item>
</config:config-item-set></office:settings></office:document-settings>"""

ODT_MANIFEST = """<?xml version="1.0" encoding="UTF-8"?>
<manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.3">
<manifest:file-entry manifest:full-path="/" manifest:media-type="application/vnd.oasis.opendocument.text"/>
<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>
<manifest:file-entry manifest:full-path="meta.xml" manifest:media-type="text/xml"/>
<manifest:file-entry manifest:full-path="settings.xml" manifest:media-type="text/xml"/>
<manifest:file-entry manifest:full-path="Pictures/photo.jpg" manifest:media-type="image/jpeg"/>
<manifest:file-entry manifest:full-path="Thumbnails/thumbnail.png" manifest:media-type="image/png"/>
</manifest:manifest>"""


def odt(out, photo):
    with open(photo, "rb") as f:
        picture_bytes = f.read()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr(zipfile.ZipInfo("mimetype"), "application/vnd.oasis.opendocument.text", zipfile.ZIP_STORED)
        z.writestr("META-INF/manifest.xml", ODT_MANIFEST)
        z.writestr("content.xml", ODT_CONTENT)
        z.writestr("meta.xml", ODT_META)
        z.writestr("settings.xml", ODT_SETTINGS)
        z.writestr("Pictures/photo.jpg", picture_bytes)
        thumbnail = io.BytesIO()
        gradient().resize((24, 16)).save(thumbnail, format="PNG")
        z.writestr("Thumbnails/thumbnail.png", thumbnail.getvalue())


def bomb(out):
    """A .docx whose document part unpacks to 40 MiB (from about 40 KiB)."""
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", CONTENT_TYPES)
        z.writestr("_rels/.rels", ROOT_RELS)
        with z.open("word/document.xml", "w") as part:
            part.write(f'<w:document {W}><w:body><w:p><w:r><w:t>'.encode())
            block = b" " * (1 << 20)
            for _ in range(40):
                part.write(block)
            part.write(b"</w:t></w:r></w:p></w:body></w:document>")


def pdf_with_objects(objects, compressed=(), encode=lambda table: table, filters=None):
    """A PDF 1.5 of `objects` (numbered from 1: what stands between "obj" and
    "endobj"), then as the next object a cross-reference stream naming them,
    the objects kept in object streams (`compressed`: (stream, index) each,
    numbered on after them) and itself; its data is encode(table), declared
    with filters (none if None). Returns the bytes and where that stream is."""
    body = b"%PDF-1.5\n"
    rows = [(0, 0, 0xFFFF)]
    for number, text in enumerate(objects, 1):
        rows.append((1, len(body), 0))
        body += b"%d 0 obj\n" % number + text + b"\nendobj\n"
    rows += [(2, stream, index) for stream, index in compressed]
    xref_at = len(body)
    rows.append((1, xref_at, 0))
    table = b"".join(bytes([t]) + f.to_bytes(4, "big") + g.to_bytes(2, "big") for t, f, g in rows)
    data = encode(table)
    declared = b"" if filters is None else b"/Filter %s " % filters
    body += (b"%d 0 obj\n<< /Type /XRef /Size %d /W [1 4 2] /Root 1 0 R %s/Length %d >>\nstream\n"
             % (len(rows) - 1, len(rows), declared, len(data))
             + data + b"\nendstream\nendobj\nstartxref\n%d\n%%%%EOF\n" % xref_at)
    return body, xref_at


def pdf_bomb(out):
    """A PDF 1.5 whose one object stream unpacks to 70 MiB (from about 70 KiB)."""
    inner = b"4 0 " + b"<< /Junk (" + b" " * (70 << 20) + b") >>"
    packed = zlib.compress(inner, 9)
    body, _ = pdf_with_objects(
        [b"<< /Type /Catalog /Pages 2 0 R /Junk 4 0 R >>", b"<< /Type /Pages /Kids [] /Count 0 >>",
         b"<< /Type /ObjStm /N 1 /First 4 /Filter /FlateDecode /Length %d >>\nstream\n" % len(packed)
         + packed + b"\nendstream"],
        compressed=[(3, 0)])
    with open(out, "wb") as f:
        f.write(body)


def pdf_with_xref_stream(out, encode, filters, update=False):
    """A PDF 1.5 with a catalogue, an empty page tree and a cross-reference
    stream whose data is encode(table), declared with filters; with update,
    an incremental update adding document information, whose cross-reference
    stream uses the PNG "Up" predictor and names the first by /Prev."""
    body, xref_at = pdf_with_objects([b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [] /Count 0 >>"],
                                     encode=encode, filters=filters)
    if update:
        info_at = len(body)
        body += b"4 0 obj\n<< /Author (%s) /Producer (Acrobat) >>\nendobj\n" % AUTHOR.encode()
        second_at = len(body)
        rows = [bytes([1]) + info_at.to_bytes(4, "big") + bytes(2), bytes([1]) + second_at.to_bytes(4, "big") + bytes(2)]
        previous = bytes(7)
        predicted = b""
        for row in rows:
            predicted += bytes([2]) + bytes((a - b) % 256 for a, b in zip(row, previous))
            previous = row
        data = zlib.compress(predicted)
        body += (b"5 0 obj\n<< /Type /XRef /Size 6 /Index [4 2] /W [1 4 2] /Root 1 0 R /Info 4 0 R /Prev %d"
                 b" /Filter /FlateDecode /DecodeParms << /Predictor 12 /Columns 7 >> /Length %d >>\nstream\n"
                 % (xref_at, len(data)) + data + b"\nendstream\nendobj\nstartxref\n%d\n%%%%EOF\n" % second_at)
    with open(out, "wb") as f:
        f.write(body)


def pdf_xref_bomb(out):
    """The table, then 64 MiB of zeros, in one Flate stream of about 64 KiB."""
    def encode(table):
        z = zlib.compressobj(9)
        packed = z.compress(table)
        zeros = bytes(1 << 20)
        for _ in range(64):
            packed += z.compress(zeros)
        return packed + z.flush()
    pdf_with_xref_stream(out, encode, b"/FlateDecode")


def pdf_xref_filter(out):
    pdf_with_xref_stream(out, lambda table: zlib.compress(table).hex().encode() + b">",
                         b"[/ASCIIHexDecode /FlateDecode]")


def pdf_xref_revisions(out):
    pdf_with_xref_stream(out, zlib.compress, b"/FlateDecode", update=True)


def plain_zip(out):
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("notes/list.txt", "names and dates")


def same_pixels(a, b):
    with Image.open(a) as x, Image.open(b) as y:
        if x.size != y.size:
            return 1
        return 0 if x.convert("RGBA").tobytes() == y.convert("RGBA").tobytes() else 1


def main(argv):
    cmd = argv[1]
    if cmd == "picture":
        picture(argv[2], argv[3])
    elif cmd == "pdf":
        pdf(argv[2])
    elif cmd == "docx":
        docx(argv[2], argv[3])
    elif cmd == "odt":
        odt(argv[2], argv[3])
    elif cmd == "bomb":
        bomb(argv[2])
    elif cmd == "pdf-bomb":
        pdf_bomb(argv[2])
    elif cmd == "pdf-xref-bomb":
        pdf_xref_bomb(argv[2])
    elif cmd == "pdf-xref-filter":
        pdf_xref_filter(argv[2])
    elif cmd == "pdf-xref-revisions":
        pdf_xref_revisions(argv[2])
    elif cmd == "zip":
        plain_zip(argv[2])
    elif cmd == "same-pixels":
        return same_pixels(argv[2], argv[3])
    else:
        print("unknown command " + cmd, file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
