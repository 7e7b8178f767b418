package search

import (
	"fmt"
	"slices"
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
	// sections are then counted without a lookup of their ids. docDates holds the
	// date of each document ("" when unknown), and dated the sections with a date.
	docOf    []uint32
	docIDs   []string
	docDates []string
	dated    *roaring.Bitmap
	// dates holds the sections of each date, ordinals the ordinal of every section in
	// its document by document number (noOrdinal for none): what order reads.
	dates     map[string]*roaring.Bitmap
	ordinals  []uint32
	orderOnce sync.Once
	order     *sectionOrders
	// reports holds the sections that report a trial (reportsTrial).
	reports *roaring.Bitmap
	// The facet values of every section as bits, so that the documents of every
	// value are counted in one pass over the matches (collector.docTally): value i of
	// bitValues is bit i of a section's valueWords words in sectionBits, by document
	// number; facetMask holds the bits of each facet's values.
	bitValues   []facetValue
	valueWords  int
	sectionBits []uint64
	facetMask   map[corpus.Facet][]uint64
	// tops holds cleared records of docGroups for reuse: they are as many as the
	// documents, and a search touches few of them; seen, cleared scratch of
	// collector.docTally, valueWords words a document.
	tops, seen sync.Pool
}

// facetValue is one value of one facet.
type facetValue struct {
	facet corpus.Facet
	value string
}

// noDoc is docOf's value for a document number that holds no section.
const noDoc = ^uint32(0)

// countDocs returns how many documents hold a section of sections. seen is scratch
// space of at least len(docIDs) bits, cleared by countDocs.
func (s *facetSets) countDocs(sections *roaring.Bitmap, seen []uint64) int {
	clear(seen)
	n := 0
	buf := make([]uint32, 256)
	it := sections.ManyIterator()
	for k := it.NextMany(buf); k > 0; k = it.NextMany(buf) {
		for _, num := range buf[:k] {
			if int(num) >= len(s.docOf) {
				continue
			}
			d := s.docOf[num]
			if d == noDoc {
				continue
			}
			if w, bit := &seen[d/64], uint64(1)<<(d%64); *w&bit == 0 {
				*w |= bit
				n++
			}
		}
	}
	return n
}

// docScratch returns scratch space for countDocs.
func (s *facetSets) docScratch() []uint64 { return make([]uint64, len(s.docIDs)/64+1) }

// docSeen returns cleared scratch of stride words a document, to be put back in
// s.seen cleared.
func (s *facetSets) docSeen(stride int) []uint64 {
	if p, ok := s.seen.Get().(*[]uint64); ok && len(*p) == len(s.docIDs)*stride {
		return *p
	}
	return make([]uint64, len(s.docIDs)*stride)
}

// addValueBits numbers the facet values, facet by facet of FacetOrder, and sets the
// bits of every section's values; count is the number of document numbers.
func (s *facetSets) addValueBits(count uint64) {
	s.facetMask = map[corpus.Facet][]uint64{}
	for _, f := range FacetOrder {
		s.facetMask[f] = nil
		for v := range s.values[f] {
			s.bitValues = append(s.bitValues, facetValue{f, v})
		}
	}
	s.valueWords = max(1, (len(s.bitValues)+63)/64)
	s.sectionBits = make([]uint64, count*uint64(s.valueWords))
	for f := range s.facetMask {
		s.facetMask[f] = make([]uint64, s.valueWords)
	}
	for i, fv := range s.bitValues {
		word, bit := i/64, uint64(1)<<(i%64)
		s.facetMask[fv.facet][word] |= bit
		s.values[fv.facet][fv.value].Iterate(func(n uint32) bool {
			s.sectionBits[int(n)*s.valueWords+word] |= bit
			return true
		})
	}
}

// valueMask returns the bits of the values of facet f.
func (s *facetSets) valueMask(f corpus.Facet, values []string) []uint64 {
	mask := make([]uint64, s.valueWords)
	for i, fv := range s.bitValues {
		if fv.facet == f && slices.Contains(values, fv.value) {
			mask[i/64] |= uint64(1) << (i % 64)
		}
	}
	return mask
}

// langOf returns the language of section n as an index into langNames, or -1.
func (s *facetSets) langOf(n uint64) int {
	if n >= uint64(len(s.langs)) {
		return -1
	}
	return int(s.langs[n]) - 1
}

// of returns the sections carrying any of the values of facet f.
func (s *facetSets) of(f corpus.Facet, values []string) *roaring.Bitmap {
	sets := make([]*roaring.Bitmap, 0, len(values))
	for _, v := range values {
		if b := s.values[f][v]; b != nil {
			sets = append(sets, b)
		}
	}
	return roaring.FastOr(sets...)
}

