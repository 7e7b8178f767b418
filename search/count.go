package search

import (
	"context"
	"fmt"
)

// Counts are how many documents and sections the index holds.
type Counts struct {
	Documents, Sections int
}

// Count returns how many documents and sections the index holds.
func (e *Engine) Count(ctx context.Context) (Counts, error) {
	docs, err := e.ix.DocumentCount(ctx)
	if err != nil {
		return Counts{}, fmt.Errorf("count documents: %w", err)
	}
	sections, err := e.ix.DocCount()
	if err != nil {
		return Counts{}, fmt.Errorf("count sections: %w", err)
	}
	return Counts{Documents: int(docs), Sections: int(sections)}, nil
}
