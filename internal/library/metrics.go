package library

import (
	"errors"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"musesearch/corpus"
	"musesearch/indexer"
)

// Reasons a file is rejected, the label values of the rejected counter.
const (
	RejectBadName     = "bad_name"
	RejectTooLarge    = "too_large"
	RejectNotText     = "not_text"
	RejectEmpty       = "empty"
	RejectUnreadable  = "unreadable"
	RejectDuplicateID = "duplicate_id"
)

// rejectReasons lists every reason, so that each counter exists from the start.
var rejectReasons = []string{RejectBadName, RejectTooLarge, RejectNotText, RejectEmpty, RejectUnreadable, RejectDuplicateID}

// RejectReason is the reason label of an error Add returns for a file it refuses, or
// "" for an error that is not a refusal (a fault of the server).
func RejectReason(err error) string {
	var dup *indexer.DuplicateIDError
	switch {
	case errors.Is(err, corpus.ErrBadName):
		return RejectBadName
	case errors.Is(err, corpus.ErrTooLarge):
		return RejectTooLarge
	case errors.Is(err, corpus.ErrNotText):
		return RejectNotText
	case errors.Is(err, corpus.ErrEmpty):
		return RejectEmpty
	case errors.Is(err, corpus.ErrUnreadable):
		return RejectUnreadable
	case errors.As(err, &dup):
		return RejectDuplicateID
	}
	return ""
}

// Stats counts what the library changed since it was opened. Files count corpus
// files (one upload is one file, which may hold several documents).
type Stats struct {
	// Added, Updated and Removed count corpus files indexed for the first time,
	// indexed again with new content, and taken out, by uploads and the watcher.
	Added, Updated, Removed uint64
	// Rejected counts refused uploads and changed files that could not be indexed,
	// by reason (RejectBadName, ...).
	Rejected map[string]uint64
	// InSync reports whether the index is known to agree with the corpus directory:
	// false while the watcher has changes not yet applied, or after a write failed.
	InSync bool
	// LastInSync is when the index last agreed with the corpus directory.
	LastInSync time.Time
}

// stats is the live form of Stats.
type stats struct {
	added, updated, removed atomic.Uint64

	mu         sync.Mutex
	rejected   map[string]uint64
	inSync     bool
	lastInSync time.Time
}

func newStats() *stats { return &stats{rejected: map[string]uint64{}} }

func (s *stats) reject(err error) {
	if r := RejectReason(err); r != "" {
		s.count(r)
	}
}

func (s *stats) count(reason string) {
	s.mu.Lock()
	s.rejected[reason]++
	s.mu.Unlock()
}

// Reject counts a file refused before it reached Add, for reason (RejectTooLarge for
// an upload whose announced length is over the limit, refused unread).
func (l *Library) Reject(reason string) {
	if slices.Contains(rejectReasons, reason) {
		l.stats.count(reason)
	}
}

// synced records that the index agrees with the corpus as of t.
func (s *stats) synced(t time.Time) {
	s.mu.Lock()
	s.inSync, s.lastInSync = true, t
	s.mu.Unlock()
}

// pending records that the directory changed and the index does not follow yet.
func (s *stats) pending() {
	s.mu.Lock()
	s.inSync = false
	s.mu.Unlock()
}

// diverged records that a write failed: the index may not agree with the corpus
// until the next successful sync.
func (s *stats) diverged() { s.pending() }

// Stats returns what the library changed since it was opened.
func (l *Library) Stats() Stats {
	s := l.stats
	s.mu.Lock()
	defer s.mu.Unlock()
	st := Stats{
		Added:      s.added.Load(),
		Updated:    s.updated.Load(),
		Removed:    s.removed.Load(),
		Rejected:   make(map[string]uint64, len(rejectReasons)),
		InSync:     s.inSync,
		LastInSync: s.lastInSync,
	}
	for _, r := range rejectReasons {
		st.Rejected[r] = s.rejected[r]
	}
	return st
}

// The Prometheus metrics of a library, reported by its Describe and Collect.
var (
	descAdded = prometheus.NewDesc("musesearch_corpus_files_added_total",
		"Corpus files indexed for the first time, by upload or the watcher.", nil, nil)
	descUpdated = prometheus.NewDesc("musesearch_corpus_files_updated_total",
		"Corpus files indexed again with new content, by upload or the watcher.", nil, nil)
	descRemoved = prometheus.NewDesc("musesearch_corpus_files_removed_total",
		"Corpus files taken out of the index, by DELETE or the watcher.", nil, nil)
	descRejected = prometheus.NewDesc("musesearch_corpus_files_rejected_total",
		"Uploads refused and changed corpus files that could not be indexed, by reason.", []string{"reason"}, nil)
	descLastInSync = prometheus.NewDesc("musesearch_index_last_in_sync_timestamp_seconds",
		"When the index last agreed with the corpus directory (Unix time).", nil, nil)
	descOutOfSync = prometheus.NewDesc("musesearch_index_out_of_sync_seconds",
		"Seconds since the index last agreed with the corpus directory; 0 while it agrees.", nil, nil)
)

// Describe sends the descriptions of the library's metrics: with Collect, a Library
// is a prometheus.Collector.
func (l *Library) Describe(ch chan<- *prometheus.Desc) {
	for _, d := range []*prometheus.Desc{descAdded, descUpdated, descRemoved, descRejected, descLastInSync, descOutOfSync} {
		ch <- d
	}
}

// Collect sends the current values of the library's metrics.
func (l *Library) Collect(ch chan<- prometheus.Metric) {
	st := l.Stats()
	ch <- prometheus.MustNewConstMetric(descAdded, prometheus.CounterValue, float64(st.Added))
	ch <- prometheus.MustNewConstMetric(descUpdated, prometheus.CounterValue, float64(st.Updated))
	ch <- prometheus.MustNewConstMetric(descRemoved, prometheus.CounterValue, float64(st.Removed))
	for _, r := range rejectReasons {
		ch <- prometheus.MustNewConstMetric(descRejected, prometheus.CounterValue, float64(st.Rejected[r]), r)
	}
	ch <- prometheus.MustNewConstMetric(descLastInSync, prometheus.GaugeValue, float64(st.LastInSync.UnixNano())/1e9)
	behind := 0.0
	if !st.InSync {
		behind = time.Since(st.LastInSync).Seconds()
	}
	ch <- prometheus.MustNewConstMetric(descOutOfSync, prometheus.GaugeValue, behind)
}
