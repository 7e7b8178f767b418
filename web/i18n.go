package web

import (
	"fmt"

	"golang.org/x/text/feature/plural"
	"golang.org/x/text/language"
	"golang.org/x/text/message"
	"golang.org/x/text/message/catalog"
)

// uiLanguages are the interface languages in the order the language switcher shows
// them. Their base codes ("en", "ja", "zh") are the values of the hl parameter.
var uiLanguages = []language.Tag{language.English, language.Japanese, language.Chinese}

// uiMatcher picks the interface language for an Accept-Language header.
var uiMatcher = language.NewMatcher(uiLanguages)

// locale is one interface language: its code and a printer over the message catalogue.
type locale struct {
	Code    string
	printer *message.Printer
}

// T translates a catalogue key (an English message, possibly a format) into the
// locale's language, formatting args into it.
func (l *locale) T(key string, args ...any) string { return l.printer.Sprintf(key, args...) }

// locales holds one locale per interface language, keyed by code.
var locales = buildLocales()

// localeFor returns the locale of one of the uiLanguages.
func localeFor(tag language.Tag) *locale {
	base, _ := tag.Base()
	if l, ok := locales[base.String()]; ok {
		return l
	}
	return locales["en"]
}

// negotiate chooses the interface language: hl when it names one of the interface
// languages (explicit is then true), otherwise the best match for the Accept-Language
// header, English when nothing matches.
func negotiate(hl, acceptLanguage string) (loc *locale, explicit bool) {
	if l, ok := locales[hl]; ok {
		return l, true
	}
	tags, _, _ := language.ParseAcceptLanguage(acceptLanguage)
	_, i, conf := uiMatcher.Match(tags...)
	if conf == language.No {
		return locales["en"], false
	}
	return localeFor(uiLanguages[i]), false
}

// translation is one message of the interface in each of its languages; the English
// text is the catalogue key.
type translation struct{ en, ja, zh string }

