package bot

import (
	"context"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"fmt"
	"hash"
	"strconv"
	"sync"

	"github.com/redis/go-redis/v9"

	"nido/flows"
)

// Button data is signed so that a press Nido did not offer (a forged update,
// or data copied from another chat) reaches the flows marked Forged. The
// signature is the first sigBytes of HMAC-SHA256(key, chat id, data), base64url
// without padding, appended to the data: flows.MaxCallbackData + sigLen fits in
// Telegram's 64 bytes.

const (
	sigBytes = 9
	sigLen   = 12 // base64 of sigBytes
)

// signer signs and verifies button data with the deployment's shared key.
type signer struct {
	key []byte
	// macs are keyed HMACs to reuse: a keyboard signs every button, and a
	// new HMAC hashes the key twice before the data.
	macs *sync.Pool
}

// newSigner is a signer with key.
func newSigner(key []byte) signer {
	return signer{key: key, macs: &sync.Pool{New: func() any { return hmac.New(sha256.New, key) }}}
}

// loadSigner reads the callback key, creating it when this is the first
// process ever: SET NX makes every process end up with the same key.
func loadSigner(ctx context.Context, rdb redis.UniversalClient, k keys) (signer, error) {
	fresh := make([]byte, 32)
	if _, err := rand.Read(fresh); err != nil {
		return signer{}, fmt.Errorf("generate callback key: %w", err)
	}
	if err := rdb.SetNX(ctx, k.callbackKey(), base64.StdEncoding.EncodeToString(fresh), 0).Err(); err != nil {
		return signer{}, fmt.Errorf("store callback key: %w", err)
	}
	s, err := rdb.Get(ctx, k.callbackKey()).Result()
	if err != nil {
		return signer{}, fmt.Errorf("read callback key: %w", err)
	}
	key, err := base64.StdEncoding.DecodeString(s)
	if err != nil || len(key) < 16 {
		return signer{}, fmt.Errorf("callback key in Redis is not valid base64 of 16+ bytes")
	}
	return newSigner(key), nil
}

// sign returns data with its signature for a button in chatID.
func (s signer) sign(chatID int64, data string) (string, error) {
	if len(data) > flows.MaxCallbackData {
		return "", fmt.Errorf("button data is %d bytes, more than %d", len(data), flows.MaxCallbackData)
	}
	return data + s.mac(chatID, data), nil
}

// verify returns the data a signed button carried, and false when the
// signature does not match.
func (s signer) verify(chatID int64, signed string) (string, bool) {
	if len(signed) < sigLen {
		return "", false
	}
	data, sig := signed[:len(signed)-sigLen], signed[len(signed)-sigLen:]
	if !hmac.Equal([]byte(sig), []byte(s.mac(chatID, data))) {
		return "", false
	}
	return data, true
}

func (s signer) mac(chatID int64, data string) string {
	var h hash.Hash
	if s.macs != nil {
		h = s.macs.Get().(hash.Hash)
		defer s.macs.Put(h)
		h.Reset()
	} else {
		h = hmac.New(sha256.New, s.key)
	}
	var buf [64]byte
	msg := append(strconv.AppendInt(buf[:0], chatID, 10), 0)
	h.Write(msg)
	h.Write([]byte(data))
	var sum [sha256.Size]byte
	return base64.RawURLEncoding.EncodeToString(h.Sum(sum[:0])[:sigBytes])
}
