package scalegen

// term is one way of naming a facet value in each language.
type term struct{ en, ja, zh string }

// The facet terms the generator writes into documents, by facet. They are the world's
// words for these things, chosen independently of the product's vocabulary so that a
// benchmark does not only contain what musesearch already recognises. Earlier entries
// are drawn more often (a Zipf draw over the list), as in real literature where a few
// diseases dominate.
var (
	indicationTerms = []term{
		{"amyotrophic lateral sclerosis (ALS)", "筋萎縮性側索硬化症（ALS）", "肌萎缩侧索硬化症(ALS)"},
		{"stroke", "脳梗塞", "脑卒中"},
		{"spinal cord injury", "脊髄損傷", "脊髓损伤"},
		{"acute myocardial infarction", "急性心筋梗塞", "急性心肌梗死"},
		{"heart failure", "心不全", "心力衰竭"},
		{"epidermolysis bullosa", "表皮水疱症", "大疱性表皮松解症"},
		{"neonatal hypoxic-ischemic encephalopathy", "新生児低酸素性虚血性脳症", "新生儿缺氧缺血性脑病"},
		{"acute respiratory distress syndrome (ARDS)", "急性呼吸窮迫症候群（ARDS）", "急性呼吸窘迫综合征(ARDS)"},
		{"multiple sclerosis", "多発性硬化症", "多发性硬化症"},
		{"Parkinson's disease", "パーキンソン病", "帕金森病"},
		{"knee osteoarthritis", "変形性膝関節症", "膝骨关节炎"},
		{"rheumatoid arthritis", "関節リウマチ", "类风湿关节炎"},
		{"systemic lupus erythematosus", "全身性エリテマトーデス", "系统性红斑狼疮"},
		{"systemic sclerosis", "全身性強皮症", "系统性硬化症"},
		{"ankylosing spondylitis", "強直性脊椎炎", "强直性脊柱炎"},
		{"osteoporosis", "骨粗鬆症", "骨质疏松症"},
		{"liver cirrhosis", "肝硬変", "肝硬化"},
		{"chronic kidney disease", "慢性腎臓病", "慢性肾病"},
		{"type 2 diabetes", "2型糖尿病", "2型糖尿病"},
		{"chronic skin wounds", "難治性皮膚潰瘍", "慢性皮肤创面"},
	}
	cellTypeTerms = []term{
		{"mesenchymal stem cells (MSCs)", "間葉系幹細胞（MSC）", "间充质干细胞(MSC)"},
		{"Muse cells", "Muse細胞", "Muse细胞"},
		{"induced pluripotent stem cells (iPSCs)", "iPS細胞", "诱导多能干细胞(iPSC)"},
		{"umbilical cord MSCs", "臍帯由来間葉系幹細胞", "脐带间充质干细胞"},
		{"exosomes", "エクソソーム", "外泌体"},
		{"embryonic stem cells", "ES細胞", "胚胎干细胞"},
		{"hematopoietic stem cells", "造血幹細胞", "造血干细胞"},
	}
	designTerms = []term{
		{"randomized, double-blind, placebo-controlled trial", "無作為化二重盲検プラセボ対照試験", "随机双盲安慰剂对照试验"},
		{"open-label, single-arm study", "非盲検単群試験", "开放标签单臂研究"},
		{"mouse model", "マウスモデル", "小鼠模型"},
		{"systematic review and meta-analysis", "システマティックレビューとメタアナリシス", "系统评价和荟萃分析"},
		{"prospective observational cohort study", "前向き観察コホート研究", "前瞻性观察性队列研究"},
		{"in vitro study", "in vitro 試験", "体外研究"},
		{"case report", "症例報告", "病例报告"},
		{"narrative review", "総説", "综述"},
	}
	phaseTerms = []term{
		{"phase 1", "第I相", "I期"},
		{"phase 2", "第II相", "II期"},
		{"phase 1/2", "第I/II相", "I/II期"},
		{"phase 3", "第III相", "III期"},
		{"phase 4", "第IV相", "IV期"},
	}
)

// pick returns the text of t in language lang.
func (t term) pick(lang string) string {
	switch lang {
	case "ja":
		return t.ja
	case "zh":
		return t.zh
	}
	return t.en
}

// headings are section headings per language; facet-bearing headings are made from
// templates in sectionHeading.
var headings = map[string][]string{
	"en": {"Background", "Methods", "Results", "Discussion", "Safety and tolerability", "Patients and procedures",
		"Outcome measures", "Mechanism of action", "Limitations", "Future directions", "Statistical analysis",
		"Cell preparation", "Adverse events", "Follow-up", "Conclusions"},
	"ja": {"背景", "方法", "結果", "考察", "安全性と忍容性", "対象と方法", "評価項目", "作用機序", "本研究の限界",
		"今後の展望", "統計解析", "細胞製剤の調製", "有害事象", "経過観察", "結論"},
	"zh": {"背景", "方法", "结果", "讨论", "安全性和耐受性", "患者与方法", "结局指标", "作用机制", "局限性",
		"未来方向", "统计分析", "细胞制备", "不良事件", "随访", "结论"},
}
