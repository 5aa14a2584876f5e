// Package cloud is the one HTTP stack the provider uses for every service: endpoints, credentials (token,
// AK/SK signing, IAM password), retries, logging and the API error type, with typed calls grouped per service.
package cloud

import (
	"bytes"
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"maps"
	"net/http"
	"net/http/httptrace"
	"net/url"
	"slices"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/hashicorp/go-cleanhttp"
	"github.com/hashicorp/go-retryablehttp"
	"golang.org/x/net/http/httpproxy"
	"golang.org/x/sync/errgroup"
)

const maxResponseBytes = 8 << 20

// Client talks to every service of one cloud account. It is safe for concurrent use; the provider builds
// one per provider instance.
type Client struct {
	cfg   Config
	http  *retryablehttp.Client
	creds credentials
	locks keyedMutex

	projectMu sync.Mutex
	projectID string
	// resolvedProject mirrors projectID for the transport, which must not wait on projectMu: resolving
	// the project is itself a call through the transport.
	resolvedProject atomic.Value
	// resolvedDomain is the account AK/SK callers of account-scoped services name in X-Domain-Id.
	domainMu       sync.Mutex
	resolvedDomain atomic.Value

	sharedMu sync.Mutex
	shared   map[any]any

	pacers pacers // one per endpoint (pacer.go)
}

// New builds a client. It does not contact the cloud: credentials are exchanged and the project ID is
// resolved on the first call that needs them.
func New(cfg Config) (*Client, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	if cfg.RetryWaitMin == 0 {
		cfg.RetryWaitMin = time.Second
	}
	if cfg.RetryWaitMax == 0 {
		cfg.RetryWaitMax = 30 * time.Second
	}
	if cfg.UserAgent == "" {
		cfg.UserAgent = "terraform-provider-authz/dev"
	}
	c := &Client{cfg: cfg, projectID: cfg.ProjectID, pacers: pacers{perSecond: cfg.RequestsPerSecond}}
	c.resolvedProject.Store(cfg.ProjectID)
	c.resolvedDomain.Store(cfg.DomainID)

	base, err := transport(cfg)
	if err != nil {
		return nil, err
	}
	mode, _ := cfg.AuthMode()
	switch mode {
	case AuthToken:
		c.creds = staticToken(cfg.Token)
	case AuthAKSK:
		c.creds = accessKey{ak: cfg.AccessKey, sk: cfg.SecretKey, securityToken: cfg.SecurityToken}
	case AuthPassword:
		c.creds = passwordLogin(c)
	}
	c.creds = c.temporaryCredentials(c.creds) // temporary.go: agencies, OIDC, instance metadata

	rc := retryablehttp.NewClient()
	// Every attempt waits for its endpoint's pacer first; credentials are added (and signatures dated) after
	// that wait, and before logging so the log shows what was really sent (masked).
	rc.HTTPClient = &http.Client{Transport: pacingTransport{next: &authTransport{next: &loggingTransport{next: connTracker{next: base}}, client: c}}}
	rc.Logger = nil           // loggingTransport logs every attempt through terraform-plugin-log
	rc.RetryMax = maxAttempts // checkRetry counts: cfg.MaxRetries for failures, the deadline for throttling
	rc.RetryWaitMin = cfg.RetryWaitMin
	rc.RetryWaitMax = cfg.RetryWaitMax
	rc.CheckRetry = checkRetry
	rc.Backoff = backoff
	rc.ErrorHandler = retryablehttp.PassthroughErrorHandler
	c.http = rc
	return c, nil
}

// maxIdleConnsPerHost is how many idle connections to one host the pool keeps.
const maxIdleConnsPerHost = 32

// transport is the connection pool under every call: the proxy the environment names now, and the CA
// certificates and verification the configuration asks for.
func transport(cfg Config) (*http.Transport, error) {
	base := cleanhttp.DefaultPooledTransport()
	// Terraform runs up to 10 operations at once (-parallelism), more with a higher setting, and most go to
	// one or two hosts: keep their connections open between calls instead of the pool's default of
	// GOMAXPROCS+1, which closes and reopens connections throughout a refresh of many resources.
	base.MaxIdleConnsPerHost = maxIdleConnsPerHost
	// Read the environment per client, not once per process as http.ProxyFromEnvironment does. Like it, this
	// never proxies localhost or loopback addresses.
	proxy := httpproxy.FromEnvironment().ProxyFunc()
	base.Proxy = func(req *http.Request) (*url.URL, error) { return proxy(req.URL) }
	pool, err := cfg.caCertPool()
	if err != nil {
		return nil, err
	}
	if pool != nil || cfg.Insecure {
		base.TLSClientConfig = &tls.Config{
			RootCAs:            pool,
			InsecureSkipVerify: cfg.Insecure, //nolint:gosec // the user asked for it
		}
	}
	return base, nil
}

