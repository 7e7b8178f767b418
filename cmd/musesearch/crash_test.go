package main

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"musesearch/corpus"
)

// crashToken is the admin token of the servers the crash test starts.
const crashToken = "crash-test-token"

// TestCrashLosesNothing starts the real binary, uploads, replaces and deletes
// documents from several clients at once, kills the server with SIGKILL at a random
// moment, restarts it and checks that the corpus and the index agree: every
// acknowledged document is searchable with its acknowledged content, every file on
// disk is indexed, nothing else is, and no temporary file is left. It repeats for
// several rounds. MUSESEARCH_CRASH_SEED replays a run.
func TestCrashLosesNothing(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary and kills it repeatedly")
	}
	seed := uint64(time.Now().UnixNano())
	if s := os.Getenv("MUSESEARCH_CRASH_SEED"); s != "" {
		var err error
		if seed, err = strconv.ParseUint(s, 10, 64); err != nil {
			t.Fatalf("MUSESEARCH_CRASH_SEED=%q: %v", s, err)
		}
	}
	t.Logf("seed %d (MUSESEARCH_CRASH_SEED=%d replays it)", seed, seed)
	rng := rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))

	dir := t.TempDir()
	bin := filepath.Join(dir, "musesearch")
	if out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	corpusDir, indexDir := filepath.Join(dir, "corpus"), filepath.Join(dir, "index")
	if err := os.Mkdir(corpusDir, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(corpusDir, "seed.txt"), []byte(document("seed", 0)), 0o644); err != nil {
		t.Fatal(err)
	}

	ledger := newLedger()
	ledger.acked["seed.txt"] = wordFor("seed", 0)
	const rounds, clients = 5, 4
	for round := range rounds {
		srv := startServer(t, bin, corpusDir, indexDir)
		checkAgreement(t, srv, corpusDir, ledger)
		if t.Failed() {
			srv.kill()
			t.Fatalf("round %d: corpus and index disagree after the restart; server log:\n%s", round, srv.log())
		}
		if round == 0 {
			requireWriteAPI(t, srv)
			checkIndexIsLocked(t, bin, corpusDir, indexDir)
		}
		ctx, stop := context.WithCancel(context.Background())
		var wg sync.WaitGroup
		for c := range clients {
			wg.Add(1)
			go func() {
				defer wg.Done()
				ledger.work(ctx, srv.base, fmt.Sprintf("r%dc%d", round, c), rand.New(rand.NewPCG(seed+uint64(round), uint64(c))))
			}()
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			dropFiles(ctx, corpusDir, fmt.Sprintf("r%dd", round))
		}()
		time.Sleep(time.Duration(100+rng.IntN(900)) * time.Millisecond)
		srv.kill()
		stop()
		wg.Wait()
		t.Logf("round %d: %d documents acknowledged so far", round, ledger.count())
	}
	srv := startServer(t, bin, corpusDir, indexDir)
	checkAgreement(t, srv, corpusDir, ledger)
	if t.Failed() {
		t.Logf("server log:\n%s", srv.log())
	}
	srv.stop(t)
	if ledger.count() <= 1 {
		t.Errorf("no upload was acknowledged in %d rounds: the test proved nothing", rounds)
	}
}

// requireWriteAPI skips the test while serve has no write API to crash (the routes
// answer 404 or 405 without one).
func requireWriteAPI(t *testing.T, srv *server) {
	t.Helper()
	res, err := http.Post(srv.base+"/api/reindex", "text/plain", nil)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode == http.StatusNotFound || res.StatusCode == http.StatusMethodNotAllowed {
		srv.kill()
		t.Skipf("serve has no write API yet (POST /api/reindex answers %d)", res.StatusCode)
	}
}

// checkIndexIsLocked runs `musesearch index` while a server holds the index: it
// must refuse in one sentence that says how to ask the server instead.
func checkIndexIsLocked(t *testing.T, bin, corpusDir, indexDir string) {
	t.Helper()
	var stderr strings.Builder
	cmd := exec.Command(bin, "index", "--corpus", corpusDir, "--index", indexDir)
	cmd.Stderr = &stderr
	err := cmd.Run()
	msg := strings.TrimSpace(stderr.String())
	if cmd.ProcessState == nil || cmd.ProcessState.ExitCode() != 1 || strings.Count(msg, "\n") != 0 ||
		!strings.Contains(msg, "locked by a running server") || !strings.Contains(msg, "POST /api/reindex") {
		t.Errorf("musesearch index while serving: %v, stderr %q; want exit 1 and one line naming the server and POST /api/reindex", err, msg)
	}
}

// server is one running musesearch serve process.
type server struct {
	cmd  *exec.Cmd
	base string
	out  *strings.Builder
	mu   *sync.Mutex
	done chan struct{}
}

