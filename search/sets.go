package search

import (
	"fmt"
	"sync"

	"github.com/RoaringBitmap/roaring/v2"
	index "github.com/blevesearch/bleve_index_api"

	"musesearch/corpus"
	"musesearch/indexer"
	"musesearch/internal/segments"
	"musesearch/search/exec"
)

// facetSets holds, for one snapshot of the index, the sections that carry each facet
// value, as bitmaps of the snapshot's document numbers (the numbers its searchers
// report). Facet counts, filters and the language of a hit are then set operations on
// the matches of a query, with no per-hit lookup: the values are few (tens), the
// sections many.
type facetSets struct {
	values map[corpus.Facet]map[string]*roaring.Bitmap
	// langs holds the language of every section, as an index into langNames + 1 (0:
	// none), by document number: a search looks it up for each match.
	langs     []uint8
	langNames []string
	// docOf holds the document of every section, as an index into docIDs, by
	// document number (noDoc for a number no section has): the documents of a set of
	// sections are then counted without a lookup of their ids; byID orders the
	// documents by id. docDates holds the date of each document ("" when unknown),
	// and dated the sections with a date.
	docOf    []uint32
	docIDs   []string
	byID     *idOrder
	docDates []string
	dated    *roaring.Bitmap
	// dates holds the sections of each date, segment by segment, ordinals the ordinal
	// of every section in its document by document number (noOrdinal for none): what
	// order reads.
	dates     []segmentDates
	ordinals  []uint32
	orderOnce sync.Once
	order     *sectionOrders
	// reports holds the sections that report a trial (reportsTrial).
	reports *roaring.Bitmap
	// lifts holds the lifters searches asked for (liftOf), by indications and
	// languages; they are only read.
	liftsMu sync.Mutex
	lifts   map[string]lifter
	// denseSets holds the sets that counting documents takes, made for the first
	// search that counts them (a search grouped by document).
	denseOnce sync.Once
	denseSets *denseSets
	// records holds what docGroups kept of earlier searches, for reuse: records as
	// many as the documents, cleared (a search touches few of them), and lists whose
	// capacity a search of many matches would grow again (*groupRecords).
	records sync.Pool
}

// noDoc is docOf's value for a document number that holds no section.
const noDoc = ^uint32(0)

// dense returns the dense sets of s, made at the first call.
func (s *facetSets) dense() *denseSets {
	s.denseOnce.Do(func() { s.denseSets = newDenseSets(s) })
	return s.denseSets
}

// langOf returns the language of section n as an index into langNames, or -1.
func (s *facetSets) langOf(n uint64) int {
	if n >= uint64(len(s.langs)) {
		return -1
	}
	return int(s.langs[n]) - 1
}

// of returns the sections carrying any of the values of facet f. The bitmap may be
// s's own (a filter of one value, the usual): it is only to be read.
func (s *facetSets) of(f corpus.Facet, values []string) *roaring.Bitmap {
	sets := make([]*roaring.Bitmap, 0, len(values))
	for _, v := range values {
		if b := s.values[f][v]; b != nil {
			sets = append(sets, b)
		}
	}
	if len(sets) == 1 {
		return sets[0]
	}
	return roaring.FastOr(sets...)
}

// setCache builds the facetSets of each snapshot it is asked for. A snapshot is a list
// of immutable segments, and a new one (after a batch or a merge) mostly shares them
// with the last: what the sets hold of each segment is made once, when the segment is
// first seen, and a snapshot's sets are its segments' laid end to end, so that a new
// snapshot costs a copy of the tables plus the reading of its new segments only.
type setCache struct {
	mu       sync.Mutex
	snapshot segments.Snapshot // the snapshot of sets
	sets     *facetSets
	segments map[any]*segmentSets // by segments.Segment.Key
	// postings are the documents of the terms searches looked up, impacts what the
	// executor's pruning read of the segments, positions the tables of positions its
	// phrases read.
	postings  *segments.TermMemo
	impacts   *exec.Impacts
	positions *exec.Positions
	numbering
}

