// LucenePeer is the Apache Lucene 8 peer of musebench: it indexes the benchmark's
// sections and answers its workload, speaking the protocol of ../README.md.
//
//   java -cp CLASSPATH LucenePeer index SECTIONS.jsonl INDEX_DIR
//   java -cp CLASSPATH LucenePeer serve INDEX_DIR WORKLOAD.json
//
// English sections go to a field analysed by EnglishAnalyzer (StandardAnalyzer with
// Porter stemming), Japanese ones to JapaneseAnalyzer (kuromoji), Chinese ones to
// CJKAnalyzer (bigrams). Facets are sorted-set doc values (lucene-facet); disjunctive
// counts come from DrillSideways.

import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import org.apache.lucene.analysis.Analyzer;
import org.apache.lucene.analysis.cjk.CJKAnalyzer;
import org.apache.lucene.analysis.en.EnglishAnalyzer;
import org.apache.lucene.analysis.ja.JapaneseAnalyzer;
import org.apache.lucene.analysis.miscellaneous.PerFieldAnalyzerWrapper;
import org.apache.lucene.document.Document;
import org.apache.lucene.document.Field;
import org.apache.lucene.document.StringField;
import org.apache.lucene.document.TextField;
import org.apache.lucene.facet.DrillDownQuery;
import org.apache.lucene.facet.DrillSideways;
import org.apache.lucene.facet.FacetsConfig;
import org.apache.lucene.facet.sortedset.DefaultSortedSetDocValuesReaderState;
import org.apache.lucene.facet.sortedset.SortedSetDocValuesFacetField;
import org.apache.lucene.facet.sortedset.SortedSetDocValuesReaderState;
import org.apache.lucene.index.IndexWriter;
import org.apache.lucene.index.IndexWriterConfig;
import org.apache.lucene.index.Term;
import org.apache.lucene.search.BooleanClause;
import org.apache.lucene.search.BooleanQuery;
import org.apache.lucene.search.IndexSearcher;
import org.apache.lucene.search.MatchAllDocsQuery;
import org.apache.lucene.search.MatchNoDocsQuery;
import org.apache.lucene.search.Query;
import org.apache.lucene.search.ScoreDoc;
import org.apache.lucene.search.SearcherManager;
import org.apache.lucene.search.TopDocs;
import org.apache.lucene.search.TopScoreDocCollector;
import org.apache.lucene.store.Directory;
import org.apache.lucene.store.FSDirectory;
import org.apache.lucene.util.QueryBuilder;

public final class LucenePeer {
    static final String[] FACETS = {"indication", "cell_type", "design", "phase", "lang"};
    static final String[] FIELDS = {"text_en", "text_ja", "text_zh"};
    static final int TOP = 10;

    static final Map<String, Analyzer> ANALYZERS = new LinkedHashMap<>();
    static {
        ANALYZERS.put("text_en", new EnglishAnalyzer());
        ANALYZERS.put("text_ja", new JapaneseAnalyzer());
        ANALYZERS.put("text_zh", new CJKAnalyzer());
    }
    static final Analyzer ANALYZER = new PerFieldAnalyzerWrapper(new EnglishAnalyzer(), ANALYZERS);
    static final FacetsConfig CONFIG = new FacetsConfig();
    static {
        for (String f : FACETS) {
            if (!f.equals("lang")) {
                CONFIG.setMultiValued(f, true);
            }
        }
    }

    public static void main(String[] args) throws Exception {
        if (args.length == 3 && args[0].equals("index")) {
            index(args[1], args[2]);
        } else if (args.length == 3 && args[0].equals("serve")) {
            serve(args[1], args[2]);
        } else {
            System.err.println("usage: LucenePeer index SECTIONS.jsonl INDEX_DIR | LucenePeer serve INDEX_DIR WORKLOAD.json");
            System.exit(2);
        }
    }