// translations is the interface's message catalogue, except plural forms (pluralForms).
var translations = []translation{
	// Layout.
	{"Skip to main content", "本文へ移動", "跳到主要内容"},
	{"Skip to results", "検索結果へ移動", "跳到搜索结果"},
	{"Search", "検索", "搜索"},
	{"Search query", "検索語", "搜索词"},
	{"English, 日本語 or 中文", "日本語・英語・中国語で検索", "用中文、英语或日语搜索"},
	{"Interface language", "表示言語", "界面语言"},
	{"Suggestions", "候補", "建议"},
	{"filter", "絞り込み", "筛选"},
	{"document", "文書", "文献"},
	{"Multilingual search over Muse cell, MSC and clinical-trial literature.", "Muse細胞・MSC・臨床試験の文献を多言語で検索します。", "以多种语言检索 Muse 细胞、间充质干细胞与临床试验文献。"},
	{"JSON API", "JSON API", "JSON API"},
	{"Translations from JMdict/EDICT (EDRDG) and CC-CEDICT (MDBG), CC BY-SA.", "訳語: JMdict/EDICT（EDRDG）および CC-CEDICT（MDBG）より（CC BY-SA）。", "译词来自 JMdict/EDICT（EDRDG）与 CC-CEDICT（MDBG），CC BY-SA 许可。"},
	// Search page.
	{"Filters", "絞り込み", "筛选"},
	{"Apply filters", "絞り込みを適用", "应用筛选"},
	{"%d more", "ほか %d 件", "另外 %d 项"},
	{"Indication", "適応疾患", "适应症"},
	{"Cell type", "細胞の種類", "细胞类型"},
	{"Study design", "研究デザイン", "研究设计"},
	{"Trial phase", "試験フェーズ", "试验分期"},
	{"Language", "言語", "语言"},
	{"%s: %d results", "%s: %d 件", "%s：%d 条结果"},
	{"All sections", "すべてのセクション", "全部章节"},
	{"Results for “%s”", "「%s」の検索結果", "“%s”的搜索结果"},
	{"%.1f ms", "%.1f ミリ秒", "%.1f 毫秒"},
	{"Active filters", "適用中の絞り込み", "当前筛选条件"},
	{"Remove filter %s", "絞り込み「%s」を解除", "移除筛选条件“%s”"},
	{"%s %s, remove filter", "%s %s（絞り込みを解除）", "%s %s（移除筛选条件）"},
	{"Clear all filters", "すべての絞り込みを解除", "清除全部筛选"},
	{"Search tips", "検索のヒント", "搜索提示"},
	{"Every word is required, and a word in English, Japanese or Chinese also finds the same thing in the other two.", "すべての語を含む結果を探します。英語・日本語・中国語のどれで書いても、ほかの二つの言語の同じ内容も見つかります。", "结果须包含所有词语；用英语、日语或中文输入，也能找到另外两种语言中的相同内容。"},
	{"quotes find the words together, in this order", "引用符で囲むと、その語順どおりに続けて現れるものを探します", "加引号查找按此顺序连在一起的词语"},
	{"a minus sign leaves out what has the word", "マイナス記号を付けた語を含むものを除きます", "减号排除含有该词的结果"},
	{"OR, in capitals, finds either word", "大文字の OR でどちらかの語を含むものを探します", "大写的 OR 查找含有任一词语的结果"},
	{"parentheses group words", "かっこで語をまとめます", "括号用于组合词语"},
	{"There is no page %d of these results.", "この検索結果に %d ページ目はありません。", "这些结果没有第 %d 页。"},
	{"Go to the last page (%d)", "最後のページ（%d）へ", "转到最后一页（%d）"},
	{"Sort by", "並べ替え", "排序"},
	{"Relevance", "関連度", "相关性"},
	{"Date", "日付", "日期"},
	{"Newest first", "新しい順", "最新优先"},
	{"Published from", "発表年（から）", "发表年份（起）"},
	{"to", "まで", "至"},
	{"All documents", "すべての文書", "全部文献"},
	{"Export", "エクスポート", "导出"},
	{"Show", "表示", "显示"},
	{"Passages", "パッセージ", "段落"},
	{"Section %d", "セクション %d", "第 %d 节"},
	{"Cite", "引用", "引用"},
	{"Export all (up to %d)", "すべて書き出す（最大 %d 件）", "全部导出（最多 %d 条）"},
	{"Export every result of this search as %s", "この検索の結果をすべて %s で書き出す", "将本次搜索的全部结果导出为 %s"},
	{"Scroll sideways for every column", "横にスクロールするとすべての列が見られます", "左右滑动可查看所有列"},
	{"Remove these filters", "この絞り込みを解除", "移除这些筛选条件"},
	{"Search results", "検索結果", "搜索结果"},
	{"Pages", "ページ", "分页"},
	{"Previous", "前へ", "上一页"},
	{"Next", "次へ", "下一页"},
	{"Page %d", "%d ページ", "第 %d 页"},
	{"Evidence map", "エビデンスマップ", "证据地图"},
	{"Where the evidence is for this search: studies by indication and trial phase, each clinical trial counted once however many documents report it, and documents for what they say outside any trial. Each cell applies both filters.", "この検索のエビデンスの分布（適応疾患 × 試験フェーズ）。研究の数を示します。臨床試験は何件の文書が報告していても 1 件と数え、試験以外の内容は文書ごとに数えます。セルを選ぶと両方で絞り込みます。", "本次搜索的证据分布（适应症 × 试验分期），按研究计数：每项临床试验无论被多少篇文献报道只计一次，试验之外的内容按文献计数。点击单元格即按两者筛选。"},
	{"Where the evidence is for this search: studies by indication and study design, each clinical trial counted once however many documents report it, and documents for what they say outside any trial. Each cell applies both filters.", "この検索のエビデンスの分布（適応疾患 × 研究デザイン）。研究の数を示します。臨床試験は何件の文書が報告していても 1 件と数え、試験以外の内容は文書ごとに数えます。セルを選ぶと両方で絞り込みます。", "本次搜索的证据分布（适应症 × 研究设计），按研究计数：每项临床试验无论被多少篇文献报道只计一次，试验之外的内容按文献计数。点击单元格即按两者筛选。"},
	{"Columns", "列", "列"},
	// Empty and fuzzy states.
	{"Nothing matched your search.", "一致する結果はありませんでした。", "没有找到匹配的结果。"},
	{"You searched for “%s”", "検索語:「%s」", "您搜索的是：“%s”"},
	{"Try removing a filter:", "絞り込みを外してみてください:", "试着移除一个筛选条件："},
	{"Try fewer or more general words, or another language: a search finds passages in English, Japanese and Chinese.", "語を減らすか、より一般的な語や別の言語で試してください。英語・日本語・中国語の文章を横断して検索します。", "请尝试更少或更通用的词，或换一种语言：搜索会同时查找英文、日文和中文的段落。"},
	{"Did you mean:", "もしかして:", "您是不是要找："},
	{"Also searched:", "次の語でも検索しました:", "同时搜索了："},
	{"Search only for “%s”", "「%s」だけで検索", "只搜索“%s”"},
	{"Only “%s” was searched, as typed.", "「%s」を入力どおりにだけ検索しました。", "仅按输入搜索了“%s”。"},
	{"Also search its translations", "他の言語の訳語でも検索", "同时搜索其他语言的译词"},
	{"No exact match for “%s”; showing results for “%s”.", "「%s」に完全一致する結果がないため、「%s」の結果を表示しています。", "没有与“%s”完全匹配的结果，以下显示“%s”的结果。"},
	// Trials page.
	{"Clinical trials", "臨床試験", "临床试验"},
	{"Clinical trials for “%s”", "「%s」の臨床試験", "“%s”的临床试验"},
	{"Each trial once, however many documents report it: by its registry ids, or by its product, indication and phase. A search finds the trials whose passages match; the filters select the trials' own indication, cells, design and phase.",
		"複数の文書が報告する試験も 1 行にまとめています（登録番号、または製品・適応疾患・フェーズが一致するもの）。検索語は試験を報告する箇所に一致する試験を探し、絞り込みは試験自体の適応疾患・細胞・デザイン・フェーズで選びます。",
		"同一试验无论被多少文献报道都只列一次（依据注册号，或产品、适应症与分期）。搜索词匹配报道该试验的段落；筛选条件按试验本身的适应症、细胞、设计与分期选择。"},
	{"Export these trials as CSV", "この試験一覧を CSV で書き出す", "将这些试验导出为 CSV"},
	{"Export these trials as JSON", "この試験一覧を JSON で書き出す", "将这些试验导出为 JSON"},
	{"Trial", "試験", "试验"},
	{"Product", "製品", "产品"},
	{"Indication, cells, design", "適応疾患・細胞・デザイン", "适应症、细胞、设计"},
	{"Phase", "フェーズ", "分期"},
	{"Enrolment", "症例数", "受试者人数"},
	{"Status", "状況", "状态"},
	{"Documents", "文書", "文献"},
	{"no registry id", "登録番号なし", "无注册号"},
	{"Also mentioned in:", "言及している文書:", "另见于："},
	{"No trial matched your search.", "一致する臨床試験はありませんでした。", "没有匹配的临床试验。"},
	{"Planned", "計画中", "计划中"},
	{"Recruiting", "募集中", "招募中"},
	{"Ongoing", "実施中", "进行中"},
	{"Completed", "完了", "已完成"},
	{"Terminated", "中止", "已终止"},
	{"Trials", "臨床試験", "临床试验"},
	{"Clinical trials in this document", "この文書に登場する臨床試験", "本文献涉及的临床试验"},
	{"mentioned in passing", "言及のみ", "仅提及"},
	// Document page.
	{"Back to results", "検索結果に戻る", "返回搜索结果"},
	{"Back to search", "検索に戻る", "返回搜索"},
	{"Contents", "目次", "目录"},
	{"Source", "出典", "来源"},
	{"Tags", "タグ", "标签"},
	{"Authors", "著者", "作者"},
	{"Journal", "掲載誌", "期刊"},
	{"Issuer", "発表者", "发布者"},
	{"Registry ids", "試験登録番号", "注册号"},
	{"Title made from the text", "本文から作成したタイトル", "根据正文生成的标题"},
	{"%s, et al.", "%s ほか", "%s 等"},
	{"Years", "年", "年份"},
	{"Link to this section", "このセクションへのリンク", "本章节的链接"},
	{"Previous section", "前のセクション", "上一节"},
	{"Next section", "次のセクション", "下一节"},
	{"Back to contents", "目次へ戻る", "返回目录"},
	{"Parts of this document", "この文書の分割ページ", "本文献的分页"},
	{"Parts of this document, end of the page", "この文書の分割ページ（ページ末尾）", "本文献的分页（页面底部）"},
	{"Part %d of %d", "%d / %d ページ", "第 %d 页，共 %d 页"},
	{"Part %d", "%d ページ目", "第 %d 页"},
	{"Previous part", "前のページ", "上一页"},
	{"Next part", "次のページ", "下一页"},
	// Errors.
	{"Not found", "見つかりません", "未找到"},
	{"Not ready yet", "準備中です", "尚未就绪"},
	{"Something went wrong", "エラーが発生しました", "出现错误"},
	{"This request cannot be answered", "このリクエストには応答できません", "无法处理此请求"},
	{msgNotReady, "索引を準備中です。数秒後にもう一度お試しください。", "索引仍在准备中，请几秒后重试。"},
	{msgNoPage, "このアドレスにはページがありません。", "此地址没有页面。"},
	{msgNoMethod, "このアドレスは %s メソッドを受け付けません。", "此地址不接受 %s 方法。"},
	{msgTooLarge, "リクエスト本文が大きすぎます。", "请求正文过大。"},
	{msgServerFault, "サーバーがこのリクエストに応答できませんでした。しばらくしてからもう一度お試しください。", "服务器未能处理此请求，请稍后重试。"},
	{msgUnknownDoc, "ID が %q の文書はありません。", "没有 ID 为 %q 的文献。"},
	{msgBadRequestText, "リクエストが正しくありません。", "请求无效。"},
	{msgIncompleteBody, "リクエスト本文が予告された長さより短く終わりました。もう一度すべて送ってください。", "请求正文在声明的长度之前就结束了，请重新完整发送。"},
	{msgSlowBody, "リクエスト本文の到着が遅すぎました。より速い回線でもう一度送ってください。", "请求正文传输过慢，请通过更快的网络重新发送。"},
	{msgQueryTooLong, "検索語が長すぎます。%d 文字以内にしてください。", "搜索词过长，最多 %d 个字符。"},
	{msgBadPage, "page は 1 から %d までの整数にしてください。", "page 必须是 1 到 %d 之间的整数。"},
	{msgBadSize, "size は 0 以上の整数にしてください（返すのは最大 %d 件です）。", "size 必须是不小于 0 的整数（最多返回 %d 条）。"},
	{msgBadSort, "sort は relevance か date にしてください。", "sort 必须是 relevance 或 date。"},
	{msgBadCiteFormat, "format は text、ris、bibtex のいずれかにしてください。", "format 必须是 text、ris 或 bibtex。"},
	{msgBadExportFormat, "format は csv、json、ris のいずれかにしてください。", "format 必须是 csv、json 或 ris。"},
	{msgBadGroup, "group は doc か section にしてください。", "group 必须是 doc 或 section。"},
	{msgBadExpand, "パラメータ expand は true か false にしてください。", "参数 expand 必须是 true 或 false。"},
	{msgUnknownValue, "%s の値 %q は存在しません。有効な ID は GET /api/facets で確認できます。", "%s 的值 %q 不存在；有效 ID 见 GET /api/facets。"},
	{msgTooManyValues, "%s の値が多すぎます。%d 個までにしてください。", "%s 的值过多，最多 %d 个。"},
	{msgRepeated, "パラメータ %s は 1 回だけ指定してください。", "参数 %s 只能出现一次。"},
	{msgBadYear, "%s は %s から %s までの西暦年にしてください。", "%s 必须是 %s 到 %s 之间的年份。"},
	{msgYearOrder, "年の範囲が空です。year_from %s が year_to %s より後になっています。前の年を先に指定してください。", "年份范围为空：year_from %s 晚于 year_to %s，请把较早的年份放在前面。"},
	{msgBadPart, "part は 1 以上の整数にしてください。", "part 必须是不小于 1 的整数。"},
	{msgNoPart, "この文書に %d ページ目はありません。ページは 1 から %d までです。", "本文献没有第 %d 页，只有第 1 到 %d 页。"},
	{msgBadTrialSort, "sort は relevance、phase、year、enrollment のいずれかにしてください。", "sort 必须是 relevance、phase、year 或 enrollment。"},
	{msgVerbatim, "%s", "%s"},
	{msgTooExpensive, "この検索は処理に時間がかかりすぎるため応答できません。条件をもっと絞り込んでください。", "此查询开销过大，无法应答；请把条件写得更具体。"},
	{msgBusy, "サーバーが混み合っています。少し待ってからもう一度お試しください。", "服务器繁忙，请稍后重试。"},
}

