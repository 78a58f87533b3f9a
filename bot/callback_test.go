package bot

import (
	"fmt"
	"sync"
	"testing"
)

// A signer reusing its HMACs signs as a fresh HMAC does, from any number
// of goroutines at once, and tells a signature for another chat or other
// data from its own.
func TestReusedMacsSignAsNewOnes(t *testing.T) {
	key := []byte("0123456789abcdef0123456789abcdef")
	fresh, reused := signer{key: key}, newSigner(key)
	var wg sync.WaitGroup
	for g := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range 200 {
				chat, data := int64(g*1000+i), fmt.Sprintf("ap:yes:%d:%d", g, i)
				want, _ := fresh.sign(chat, data)
				got, err := reused.sign(chat, data)
				if err != nil || got != want {
					t.Errorf("sign(%d, %q) = %q, %v; a new HMAC gives %q", chat, data, got, err, want)
					return
				}
				if d, ok := reused.verify(chat, got); !ok || d != data {
					t.Errorf("verify(%d, own signature) = %q, %v", chat, d, ok)
				}
				if _, ok := reused.verify(chat+1, got); ok {
					t.Errorf("a signature for chat %d passed for chat %d", chat, chat+1)
				}
			}
		}()
	}
	wg.Wait()
}
