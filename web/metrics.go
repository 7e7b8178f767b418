package web

import (
	"context"
	"log/slog"
	"strconv"
	"time"

	"github.com/labstack/echo/v4"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// metrics are the server's Prometheus metrics, on a registry of its own so that two
// servers in one process (as in tests) never collide.
type metrics struct {
	registry        *prometheus.Registry
	requests        *prometheus.CounterVec
	requestDuration *prometheus.HistogramVec
	searchDuration  prometheus.Histogram
}

// newMetrics registers the metrics; index, when not nil, counts what the index holds.
func newMetrics(index prometheus.Collector) *metrics {
	m := &metrics{
		registry: prometheus.NewRegistry(),
		requests: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "musesearch_http_requests_total",
			Help: "HTTP requests answered, by route pattern, method and status code.",
		}, []string{"route", "method", "code"}),
		requestDuration: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "musesearch_http_request_duration_seconds",
			Help:    "Time to answer an HTTP request, by route pattern.",
			Buckets: prometheus.ExponentialBuckets(0.0005, 2, 14),
		}, []string{"route"}),
		searchDuration: prometheus.NewHistogram(prometheus.HistogramOpts{
			Name:    "musesearch_search_duration_seconds",
			Help:    "Time the search engine takes to answer one search.",
			Buckets: prometheus.ExponentialBuckets(0.0002, 2, 14),
		}),
	}
	m.registry.MustRegister(m.requests, m.requestDuration, m.searchDuration, index,
		collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	return m
}

// indexCollector reports how many documents and sections the index holds, counted by
// the engine at each scrape, so the figures follow every change to the index.
type indexCollector struct {
	s                   *Server
	documents, sections *prometheus.Desc
}

// countTimeout bounds the counting of one scrape.
const countTimeout = 5 * time.Second

func newIndexCollector(s *Server) *indexCollector {
	return &indexCollector{
		s:         s,
		documents: prometheus.NewDesc("musesearch_index_documents", "Documents the index holds.", nil, nil),
		sections:  prometheus.NewDesc("musesearch_index_sections", "Sections (searchable passages) the index holds.", nil, nil),
	}
}

// Describe sends the descriptions of the index gauges.
func (c *indexCollector) Describe(ch chan<- *prometheus.Desc) {
	ch <- c.documents
	ch <- c.sections
}

// Collect reports the engine's counts of documents and sections; before the index is
// open it reports nothing.
func (c *indexCollector) Collect(ch chan<- prometheus.Metric) {
	sr, err := c.s.engine()
	if err != nil {
		return
	}
	ctx, cancel := context.WithTimeout(context.Background(), countTimeout)
	defer cancel()
	n, err := sr.Count(ctx)
	if err != nil {
		c.s.logger.Warn("count the index for the metrics", slog.String(logError, err.Error()))
		return
	}
	ch <- prometheus.MustNewConstMetric(c.documents, prometheus.GaugeValue, float64(n.Documents))
	ch <- prometheus.MustNewConstMetric(c.sections, prometheus.GaugeValue, float64(n.Sections))
}

// observeRequest counts one answered request.
func (m *metrics) observeRequest(route, method string, status int, elapsed time.Duration) {
	m.requests.WithLabelValues(route, method, strconv.Itoa(status)).Inc()
	m.requestDuration.WithLabelValues(route).Observe(elapsed.Seconds())
}

// handler serves the metrics in the Prometheus exposition format.
func (m *metrics) handler() echo.HandlerFunc {
	return echo.WrapHandler(promhttp.HandlerFor(m.registry, promhttp.HandlerOpts{}))
}