    @SuppressWarnings("unchecked")
    static Document document(Map<String, Object> s) throws IOException {
        String lang = (String) s.get("lang");
        String field = ANALYZERS.containsKey("text_" + lang) ? "text_" + lang : "text_en";
        Document d = new Document();
        d.add(new StringField("id", (String) s.get("id"), Field.Store.YES));
        d.add(new TextField(field, s.get("title") + "\n" + s.get("heading") + "\n" + s.get("text"), Field.Store.YES));
        d.add(new SortedSetDocValuesFacetField("lang", lang));
        Object facets = s.get("facets");
        if (facets instanceof Map) {
            for (Map.Entry<String, Object> e : ((Map<String, Object>) facets).entrySet()) {
                for (Object v : (List<Object>) e.getValue()) {
                    d.add(new SortedSetDocValuesFacetField(e.getKey(), (String) v));
                }
            }
        }
        return CONFIG.build(d);
    }

    @SuppressWarnings("unchecked")
    static void index(String sectionsFile, String dir) throws Exception {
        long start = System.nanoTime();
        IndexWriterConfig iwc = new IndexWriterConfig(ANALYZER);
        iwc.setOpenMode(IndexWriterConfig.OpenMode.CREATE);
        iwc.setRAMBufferSizeMB(128);
        int threads = Runtime.getRuntime().availableProcessors();
        AtomicReference<Exception> failure = new AtomicReference<>();
        int n = 0;
        try (Directory d = FSDirectory.open(Paths.get(dir)); IndexWriter w = new IndexWriter(d, iwc);
             BufferedReader in = Files.newBufferedReader(Paths.get(sectionsFile), StandardCharsets.UTF_8)) {
            // Parse and analyse on every core, as a Lucene application would.
            ThreadPoolExecutor pool = new ThreadPoolExecutor(threads, threads, 0, TimeUnit.SECONDS,
                    new ArrayBlockingQueue<>(1024), new ThreadPoolExecutor.CallerRunsPolicy());
            for (String line; (line = in.readLine()) != null; ) {
                if (line.isEmpty()) {
                    continue;
                }
                final String l = line;
                pool.execute(() -> {
                    try {
                        w.addDocument(document((Map<String, Object>) Json.parse(l)));
                    } catch (Exception e) {
                        failure.compareAndSet(null, e);
                    }
                });
                n++;
            }
            pool.shutdown();
            pool.awaitTermination(1, TimeUnit.DAYS);
            if (failure.get() != null) {
                throw failure.get();
            }
            w.commit();
        }
        double s = (System.nanoTime() - start) / 1e9;
        System.out.println("{\"sections\": " + n + ", \"index_s\": " + s + "}");
    }

    // textQuery ANDs the words and quoted phrases of q, each matched in any language field.
    static Query textQuery(String q) {
        List<String> parts = new ArrayList<>();
        String[] chunks = q.split("\"", -1);
        for (int i = 0; i < chunks.length; i++) {
            if (i % 2 == 1) {
                if (!chunks[i].isBlank()) {
                    parts.add(chunks[i]);
                }
            } else {
                for (String w : chunks[i].trim().split("\\s+")) {
                    if (!w.isEmpty()) {
                        parts.add(w);
                    }
                }
            }
        }
        if (parts.isEmpty()) {
            return new MatchAllDocsQuery();
        }
        BooleanQuery.Builder all = new BooleanQuery.Builder();
        for (String p : parts) {
            BooleanQuery.Builder any = new BooleanQuery.Builder();
            int clauses = 0;
            for (String f : FIELDS) {
                Query fq = new QueryBuilder(ANALYZERS.get(f)).createPhraseQuery(f, p);
                if (fq != null) {
                    any.add(fq, BooleanClause.Occur.SHOULD);
                    clauses++;
                }
            }
            all.add(clauses == 0 ? new MatchNoDocsQuery() : any.build(), BooleanClause.Occur.MUST);
        }
        return all.build();
    }