// pluralForms are the messages whose English form depends on a count; Japanese and
// Chinese do not inflect, so they are plain translations.
var pluralForms = []struct {
	key           string
	one, other    string
	ja, zh        string
	countArgIndex int
}{
	{key: "%d results", one: "%d result", other: "%d results", ja: "%d 件", zh: "%d 条结果", countArgIndex: 1},
	{key: "%s, %s: %d studies", one: "%s, %s: %d study", other: "%s, %s: %d studies",
		ja: "%s、%s: %d 件の研究", zh: "%s，%s：%d 项研究", countArgIndex: 3},
	{key: "%d studies", one: "%d study", other: "%d studies", ja: "%d 件の研究", zh: "%d 项研究", countArgIndex: 1},
	{key: "without “%s”: %d results", one: "without “%s”: %d result", other: "without “%s”: %d results",
		ja: "「%s」を外すと %d 件", zh: "去掉“%s”：%d 条结果", countArgIndex: 2},
	{key: "%d documents", one: "%d document", other: "%d documents", ja: "%d 件の文書", zh: "%d 篇文献", countArgIndex: 1},
	{key: "%d more passages", one: "%d more passage", other: "%d more passages",
		ja: "ほかのパッセージ %d 件", zh: "另外 %d 个段落", countArgIndex: 1},
	{key: "%d more passages in this document", one: "%d more passage in this document", other: "%d more passages in this document",
		ja: "この文書のほかの一致 %d 件", zh: "本文献中另有 %d 处匹配", countArgIndex: 1},
	{key: "%d documents have no date and are listed last.", one: "%d document has no date and is listed last.",
		other: "%d documents have no date and are listed last.", ja: "日付のない文書 %d 件は最後に並びます。",
		zh: "%d 篇文献没有日期，排在最后。", countArgIndex: 1},
	{key: "%d results have no date and are listed last.", one: "%d result has no date and is listed last.",
		other: "%d results have no date and are listed last.", ja: "日付のない %d 件は最後に並びます。",
		zh: "%d 条结果没有日期，排在最后。", countArgIndex: 1},
	{key: "%d trials", one: "%d trial", other: "%d trials", ja: "%d 件の試験", zh: "%d 项试验", countArgIndex: 1},
}

// buildLocales builds the message catalogue and one locale per interface language.
// The catalogue is static data, so a mistake in it is a programming error.
func buildLocales() map[string]*locale {
	b := catalog.NewBuilder(catalog.Fallback(language.English))
	must := func(err error) {
		if err != nil {
			panic(fmt.Sprintf("web: message catalogue: %v", err))
		}
	}
	for _, t := range translations {
		must(b.SetString(language.English, t.en, t.en))
		must(b.SetString(language.Japanese, t.en, t.ja))
		must(b.SetString(language.Chinese, t.en, t.zh))
	}
	for _, p := range pluralForms {
		must(b.Set(language.English, p.key, plural.Selectf(p.countArgIndex, "%d", "one", p.one, "other", p.other)))
		must(b.SetString(language.Japanese, p.key, p.ja))
		must(b.SetString(language.Chinese, p.key, p.zh))
	}
	out := make(map[string]*locale, len(uiLanguages))
	for _, tag := range uiLanguages {
		base, _ := tag.Base()
		out[base.String()] = &locale{Code: base.String(), printer: message.NewPrinter(tag, message.Catalog(b))}
	}
	return out
}
