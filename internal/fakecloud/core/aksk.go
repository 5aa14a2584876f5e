package core

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"maps"
	"net/http"
	"slices"
	"strings"
	"time"
)

// AK/SK request signing as the clouds' API gateway verifies it (api-notes.md §0); the client side is the
// official SDK's core/auth/signer package, which the tests use to prove the two agree.
const (
	signAlgorithm  = "SDK-HMAC-SHA256"
	sdkDateFormat  = "20060102T150405Z"
	headerSdkDate  = "X-Sdk-Date"
	headerBodyHash = "X-Sdk-Content-Sha256" // replaces the body hash when signed, e.g. UNSIGNED-PAYLOAD
)

// verifySignature checks the Authorization header of an AK/SK caller, answering failures in the service's
// codes, and returns the key: the account's permanent one, or a temporary one (sts.go), which is refused once
// expired and needs its own X-Security-Token. With the permanent key, X-Security-Token is accepted unchecked.
func (s *Server) verifySignature(r *http.Request, body []byte, errs ServiceErrors) (tempKey, *Error) {
	ak, signedHeaders, signature, ok := parseAuthorization(r.Header.Get("Authorization"))
	if !ok {
		return tempKey{}, errs.SignatureMalformed.With()
	}
	dateValue := r.Header.Get(headerSdkDate)
	date, err := time.Parse(sdkDateFormat, dateValue)
	if err != nil {
		return tempKey{}, errs.SignatureMalformed.With()
	}
	key := tempKey{secret: DefaultSecretKey, principal: principalUser}
	if ak != DefaultAccessKey {
		s.mu.Lock()
		temp, known := s.id.tempKeys[ak]
		s.mu.Unlock()
		switch {
		case !known || !hmac.Equal([]byte(temp.securityToken), []byte(r.Header.Get("X-Security-Token"))):
			return tempKey{}, errs.AccessKeyUnknown.With(ak)
		case !s.opts.Now().Before(temp.expires):
			return tempKey{}, errs.TokenExpired.With()
		}
		key = temp
	}
	if skew := s.opts.Now().Sub(date).Abs(); skew > maxClockSkew {
		return tempKey{}, errs.ClockSkew.With(dateValue)
	}
	want := signString(key.secret, stringToSign(dateValue, canonicalRequest(r, signedHeaders, body)))
	if !hmac.Equal([]byte(want), []byte(signature)) {
		return tempKey{}, errs.SignatureMismatch.With()
	}
	return key, nil
}

// parseAuthorization splits "SDK-HMAC-SHA256 Access=<AK>, SignedHeaders=<h1;h2>, Signature=<hex>". The signed
// headers must include X-Sdk-Date, or the date check would prove nothing.
func parseAuthorization(v string) (ak string, signedHeaders []string, signature string, ok bool) {
	params, found := strings.CutPrefix(v, signAlgorithm+" ")
	if !found {
		return "", nil, "", false
	}
	fields := map[string]string{}
	for part := range strings.SplitSeq(params, ",") {
		k, val, found := strings.Cut(strings.TrimSpace(part), "=")
		if !found {
			return "", nil, "", false
		}
		fields[k] = val
	}
	ak, signature = fields["Access"], fields["Signature"]
	signedHeaders = strings.Split(fields["SignedHeaders"], ";")
	if ak == "" || signature == "" || !slices.Contains(signedHeaders, strings.ToLower(headerSdkDate)) {
		return "", nil, "", false
	}
	return ak, signedHeaders, signature, true
}

// canonicalRequest is METHOD, canonical URI, canonical query, canonical headers, signed header list and body
// hash, joined by newlines.
func canonicalRequest(r *http.Request, signedHeaders []string, body []byte) string {
	// Only a signed hash header stands for the body: unsigned, anyone on the way could send another body
	// with the hash of the signed one. The SDK's signer signs it whenever it sets it.
	var bodyHash string
	if slices.Contains(signedHeaders, strings.ToLower(headerBodyHash)) {
		bodyHash = r.Header.Get(headerBodyHash)
	}
	if bodyHash == "" {
		sum := sha256.Sum256(body)
		bodyHash = hex.EncodeToString(sum[:])
	}
	return strings.Join([]string{
		r.Method,
		canonicalURI(r.URL.Path),
		canonicalQuery(r),
		canonicalHeaders(r, signedHeaders),
		strings.Join(signedHeaders, ";"),
		bodyHash,
	}, "\n")
}

// canonicalURI escapes each path segment and always ends in "/".
func canonicalURI(path string) string {
	segments := strings.Split(path, "/")
	for i, seg := range segments {
		segments[i] = signEscape(seg)
	}
	uri := strings.Join(segments, "/")
	if !strings.HasSuffix(uri, "/") {
		uri += "/"
	}
	return uri
}

// canonicalQuery sorts keys, and the values of each key, and escapes both.
func canonicalQuery(r *http.Request) string {
	q := r.URL.Query()
	var pairs []string
	for _, k := range slices.Sorted(maps.Keys(q)) {
		for _, v := range slices.Sorted(slices.Values(q[k])) {
			pairs = append(pairs, signEscape(k)+"="+signEscape(v))
		}
	}
	return strings.Join(pairs, "&")
}

// canonicalHeaders renders "name:value\n" for every value of every signed header, in the signed order.
// Go moves the Host header out of r.Header into r.Host.
func canonicalHeaders(r *http.Request, signedHeaders []string) string {
	var b strings.Builder
	for _, name := range signedHeaders {
		values := r.Header.Values(name)
		if name == "host" {
			values = []string{r.Host}
		}
		for _, v := range slices.Sorted(slices.Values(values)) {
			b.WriteString(name + ":" + strings.TrimSpace(v) + "\n")
		}
	}
	return b.String()
}

func stringToSign(date, canonical string) string {
	sum := sha256.Sum256([]byte(canonical))
	return signAlgorithm + "\n" + date + "\n" + hex.EncodeToString(sum[:])
}

func signString(secret, s string) string {
	mac := hmac.New(sha256.New, []byte(secret))
	mac.Write([]byte(s))
	return hex.EncodeToString(mac.Sum(nil))
}

// signEscape percent-encodes everything outside A-Z a-z 0-9 _ - ~ . with upper-case hex.
func signEscape(s string) string {
	const hexDigits = "0123456789ABCDEF"
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		if 'A' <= c && c <= 'Z' || 'a' <= c && c <= 'z' || '0' <= c && c <= '9' || strings.IndexByte("_-~.", c) >= 0 {
			b.WriteByte(c)
			continue
		}
		b.WriteByte('%')
		b.WriteByte(hexDigits[c>>4])
		b.WriteByte(hexDigits[c&15])
	}
	return b.String()
}
