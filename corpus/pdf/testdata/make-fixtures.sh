#!/usr/bin/env bash
# Rebuilds the PDF fixtures from src/*.html with Debian's chromium, fonts-noto-cjk and
# qpdf (apt-get install -y chromium fonts-noto-cjk qpdf). The PDFs are committed:
# tests do not run this. Chromium stamps the print date into the running header, so
# a rebuild changes the golden file's dates; read its diff.
set -euo pipefail
cd "$(dirname "$0")"
print() { # print SRC OUT [chromium flags...]: print an HTML page to PDF
	local src=$1 out=$2
	shift 2
	chromium --headless=new --no-sandbox --disable-gpu --disable-background-networking \
		--disable-component-update --disable-sync --user-data-dir="$(mktemp -d)" \
		"$@" --print-to-pdf="$out" "src/$src" 2>/dev/null
}
# paper_en keeps Chromium's own running header (date, title) and footer (URL, page n/N).
print paper_en.html paper_en.pdf
for f in press_ja news_zh twocol_en numbered_en; do
	print $f.html $f.pdf --no-pdf-header-footer
done
# A scan: a screenshot of a page, printed as an image only.
tmp=$(mktemp -d)
chromium --headless=new --no-sandbox --disable-gpu --user-data-dir="$(mktemp -d)" \
	--window-size=700,500 --screenshot="$tmp/page.png" src/numbered_en.html 2>/dev/null
printf '<!doctype html><title>Scanned report</title><body style="margin:0"><img src="page.png" style="width:100%%"></body>' >"$tmp/scan.html"
chromium --headless=new --no-sandbox --disable-gpu --user-data-dir="$(mktemp -d)" \
	--no-pdf-header-footer --print-to-pdf=scan.pdf "$tmp/scan.html" 2>/dev/null
# Encrypted with a user password: it cannot be opened without it.
qpdf --encrypt secret owner 256 -- numbered_en.pdf encrypted.pdf
# Truncated: the first 60% of a real PDF.
head -c $(($(stat -c %s paper_en.pdf) * 6 / 10)) paper_en.pdf >truncated.pdf
# A stream that inflates to 1 GiB, and a page tree that claims 100 million pages.
python3 bomb.py