// setCache builds the facetSets of each snapshot it is asked for. A snapshot is a list
// of immutable segments, and a new one (after a batch or a merge) mostly shares them
// with the last: the sets of each segment are kept and only a new segment's are read.
type setCache struct {
	mu       sync.Mutex
	snapshot segments.Snapshot // the snapshot of sets
	sets     *facetSets
	segments map[any]*segmentSets // by segments.Segment.Key
	// impacts are what the executor's pruning read of the segments.
	impacts *exec.Impacts
}

// segmentSets are what the sets keep of one segment: the postings of every facet value
// and date, as bitmaps of its local document numbers, and the document and ordinal of
// each of its sections.
type segmentSets struct {
	values  map[corpus.Facet]map[string]*roaring.Bitmap
	dates   map[string]*roaring.Bitmap
	reports *roaring.Bitmap
	// docOf holds the document of each local number, as an index into docIDs (noDoc
	// for none); ordinals its ordinal in the document (noOrdinal for none).
	docOf    []uint32
	docIDs   []string
	ordinals []uint32
}

func newSetCache() *setCache {
	return &setCache{segments: map[any]*segmentSets{}, impacts: exec.NewImpacts()}
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
	sets := &facetSets{values: map[corpus.Facet]map[string]*roaring.Bitmap{}, dated: roaring.New(), reports: roaring.New(),
		dates: map[string]*roaring.Bitmap{}}
	for _, f := range FacetOrder {
		sets.values[f] = map[string]*roaring.Bitmap{}
	}
	used := map[any]*segmentSets{}
	var offset uint64
	for _, seg := range snap.Segments() {
		local := c.segments[seg.Key()]
		if local == nil {
			var err error
			if local, err = readSegmentSets(seg); err != nil {
				return nil, err
			}
		}
		used[seg.Key()] = local
		sets.reports.Or(roaring.AddOffset64(local.reports, int64(seg.Offset)))
		// Deleted sections stay in the sets: searchers never report them, and the
		// sets are only ever intersected with what a searcher reported.
		for f, values := range local.values {
			for v, b := range values {
				global := roaring.AddOffset64(b, int64(seg.Offset))
				if have := sets.values[f][v]; have != nil {
					have.Or(global)
				} else {
					sets.values[f][v] = global
				}
			}
		}
		offset = seg.Offset + seg.Count()
	}
	sets.langs = make([]uint8, offset)
	for lang, set := range sets.values[corpus.Lang] {
		if len(sets.langNames) == 255 {
			return nil, fmt.Errorf("search: the index has more than 255 languages")
		}
		sets.langNames = append(sets.langNames, lang)
		mark := uint8(len(sets.langNames))
		set.Iterate(func(n uint32) bool {
			sets.langs[n] = mark
			return true
		})
	}
	sets.addDocuments(snap.Segments(), used, offset)
	sets.addValueBits(offset)
	c.snapshot, c.sets, c.segments = snap, sets, used
	return sets, nil
}

// addDocuments fills in the documents of the sections of segs, whose sets are in
// local, and their dates; count is the number of document numbers. A document keeps
// one ordinal across segments: the deleted sections of its earlier versions share it.
func (s *facetSets) addDocuments(segs []segments.Segment, local map[any]*segmentSets, count uint64) {
	s.docOf = make([]uint32, count)
	s.ordinals = make([]uint32, count)
	ordinal := map[string]uint32{}
	for _, seg := range segs {
		l := local[seg.Key()]
		copy(s.ordinals[seg.Offset:], l.ordinals)
		global := make([]uint32, len(l.docIDs))
		for i, id := range l.docIDs {
			d, ok := ordinal[id]
			if !ok {
				d = uint32(len(s.docIDs))
				ordinal[id] = d
				s.docIDs = append(s.docIDs, id)
			}
			global[i] = d
		}
		for n, d := range l.docOf {
			if d == noDoc {
				s.docOf[seg.Offset+uint64(n)] = noDoc
			} else {
				s.docOf[seg.Offset+uint64(n)] = global[d]
			}
		}
	}
	s.docDates = make([]string, len(s.docIDs))
	for _, seg := range segs {
		l := local[seg.Key()]
		for date, b := range l.dates {
			global := roaring.AddOffset64(b, int64(seg.Offset))
			s.dated.Or(global)
			if have := s.dates[date]; have != nil {
				have.Or(global)
			} else {
				s.dates[date] = global
			}
			b.Iterate(func(n uint32) bool {
				if d := l.docOf[n]; d != noDoc {
					s.docDates[s.docOf[seg.Offset+uint64(n)]] = date
				}
				return true
			})
		}
	}
}

// readSegmentSets reads the postings of every facet value and date of one segment,
// and the document of each of its sections and its ordinal there.
func readSegmentSets(seg segments.Segment) (*segmentSets, error) {
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
		out.docIDs = append(out.docIDs, id)
		return uint32(len(out.docIDs) - 1), true
	})
	if err != nil {
		return nil, err
	}
	if out.ordinals, err = readNumbered(seg, indexer.FieldOrdinal, noOrdinal, ordinalOf); err != nil {
		return nil, err
	}
	return out, nil
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