// startServer starts the binary on a free loopback port and waits until it is ready.
func startServer(t *testing.T, bin, corpusDir, indexDir string) *server {
	t.Helper()
	cmd := exec.Command(bin, "serve", "--addr", "127.0.0.1:0", "--corpus", corpusDir, "--index", indexDir)
	cmd.Env = append(os.Environ(), "MUSESEARCH_ADMIN_TOKEN="+crashToken)
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	s := &server{cmd: cmd, out: &strings.Builder{}, mu: &sync.Mutex{}, done: make(chan struct{})}
	cmd.Stderr = writerFunc(func(p []byte) (int, error) {
		s.mu.Lock()
		defer s.mu.Unlock()
		return s.out.Write(p)
	})
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() { cmd.Wait(); close(s.done) }()
	line, err := bufio.NewReader(stdout).ReadString('\n')
	if err != nil {
		s.kill()
		t.Fatalf("serve printed no address: %v\n%s", err, s.log())
	}
	go io.Copy(io.Discard, stdout)
	s.base = strings.TrimSpace(strings.TrimPrefix(line, "musesearch: serving "))
	deadline := time.Now().Add(2 * time.Minute)
	for {
		if res, err := http.Get(s.base + "/readyz"); err == nil {
			res.Body.Close()
			if res.StatusCode == http.StatusOK {
				return s
			}
		}
		select {
		case <-s.done:
			t.Fatalf("serve exited before it was ready:\n%s", s.log())
		default:
		}
		if time.Now().After(deadline) {
			s.kill()
			t.Fatalf("serve not ready within 2 minutes:\n%s", s.log())
		}
		time.Sleep(50 * time.Millisecond)
	}
}

func (s *server) log() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.out.String()
}

// kill ends the server with SIGKILL, as a crash or the OOM killer would.
func (s *server) kill() {
	s.cmd.Process.Signal(syscall.SIGKILL)
	<-s.done
}

// stop ends the server with SIGTERM and expects a clean exit.
func (s *server) stop(t *testing.T) {
	t.Helper()
	s.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-s.done:
		if !s.cmd.ProcessState.Success() {
			t.Errorf("serve exited with %v after SIGTERM:\n%s", s.cmd.ProcessState, s.log())
		}
	case <-time.After(30 * time.Second):
		s.kill()
		t.Errorf("serve did not stop within 30 s of SIGTERM")
	}
}

type writerFunc func([]byte) (int, error)

func (f writerFunc) Write(p []byte) (int, error) { return f(p) }

// ledger is what the clients were told: the word of the acknowledged content of each
// file, and the files whose last change was in flight when the server died (their
// state is either; only the agreement of corpus and index is checked for them).
type ledger struct {
	mu        sync.Mutex
	acked     map[string]string // file name -> the word its acknowledged content holds
	uncertain map[string]bool
}

func newLedger() *ledger {
	return &ledger{acked: map[string]string{}, uncertain: map[string]bool{}}
}

func (l *ledger) count() int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return len(l.acked)
}

// work uploads, replaces and deletes documents named after client until ctx ends or
// the server stops answering.
func (l *ledger) work(ctx context.Context, base, client string, rng *rand.Rand) {
	hc := &http.Client{Timeout: 30 * time.Second}
	var mine []string
	for i := 0; ctx.Err() == nil; i++ {
		var name, word string
		var req *http.Request
		switch r := rng.IntN(20); {
		case r == 0: // a full sync
			req, _ = http.NewRequest(http.MethodPost, base+"/api/reindex", nil)
		case r < 4 && len(mine) > 0: // delete one of ours
			name = mine[rng.IntN(len(mine))]
			req, _ = http.NewRequest(http.MethodDelete, base+"/api/documents/"+strings.TrimSuffix(name, ".txt"), nil)
		case r < 8 && len(mine) > 0: // replace one of ours
			name = mine[rng.IntN(len(mine))]
			word = wordFor(client, i)
			req, _ = http.NewRequest(http.MethodPost, base+"/api/documents?name="+url.QueryEscape(name), strings.NewReader(document(client, i)))
		default: // a new document
			name = fmt.Sprintf("%s-%d.txt", client, i)
			word = wordFor(client, i)
			req, _ = http.NewRequest(http.MethodPost, base+"/api/documents?name="+url.QueryEscape(name), strings.NewReader(document(client, i)))
		}
		req.Header.Set("Authorization", "Bearer "+crashToken)
		if name != "" {
			l.mu.Lock()
			l.uncertain[name] = true
			l.mu.Unlock()
		}
		res, err := hc.Do(req.WithContext(ctx))
		if err != nil {
			return // the server died with this change in flight: it stays uncertain
		}
		io.Copy(io.Discard, res.Body)
		res.Body.Close()
		l.mu.Lock()
		switch {
		case res.StatusCode == http.StatusCreated:
			l.acked[name] = word
			delete(l.uncertain, name)
			if !contains(mine, name) {
				mine = append(mine, name)
			}
		case req.Method == http.MethodDelete && res.StatusCode == http.StatusOK:
			delete(l.acked, name)
			delete(l.uncertain, name)
			mine = remove(mine, name)
		}
		// Any other answer (the server stopping) leaves the change uncertain.
		l.mu.Unlock()
	}
}