    @SuppressWarnings("unchecked")
    static DrillDownQuery drillDown(Map<String, Object> q) {
        DrillDownQuery dq = new DrillDownQuery(CONFIG, textQuery((String) q.getOrDefault("q", "")));
        Object filters = q.get("filters");
        if (filters instanceof Map) {
            for (Map.Entry<String, Object> e : ((Map<String, Object>) filters).entrySet()) {
                for (Object v : (List<Object>) e.getValue()) {
                    dq.add(e.getKey(), (String) v); // values of one dimension are OR-ed
                }
            }
        }
        return dq;
    }

    // run answers one query, loads its top hits' stored fields and returns its total.
    static long run(IndexSearcher s, SortedSetDocValuesReaderState state, Map<String, Object> q) throws IOException {
        DrillDownQuery dq = drillDown(q);
        TopDocs top;
        if (Boolean.TRUE.equals(q.get("facets"))) {
            DrillSideways.DrillSidewaysResult r = new DrillSideways(s, CONFIG, state).search(dq, TOP);
            for (String f : FACETS) {
                try {
                    r.facets.getTopChildren(100, f);
                } catch (IllegalArgumentException noValues) {
                    // a facet no section carries has no counts
                }
            }
            top = r.hits;
        } else {
            TopScoreDocCollector c = TopScoreDocCollector.create(TOP, Integer.MAX_VALUE);
            s.search(dq, c);
            top = c.topDocs();
        }
        for (ScoreDoc sd : top.scoreDocs) {
            s.doc(sd.doc);
        }
        return top.totalHits.value;
    }

    @SuppressWarnings("unchecked")
    static void serve(String dir, String workloadFile) throws Exception {
        Map<String, Object> wl = (Map<String, Object>) Json.parse(Files.readString(Paths.get(workloadFile)));
        List<Object> queries = (List<Object>) wl.get("queries");
        int warmup = ((Number) wl.get("warmup")).intValue();
        int repeat = ((Number) wl.get("repeat")).intValue();

        long start = System.nanoTime();
        Directory d = FSDirectory.open(Paths.get(dir));
        IndexWriterConfig iwc = new IndexWriterConfig(ANALYZER);
        iwc.setOpenMode(IndexWriterConfig.OpenMode.APPEND);
        IndexWriter w = new IndexWriter(d, iwc);
        SearcherManager sm = new SearcherManager(w, null);
        IndexSearcher s = sm.acquire();
        SortedSetDocValuesReaderState state = new DefaultSortedSetDocValuesReaderState(s.getIndexReader());
        run(s, state, Map.of("q", "ready"));
        double openS = (System.nanoTime() - start) / 1e9;

        Map<String, Long> hits = new LinkedHashMap<>();
        Map<String, List<Double>> samples = new LinkedHashMap<>();
        for (int round = 0; round < warmup + repeat; round++) {
            for (Object o : queries) {
                Map<String, Object> q = (Map<String, Object>) o;
                String name = (String) q.get("name");
                long t = System.nanoTime();
                long n = run(s, state, q);
                if (round >= warmup) {
                    samples.computeIfAbsent(name, k -> new ArrayList<>()).add((System.nanoTime() - t) / 1e6);
                }
                hits.put(name, n);
            }
        }
        sm.release(s);

        long t = System.nanoTime();
        Map<String, Object> add = (Map<String, Object>) wl.get("add");
        w.updateDocument(new Term("id", (String) add.get("id")), document(add));
        Map<String, Object> probe = Map.of("q", wl.get("add_probe"));
        while (true) {
            sm.maybeRefreshBlocking();
            IndexSearcher ns = sm.acquire();
            try {
                if (run(ns, null, probe) > 0) {
                    break;
                }
            } finally {
                sm.release(ns);
            }
            if (System.nanoTime() - t > 60_000_000_000L) {
                throw new IllegalStateException("the added section was not searchable after a minute");
            }
        }
        double addMS = (System.nanoTime() - t) / 1e6;
        sm.close();
        w.close();
        d.close();

        StringBuilder out = new StringBuilder();
        out.append("{\"open_s\": ").append(openS).append(", \"add_visible_ms\": ").append(addMS).append(", \"hits\": {");
        String sep = "";
        for (Map.Entry<String, Long> e : hits.entrySet()) {
            out.append(sep).append(Json.quote(e.getKey())).append(": ").append(e.getValue());
            sep = ", ";
        }
        out.append("}, \"samples_ms\": {");
        sep = "";
        for (Map.Entry<String, List<Double>> e : samples.entrySet()) {
            out.append(sep).append(Json.quote(e.getKey())).append(": [");
            String sep2 = "";
            for (double v : e.getValue()) {
                out.append(sep2).append(v);
                sep2 = ", ";
            }
            out.append("]");
            sep = ", ";
        }
        out.append("}}");
        System.out.println(out);
    }

