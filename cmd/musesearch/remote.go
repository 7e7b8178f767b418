package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"time"

	"musesearch/search"
	"musesearch/web"
)

// remoteTimeout bounds a search asked of a running server.
const remoteTimeout = 30 * time.Second

// searchServer answers req by asking the server at base, which holds the index: its
// GET /api/search takes the same request and answers the object --json prints.
func searchServer(ctx context.Context, base string, req search.Request, asJSON bool, stdout, stderr io.Writer) error {
	ctx, cancel := context.WithTimeout(ctx, remoteTimeout)
	defer cancel()
	u := base + "/api/search?" + web.APIValues(req).Encode()
	hreq, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return err
	}
	resp, err := http.DefaultClient.Do(hreq)
	if err != nil {
		return fmt.Errorf("the index is held by a server at %s that does not answer (%v); stop it or wait until it is up", base, err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, maxRemoteBody))
	if err != nil {
		return fmt.Errorf("read the answer of the server at %s: %w", base, err)
	}
	if resp.StatusCode != http.StatusOK {
		var e struct {
			Error string `json:"error"`
		}
		_ = json.Unmarshal(body, &e) // a body without a sentence still has a status
		if e.Error == "" {
			e.Error = resp.Status
		}
		if resp.StatusCode >= 400 && resp.StatusCode < 500 {
			fmt.Fprintln(stderr, "musesearch search:", e.Error)
			return errUsage
		}
		return fmt.Errorf("the server at %s, which holds the index, answered: %s", base, e.Error)
	}
	if asJSON {
		_, err := stdout.Write(body)
		return err
	}
	var answer web.SearchJSON
	if err := json.Unmarshal(body, &answer); err != nil {
		return fmt.Errorf("the server at %s answered something that is not a search response: %w", base, err)
	}
	r, err := answer.Response()
	if err != nil {
		return fmt.Errorf("the server at %s answered a search response this command cannot read: %w", base, err)
	}
	printHits(stdout, r, isTerminal(stdout))
	return nil
}

// maxRemoteBody bounds the answer read from a server: a page of MaxSize hits is far
// smaller.
const maxRemoteBody = 32 << 20