func contains(names []string, name string) bool {
	for _, n := range names {
		if n == name {
			return true
		}
	}
	return false
}

func remove(names []string, name string) []string {
	out := names[:0]
	for _, n := range names {
		if n != name {
			out = append(out, n)
		}
	}
	return out
}

// dropFiles writes, rewrites and removes corpus files directly, as cp or an editor
// would, until ctx ends: the server's watcher follows them, and whatever is on disk
// when it dies must be indexed after the restart.
func dropFiles(ctx context.Context, corpusDir, prefix string) {
	for i := 0; ctx.Err() == nil; i++ {
		name := filepath.Join(corpusDir, fmt.Sprintf("%s-%d.txt", prefix, i%7))
		if i%5 == 4 {
			os.Remove(name)
		} else {
			os.WriteFile(name, []byte(document(prefix, i)), 0o644)
		}
		time.Sleep(15 * time.Millisecond)
	}
}

// wordFor is a word found only in version i of client's document: letters only, so
// that every analyser keeps it whole.
func wordFor(client string, i int) string {
	var b strings.Builder
	b.WriteString("zq")
	for _, r := range client + "x" + strconv.Itoa(i) {
		b.WriteByte(byte('a' + int(r)%26))
	}
	return b.String()
}

// document is version i of client's document.
func document(client string, i int) string {
	return fmt.Sprintf("Muse cell trial report %s %d\n\nThis report on Muse cells in stroke holds the word %s.\n", client, i, wordFor(client, i))
}

// checkAgreement checks, on a freshly started server, that every acknowledged
// document is searchable with its acknowledged content, that every corpus file is
// indexed and nothing else is, and that no temporary file is left.
func checkAgreement(t *testing.T, srv *server, corpusDir string, l *ledger) {
	t.Helper()
	l.mu.Lock()
	defer l.mu.Unlock()
	entries, err := os.ReadDir(corpusDir)
	if err != nil {
		t.Fatal(err)
	}
	onDisk := map[string]bool{}
	for _, e := range entries {
		if corpus.ValidName(e.Name()) != nil {
			t.Errorf("%s left in the corpus directory", e.Name())
			continue
		}
		onDisk[e.Name()] = true
		var doc struct{ Source string }
		if st := getJSON(t, srv.base+"/api/documents/"+strings.TrimSuffix(e.Name(), filepath.Ext(e.Name())), &doc); st != http.StatusOK || doc.Source != e.Name() {
			t.Errorf("%s is on disk but its document answers %d (source %q)", e.Name(), st, doc.Source)
		}
	}
	for name, word := range l.acked {
		if l.uncertain[name] {
			continue
		}
		if !onDisk[name] {
			t.Errorf("acknowledged %s is missing from the corpus directory", name)
			continue
		}
		var doc struct {
			Sections []struct{ Text string }
		}
		id := strings.TrimSuffix(name, filepath.Ext(name))
		if st := getJSON(t, srv.base+"/api/documents/"+id, &doc); st != http.StatusOK || len(doc.Sections) == 0 || !strings.Contains(doc.Sections[0].Text, word) {
			t.Errorf("document %s: %d, %+v; want the acknowledged content, with %s", id, st, doc, word)
		}
		var res struct {
			Hits []struct {
				Source string `json:"source"`
			} `json:"hits"`
		}
		st := getJSON(t, srv.base+"/api/search?q="+word, &res)
		found := false
		for _, h := range res.Hits {
			found = found || h.Source == name
		}
		if st != http.StatusOK || !found {
			t.Errorf("search %s (acknowledged in %s): %d, hits %+v", word, name, st, res.Hits)
		}
	}
	var all struct{ Total int }
	if st := getJSON(t, srv.base+"/api/search?group=doc&size=0", &all); st != http.StatusOK || all.Total != len(onDisk) {
		t.Errorf("the index holds %d documents (status %d), the corpus directory %d files", all.Total, st, len(onDisk))
	}
}

func getJSON(t *testing.T, u string, v any) int {
	t.Helper()
	res, err := http.Get(u)
	if err != nil {
		t.Errorf("GET %s: %v", u, err)
		return 0
	}
	defer res.Body.Close()
	if res.StatusCode == http.StatusOK {
		if err := json.NewDecoder(res.Body).Decode(v); err != nil {
			t.Errorf("GET %s: %v", u, err)
		}
	}
	return res.StatusCode
}