    // Json reads the JSON the benchmark writes (no library ships with Lucene).
    static final class Json {
        private final String s;
        private int i;

        private Json(String s) {
            this.s = s;
        }

        static Object parse(String s) {
            Json j = new Json(s);
            Object v = j.value();
            j.space();
            if (j.i != s.length()) {
                throw new IllegalArgumentException("trailing data at " + j.i);
            }
            return v;
        }

        static String quote(String v) {
            StringBuilder b = new StringBuilder("\"");
            for (char c : v.toCharArray()) {
                if (c == '"' || c == '\\') {
                    b.append('\\').append(c);
                } else if (c < 0x20) {
                    b.append(String.format("\\u%04x", (int) c));
                } else {
                    b.append(c);
                }
            }
            return b.append('"').toString();
        }

        private void space() {
            while (i < s.length() && Character.isWhitespace(s.charAt(i))) {
                i++;
            }
        }

        private Object value() {
            space();
            char c = s.charAt(i);
            switch (c) {
                case '{': {
                    Map<String, Object> m = new LinkedHashMap<>();
                    i++;
                    space();
                    if (s.charAt(i) == '}') {
                        i++;
                        return m;
                    }
                    while (true) {
                        space();
                        String k = string();
                        space();
                        expect(':');
                        m.put(k, value());
                        space();
                        if (s.charAt(i) == ',') {
                            i++;
                            continue;
                        }
                        expect('}');
                        return m;
                    }
                }
                case '[': {
                    List<Object> l = new ArrayList<>();
                    i++;
                    space();
                    if (s.charAt(i) == ']') {
                        i++;
                        return l;
                    }
                    while (true) {
                        l.add(value());
                        space();
                        if (s.charAt(i) == ',') {
                            i++;
                            continue;
                        }
                        expect(']');
                        return l;
                    }
                }
                case '"':
                    return string();
                case 't':
                    i += 4;
                    return Boolean.TRUE;
                case 'f':
                    i += 5;
                    return Boolean.FALSE;
                case 'n':
                    i += 4;
                    return null;
                default: {
                    int st = i;
                    while (i < s.length() && "+-0123456789.eE".indexOf(s.charAt(i)) >= 0) {
                        i++;
                    }
                    return Double.parseDouble(s.substring(st, i));
                }
            }
        }

        private void expect(char c) {
            if (s.charAt(i) != c) {
                throw new IllegalArgumentException("expected " + c + " at " + i);
            }
            i++;
        }

        private String string() {
            expect('"');
            StringBuilder b = new StringBuilder();
            while (true) {
                char c = s.charAt(i++);
                if (c == '"') {
                    return b.toString();
                }
                if (c != '\\') {
                    b.append(c);
                    continue;
                }
                char e = s.charAt(i++);
                switch (e) {
                    case 'n': b.append('\n'); break;
                    case 't': b.append('\t'); break;
                    case 'r': b.append('\r'); break;
                    case 'b': b.append('\b'); break;
                    case 'f': b.append('\f'); break;
                    case 'u': b.append((char) Integer.parseInt(s.substring(i, i + 4), 16)); i += 4; break;
                    default: b.append(e);
                }
            }
        }
    }
}