// connectedKey holds, in a call's context, whether any attempt of the call got a connection: until one has
// (dialled, through the proxy, certificate verified) nothing can have been sent.
type connectedKey struct{}

// connTracker records in the call's context when an attempt gets a connection. It sits below authTransport, so
// the connections of an IAM login made on the way count for the login's call, not for the one that waited.
type connTracker struct{ next http.RoundTripper }

func (t connTracker) RoundTrip(req *http.Request) (*http.Response, error) {
	if connected, ok := req.Context().Value(connectedKey{}).(*atomic.Bool); ok {
		trace := &httptrace.ClientTrace{GotConn: func(httptrace.GotConnInfo) { connected.Store(true) }}
		req = req.WithContext(httptrace.WithClientTrace(req.Context(), trace))
	}
	return t.next.RoundTrip(req)
}

// Config returns the configuration the client was built with.
func (c *Client) Config() Config { return c.cfg }

// call describes one API call.
type call struct {
	service Service
	method  string
	path    string // already escaped and filled in
	query   url.Values
	body    any // JSON-encoded when not nil
	out     any // JSON-decoded from a 2xx body when not nil
	noAuth  bool
	// headers are sent with the request besides the usual ones.
	headers map[string]string
	// idempotent marks a POST that may be repeated safely (an IAM login), so it is retried like a GET.
	idempotent bool
	// header receives the response headers when not nil (IAM returns its token in one).
	header *http.Header
	// creds, when set, authenticate the call instead of the client's: the IAM exchanges of temporary.go,
	// made with the credentials they start from.
	creds credentials
	// base, when set, is the base URL instead of the service's endpoint (the instance metadata service).
	base string
}

