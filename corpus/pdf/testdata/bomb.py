"""Writes two hostile PDFs: bomb.pdf, whose only page's content stream is filtered
twice with FlateDecode and inflates to 1 GiB of zeros (a few kilobytes on disk), and
manypages.pdf, whose page tree claims 100,000,000 pages but holds one."""
import zlib

def pdf(objects):
    out = bytearray(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for i, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % i + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    for o in offsets:
        out += b"%010d 00000 n \n" % o
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)

def stream(dictionary, data):
    return b"<< " + dictionary + b" /Length %d >>\nstream\n" % len(data) + data + b"\nendstream"

def deflate_zeros(total):
    c = zlib.compressobj(9)
    chunk = bytes(1 << 20)
    parts = [c.compress(chunk) for _ in range(total >> 20)]
    parts.append(c.flush())
    return b"".join(parts)

once = deflate_zeros(1 << 30)
twice = zlib.compress(once, 9)
font = b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>"
page = b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R /Resources << /Font << /F1 3 0 R >> >> >>"
with open("bomb.pdf", "wb") as f:
    f.write(pdf([
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [5 0 R] /Count 1 >>",
        font,
        stream(b"/Filter [/FlateDecode /FlateDecode]", twice),
        page.replace(b"4 0 R", b"4 0 R"),
    ]))

text = b"BT /F1 12 Tf 72 720 Td (Mesenchymal stem cells for knee osteoarthritis: one real page.) Tj ET"
with open("manypages.pdf", "wb") as f:
    f.write(pdf([
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [5 0 R] /Count 100000000 >>",
        font,
        stream(b"", text),
        page,
    ]))