// numbering numbers what the sets of every snapshot share, so that a segment's tables
// hold the same numbers in every snapshot: documents by id (a document keeps its
// number across its versions and segments: facetSets.docIDs) and languages
// (facetSets.langNames). Numbers are never taken back (a process that sees many
// documents come and go keeps their ids): a snapshot's sets see a prefix of each list.
type numbering struct {
	docIDs    []string
	doc       map[string]uint32
	byID      *idOrder
	langNames []string
	lang      map[string]uint8
}

// segmentSets are what the sets keep of one segment: the postings of every facet value
// and date, as bitmaps of its local document numbers, and its tables by local number in
// the cache's numbering.
type segmentSets struct {
	values  map[corpus.Facet]map[string]*roaring.Bitmap
	dates   map[string]*roaring.Bitmap
	reports *roaring.Bitmap
	// docOf holds the document of each local number (noDoc for none), ordinals its
	// ordinal in the document (noOrdinal for none), langs its language (as
	// facetSets.langs).
	docOf    []uint32
	ordinals []uint32
	langs    []uint8
	// docs lists the documents of the segment, each with a local number of one of its
	// sections (a document's sections are deleted together) and its date ("" for none).
	docs []segmentDoc
	// at is the segment's offset in the last snapshot that held it, shifted its sets
	// moved there.
	at      uint64
	shifted *shiftedSets
}

// segmentDoc is a document of a segment.
type segmentDoc struct {
	doc, section uint32
	date         string
}

// shiftedSets are a segment's sets, numbered in a snapshot.
type shiftedSets struct {
	values         map[corpus.Facet]map[string]*roaring.Bitmap
	reports, dated *roaring.Bitmap
}

// segmentDates are the sections of each date in a segment, by local number, and the
// segment's offset in the snapshot.
type segmentDates struct {
	offset uint64
	dates  map[string]*roaring.Bitmap
}

func newSetCache() *setCache {
	return &setCache{segments: map[any]*segmentSets{}, postings: segments.NewTermMemo(), impacts: exec.NewImpacts(), positions: exec.NewPositions(), numbering: newNumbering()}
}

func newNumbering() numbering {
	return numbering{doc: map[string]uint32{}, byID: &idOrder{}, lang: map[string]uint8{}}
}