// do runs one call: encodes, sends with retries and credentials, decodes the answer or turns it into an *APIError.
func (c *Client) do(ctx context.Context, cl call) error {
	op := cl.method + " " + cl.path
	endpoint, err := c.cfg.Endpoint(cl.service)
	if cl.base != "" {
		endpoint, err = cl.base, nil
	}
	if err != nil {
		return notSent(op, err)
	}
	u := endpoint + cl.path
	if len(cl.query) > 0 {
		u += "?" + cl.query.Encode()
	}
	var body []byte
	if cl.body != nil {
		if body, err = json.Marshal(cl.body); err != nil {
			return notSent(op, fmt.Errorf("encoding the body: %w", err))
		}
	}
	info := callInfo{service: cl.service, idempotent: cl.method != http.MethodPost || cl.idempotent, noAuth: cl.noAuth, last: &lastAnswer{},
		pacer: c.pacers.of(endpoint), maxRetries: c.cfg.MaxRetries, retries: new(atomic.Int64), start: time.Now(), creds: cl.creds}
	ctx = context.WithValue(ctx, callKey{}, info)
	connected := new(atomic.Bool)
	ctx = context.WithValue(ctx, connectedKey{}, connected)
	req, err := retryablehttp.NewRequestWithContext(ctx, cl.method, u, bodyOrNil(body))
	if err != nil {
		return notSent(op, err)
	}
	req.Header.Set("User-Agent", c.cfg.UserAgent)
	req.Header.Set("Accept", "application/json")
	if body != nil {
		req.Header.Set("Content-Type", "application/json;charset=UTF-8")
	} else {
		req.Header.Set("Content-Type", "application/json")
	}
	for k, v := range cl.headers {
		req.Header.Set(k, v)
	}

	resp, err := c.http.Do(req)
	if err != nil {
		if ctx.Err() != nil {
			return &IncompleteError{Operation: cl.method + " " + cl.path, Err: context.Cause(ctx), Last: info.last.get()}
		}
		if unknownAuthority := (x509.UnknownAuthorityError{}); errors.As(err, &unknownAuthority) {
			err = fmt.Errorf("%w; if a private CA or a TLS-inspecting proxy signed this certificate, trust it with cacert_file (or HW_CACERT_FILE)", err)
		}
		if !connected.Load() {
			return notSent(op, err)
		}
		return fmt.Errorf("%s: %w", op, err)
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(io.LimitReader(resp.Body, maxResponseBytes))
	if err != nil {
		return fmt.Errorf("%s %s: reading response: %w", cl.method, cl.path, err)
	}
	if apiErr := services[cl.service].failure(resp.StatusCode, resp.Header, data); apiErr != nil {
		apiErr.Operation = cl.method + " " + cl.path
		if resp.StatusCode == http.StatusUnauthorized || resp.StatusCode == http.StatusForbidden {
			apiErr.Hint = c.credentialsHint()
		}
		return apiErr
	}
	if cl.header != nil {
		*cl.header = resp.Header
	}
	if cl.out != nil && len(bytes.TrimSpace(data)) > 0 {
		if err := json.Unmarshal(data, cl.out); err != nil {
			return fmt.Errorf("%s %s: decoding response: %w", cl.method, cl.path, err)
		}
	}
	return nil
}

func bodyOrNil(b []byte) any {
	if b == nil {
		return nil
	}
	return b
}

// DomainID returns the account (domain) that account-scoped calls act for: the configured one, or for an
// AK/SK caller the one IAM names, asked once. Token and password callers need none: their token tells.
func (c *Client) DomainID(ctx context.Context) (string, error) {
	if id, _ := c.resolvedDomain.Load().(string); id != "" {
		return id, nil
	}
	if !signsRequests(c.creds) {
		return "", nil
	}
	c.domainMu.Lock()
	defer c.domainMu.Unlock()
	if id, _ := c.resolvedDomain.Load().(string); id != "" {
		return id, nil
	}
	domains, err := c.IAM().ListAuthDomains(ctx)
	if err != nil {
		return "", notSent("finding the account of the access key", err)
	}
	if len(domains) != 1 {
		return "", notSent("finding the account of the access key", fmt.Errorf("IAM names %d accounts for these credentials; set domain_id", len(domains)))
	}
	c.resolvedDomain.Store(domains[0].ID)
	return domains[0].ID, nil
}

// credentialsHint tells where the credentials of a refused call came from.
func (c *Client) credentialsHint() string {
	if c.cfg.CredentialsFrom == "" {
		return ""
	}
	return "The credentials were taken from the environment variables " + c.cfg.CredentialsFrom + "; check them."
}

// ProjectID returns the project every project-scoped call addresses, resolving a project name through IAM
// the first time it is needed. A failure means the call that needed it was never sent.
func (c *Client) ProjectID(ctx context.Context) (string, error) {
	id, err := c.resolveProjectID(ctx)
	return id, notSent("addressing the project", err)
}

func (c *Client) resolveProjectID(ctx context.Context) (string, error) {
	c.projectMu.Lock()
	defer c.projectMu.Unlock()
	if c.projectID != "" {
		return c.projectID, nil
	}
	name := c.cfg.ProjectName
	if name == "" {
		name = c.cfg.Region
	}
	if name == "" {
		return "", errors.New("project_id, project_name or region is required to address the project")
	}
	// A password login or an agency's token scoped by name already tells the ID.
	if p, ok := c.creds.(interface {
		projectID(context.Context) (string, error)
	}); ok {
		id, err := p.projectID(ctx)
		if err != nil {
			return "", err
		}
		if id != "" {
			c.projectID = id
			c.resolvedProject.Store(id)
			return id, nil
		}
	}
	projects, err := c.IAM().ListProjects(ctx, name)
	if err != nil {
		return "", fmt.Errorf("resolving project %q: %w", name, err)
	}
	idx := slices.IndexFunc(projects, func(p Project) bool { return p.Name == name })
	if idx < 0 {
		return "", fmt.Errorf("resolving project %q: no project with that name is visible to these credentials", name)
	}
	c.projectID = projects[idx].ID
	c.resolvedProject.Store(c.projectID)
	return c.projectID, nil
}

// Lock takes the write lock of key, waiting at most until ctx ends, and returns its unlock function. Services
// that refuse concurrent writes to one object (the gateways, per app) write under such a lock.
func (c *Client) Lock(ctx context.Context, key string) (unlock func(), err error) {
	return c.locks.lock(ctx, key)
}

// Shared returns this client's value for key, made by init on first use: state the resources of a service
// share for the life of the provider, such as list caches and write batches.
func (c *Client) Shared(key any, init func() any) any {
	c.sharedMu.Lock()
	defer c.sharedMu.Unlock()
	if v, ok := c.shared[key]; ok {
		return v
	}
	if c.shared == nil {
		c.shared = map[any]any{}
	}
	v := init()
	c.shared[key] = v
	return v
}

// listPages reads the whole GET list described by list (its service, path, query and headers), whose items sit
// under itemsKey and whose number of matches sits under totalKey, pageSize items at a time.
//
// Offset paging is not a snapshot: an item added or removed before the offset between two page reads shifts
// the rest, and one item would be read twice or never. An item never read is a resource "gone" that still
// grants access. So each page after the first starts on the last item of the page before, which must come
// back the same, and every page must count the same total; when they do not, the list changed while it was
// read, and it is read again (at most maxListReads times, then the call fails rather than answer wrongly).
// The first page tells how many pages follow; they are read at most listConcurrency at a time.
func listPages[T any](ctx context.Context, c *Client, list call, itemsKey, totalKey string, pageSize int) ([]T, error) {
	for read := 1; ; read++ {
		items, err := readPages[T](ctx, c, list, itemsKey, totalKey, pageSize)
		if errors.Is(err, errListChanged) && read < maxListReads {
			continue
		}
		if errors.Is(err, errListChanged) {
			return nil, fmt.Errorf("listing %s: %w while its pages were read, %d times in a row", list.path, err, read)
		}
		return items, err
	}
}

const (
	maxListReads    = 3
	listConcurrency = 4
)

var errListChanged = errors.New("the list changed")

// readPages reads every page of a list once; see listPages.
func readPages[T any](ctx context.Context, c *Client, list call, itemsKey, totalKey string, pageSize int) ([]T, error) {
	first, total, err := readPage[T](ctx, c, list, itemsKey, totalKey, 0, pageSize)
	if err != nil || len(first) == 0 || len(first) >= total {
		return first, err
	}
	// The server may serve fewer items than asked: its page size is what the first page holds.
	per, overlap := len(first), 1
	if per == 1 {
		overlap = 0 // nothing to compare without shrinking the page to nothing
	}
	step := per - overlap
	pages := make([][]T, 1+(total-per+step-1)/step)
	pages[0] = first
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(listConcurrency)
	for k := 1; k < len(pages); k++ {
		g.Go(func() error {
			items, pageTotal, err := readPage[T](gctx, c, list, itemsKey, totalKey, k*step, per)
			if err != nil {
				return err
			}
			want := per
			if k == len(pages)-1 {
				want = total - k*step
			}
			if pageTotal != total || len(items) != want {
				return errListChanged
			}
			pages[k] = items
			return nil
		})
	}
	if err := g.Wait(); err != nil {
		return nil, err
	}
	all := make([]T, 0, total)
	all = append(all, first...)
	for k := 1; k < len(pages); k++ {
		if overlap == 1 && !sameItem(pages[k][0], pages[k-1][per-1]) {
			return nil, errListChanged
		}
		all = append(all, pages[k][overlap:]...)
	}
	return all, nil
}

// sameItem reports whether two decoded items say the same, compared as JSON: what the server sent, without the
// pitfalls of comparing Go values (time zones, nil and empty slices).
func sameItem[T any](a, b T) bool {
	ja, errA := json.Marshal(a)
	jb, errB := json.Marshal(b)
	return errA == nil && errB == nil && bytes.Equal(ja, jb)
}

// readPage reads limit items of a list from offset, and the total it reports.
func readPage[T any](ctx context.Context, c *Client, list call, itemsKey, totalKey string, offset, limit int) ([]T, int, error) {
	q := url.Values{}
	maps.Copy(q, list.query)
	q.Set("offset", strconv.Itoa(offset))
	q.Set("limit", strconv.Itoa(limit))
	var page map[string]json.RawMessage
	if err := c.do(ctx, call{service: list.service, method: http.MethodGet, path: list.path, query: q, out: &page, headers: list.headers}); err != nil {
		return nil, 0, err
	}
	var items []T
	if raw, ok := page[itemsKey]; ok {
		if err := json.Unmarshal(raw, &items); err != nil {
			return nil, 0, fmt.Errorf("decoding %s: %w", list.path, err)
		}
	}
	var total int
	if raw, ok := page[totalKey]; ok {
		_ = json.Unmarshal(raw, &total)
	}
	return items, total, nil
}