// get returns the facet sets of the snapshot r.
func (c *setCache) get(r index.IndexReader) (*facetSets, error) {
	snap, err := segments.Of(r)
	if err != nil {
		return nil, fmt.Errorf("search: %w", err)
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if snap == c.snapshot {
		return c.sets, nil
	}
	segs := snap.Segments()
	used := map[any]*segmentSets{}
	locals := make([]*segmentSets, len(segs))
	var count uint64
	for i, seg := range segs {
		local := c.segments[seg.Key()]
		if local == nil {
			var err error
			if local, err = c.readSegmentSets(seg); err != nil {
				return nil, err
			}
		}
		used[seg.Key()], locals[i] = local, local
		count = seg.Offset + seg.Count()
	}
	// The lists as they are now: later numbers are not this snapshot's.
	n := c.numbering
	sets := &facetSets{docIDs: n.docIDs[:len(n.docIDs):len(n.docIDs)], byID: n.byID, langNames: n.langNames[:len(n.langNames):len(n.langNames)],
		docOf: make([]uint32, count), ordinals: make([]uint32, count), langs: make([]uint8, count)}
	for i, seg := range segs {
		l := locals[i]
		copy(sets.docOf[seg.Offset:], l.docOf)
		copy(sets.ordinals[seg.Offset:], l.ordinals)
		copy(sets.langs[seg.Offset:], l.langs)
	}
	sets.addShifted(segs, locals)
	sets.docDates = make([]string, len(sets.docIDs))
	for i, seg := range segs {
		live := seg.Live()
		for _, d := range locals[i].docs {
			// A document's date is its live version's.
			if d.date != "" && live.Contains(d.section) {
				sets.docDates[d.doc] = d.date
			}
		}
	}
	c.snapshot, c.sets, c.segments = snap, sets, used
	return sets, nil
}

// addShifted sets the facet values, dates and reports of s, the sets of the snapshot
// of segs, from the sets of each segment (locals, in the same order) moved to its
// offset. The sets of a snapshot may be those of a segment: no one changes them.
// Deleted sections stay in the sets: searchers never report them, and the
// sets are only ever intersected with what a searcher reported.
func (s *facetSets) addShifted(segs []segments.Segment, locals []*segmentSets) {
	values := map[corpus.Facet]map[string][]*roaring.Bitmap{}
	var reports, dated []*roaring.Bitmap
	for i, seg := range segs {
		sh := locals[i].shiftedTo(seg.Offset)
		for f, byValue := range sh.values {
			if values[f] == nil {
				values[f] = map[string][]*roaring.Bitmap{}
			}
			for v, b := range byValue {
				values[f][v] = append(values[f][v], b)
			}
		}
		reports, dated = append(reports, sh.reports), append(dated, sh.dated)
		s.dates = append(s.dates, segmentDates{seg.Offset, locals[i].dates})
	}
	s.values = map[corpus.Facet]map[string]*roaring.Bitmap{}
	for _, f := range FacetOrder {
		s.values[f] = map[string]*roaring.Bitmap{}
		for v, parts := range values[f] {
			s.values[f][v] = union(parts)
		}
	}
	s.reports, s.dated = union(reports), union(dated)
}

// union returns the union of parts, sets of different segments; parts[0] itself when
// it is the only one (the sets are only read).
func union(parts []*roaring.Bitmap) *roaring.Bitmap {
	if len(parts) == 1 {
		return parts[0]
	}
	return roaring.FastOr(parts...)
}

// shiftedTo returns the sets of the segment numbered from offset on.
func (l *segmentSets) shiftedTo(offset uint64) *shiftedSets {
	if l.shifted != nil && l.at == offset {
		return l.shifted
	}
	shift := func(b *roaring.Bitmap) *roaring.Bitmap { return roaring.AddOffset64(b, int64(offset)) }
	sh := &shiftedSets{values: map[corpus.Facet]map[string]*roaring.Bitmap{}, reports: shift(l.reports)}
	for f, byValue := range l.values {
		sh.values[f] = map[string]*roaring.Bitmap{}
		for v, b := range byValue {
			sh.values[f][v] = shift(b)
		}
	}
	var dated []*roaring.Bitmap
	for _, b := range l.dates {
		dated = append(dated, b)
	}
	sh.dated = shift(roaring.FastOr(dated...))
	l.at, l.shifted = offset, sh
	return sh
}

// readSegmentSets reads the postings of every facet value and date of one segment,
// and the document of each of its sections and its ordinal there, and numbers its
// documents, languages and values in c's numbering.
func (c *setCache) readSegmentSets(seg segments.Segment) (*segmentSets, error) {
	out := &segmentSets{values: map[corpus.Facet]map[string]*roaring.Bitmap{}, dates: map[string]*roaring.Bitmap{}}
	read := func(field string, each func(term string, docs *roaring.Bitmap)) error {
		if err := seg.Postings(field, each); err != nil {
			return fmt.Errorf("search: %w", err)
		}
		return nil
	}
	for _, f := range FacetOrder {
		values := map[string]*roaring.Bitmap{}
		if err := read(string(f), func(term string, docs *roaring.Bitmap) { values[term] = docs }); err != nil {
			return nil, err
		}
		out.values[f] = values
	}
	if err := read(indexer.FieldDate, func(term string, docs *roaring.Bitmap) { out.dates[term] = docs }); err != nil {
		return nil, err
	}
	registered := roaring.New()
	err := read(indexer.FieldIdent, func(term string, docs *roaring.Bitmap) {
		if corpus.IsRegistryID(term) {
			registered.Or(docs)
		}
	})
	if err != nil {
		return nil, err
	}
	out.reports = reportsTrial(out.values, registered, seg.Count())
	out.docOf, err = readNumbered(seg, indexer.FieldDocID, noDoc, func(id string) (uint32, bool) {
		d, ok := c.doc[id]
		if !ok {
			d = uint32(len(c.docIDs))
			c.doc[id], c.docIDs = d, append(c.docIDs, id)
		}
		return d, true
	})
	if err != nil {
		return nil, err
	}
	if out.ordinals, err = readNumbered(seg, indexer.FieldOrdinal, noOrdinal, ordinalOf); err != nil {
		return nil, err
	}
	if err := c.numberLangs(out); err != nil {
		return nil, err
	}
	// A document's sections come from one batch: they have one date, and are
	// deleted together.
	dateOf := map[uint32]string{}
	for date, b := range out.dates {
		b.Iterate(func(n uint32) bool {
			if uint64(n) < uint64(len(out.docOf)) && out.docOf[n] != noDoc {
				dateOf[out.docOf[n]] = date
			}
			return true
		})
	}
	seen := map[uint32]bool{}
	for n, d := range out.docOf {
		if d != noDoc && !seen[d] {
			seen[d] = true
			out.docs = append(out.docs, segmentDoc{doc: d, section: uint32(n), date: dateOf[d]})
		}
	}
	return out, nil
}

// numberLangs sets the language of each section of l, numbering new languages.
func (c *setCache) numberLangs(l *segmentSets) error {
	l.langs = make([]uint8, len(l.docOf))
	for lang, set := range l.values[corpus.Lang] {
		mark, ok := c.lang[lang]
		if !ok {
			if len(c.langNames) == 255 {
				return fmt.Errorf("search: the index has more than 255 languages")
			}
			c.langNames = append(c.langNames, lang)
			mark = uint8(len(c.langNames))
			c.lang[lang] = mark
		}
		set.Iterate(func(n uint32) bool {
			if int(n) < len(l.langs) {
				l.langs[n] = mark
			}
			return true
		})
	}
	return nil
}

// readNumbered returns a value of each local number of seg read from the postings of
// field: value's of the term that holds the number, or none where none that value
// takes does.
func readNumbered(seg segments.Segment, field string, none uint32, value func(term string) (uint32, bool)) ([]uint32, error) {
	out := make([]uint32, seg.Count())
	for i := range out {
		out[i] = none
	}
	err := seg.Postings(field, func(term string, docs *roaring.Bitmap) {
		if v, ok := value(term); ok {
			docs.Iterate(func(n uint32) bool {
				if uint64(n) < uint64(len(out)) {
					out[n] = v
				}
				return true
			})
		}
	})
	if err != nil {
		return nil, fmt.Errorf("search: %w", err)
	}
	return out, nil
}

// Evidence of a trial in a section, as far as its facets and identifiers tell.
var (
	// trialDesigns are the designs of a clinical trial (design facet ids).
	trialDesigns = []string{"rct", "non-randomized"}
	// maxTrialIndications bounds the indications of a section that reports a trial:
	// it is about one disease, or one and its class (ALS and neurodegenerative
	// disease, epidermolysis bullosa and skin wounds); a passage naming more surveys
	// a field's trials ("stroke, ALS, EB and MI trials all reported ...").
	maxTrialIndications = 2
)

// reportsTrial returns the sections of a segment of count sections that report a
// trial: they give its registry id (registered holds those that name one) or its phase
// and a trial design, and they are about at most maxTrialIndications indications.
// values are the segment's facet postings.
func reportsTrial(values map[corpus.Facet]map[string]*roaring.Bitmap, registered *roaring.Bitmap, count uint64) *roaring.Bitmap {
	var phased, designed []*roaring.Bitmap
	for _, b := range values[corpus.Phase] {
		phased = append(phased, b)
	}
	for _, d := range trialDesigns {
		if b := values[corpus.Design][d]; b != nil {
			designed = append(designed, b)
		}
	}
	out := roaring.Or(registered, roaring.And(roaring.FastOr(phased...), roaring.FastOr(designed...)))
	indications := make([]uint8, count)
	for _, b := range values[corpus.Indication] {
		b.Iterate(func(n uint32) bool {
			if uint64(n) < count {
				indications[n] = min(indications[n]+1, 255)
			}
			return true
		})
	}
	broad := roaring.New()
	for n, k := range indications {
		if int(k) > maxTrialIndications {
			broad.Add(uint32(n))
		}
	}
	out.AndNot(broad)
	return out
}
