package server

import (
	"bytes"
	"reflect"
	"testing"
	"time"

	"github.com/alexedwards/scs/v2"
)

func TestSessionCodec(t *testing.T) {
	deadline := time.Date(2026, 12, 4, 15, 4, 5, 123456789, time.UTC)
	values := map[string]any{"user_id": int64(42), "credential": "0123abcd", "lang": "id", "flash": "signin.done", "x": true, "y": false, "neg": int64(-7), "": ""}
	b, err := SessionCodec{}.Encode(deadline, values)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.HasPrefix(b, sessionMagic) {
		t.Fatalf("not written by the codec: % x", b[:8])
	}
	d, v, err := SessionCodec{}.Decode(b)
	if err != nil || !d.Equal(deadline) || !reflect.DeepEqual(v, values) {
		t.Fatalf("round trip: %v %v %v", err, d, v)
	}
	// The same session, built in another order, is the same bytes (gob's were not).
	for i := 0; i < 20; i++ {
		again := map[string]any{}
		for k, x := range values {
			again[k] = x
		}
		if c, _ := (SessionCodec{}).Encode(deadline, again); !bytes.Equal(b, c) {
			t.Fatal("the same session encoded to other bytes")
		}
	}
	// Every cut of the bytes is refused, never a panic.
	for n := len(sessionMagic); n < len(b); n++ {
		if _, _, err := (SessionCodec{}).Decode(b[:n]); err == nil {
			t.Errorf("a session cut at %d of %d bytes was read", n, len(b))
		}
	}
	if _, _, err := (SessionCodec{}).Decode(append(append([]byte{}, b...), 0)); err == nil {
		t.Error("trailing bytes were accepted")
	}
	// A session written in gob (before this codec) is read; one holding another type than
	// int64, string or bool is written in gob.
	g, _ := scs.GobCodec{}.Encode(deadline, map[string]any{"user_id": int64(42), "lang": "en"})
	if d, v, err := (SessionCodec{}).Decode(g); err != nil || !d.Equal(deadline) || v["user_id"] != int64(42) || v["lang"] != "en" {
		t.Errorf("gob session: %v %v %v", err, d, v)
	}
	other, err := SessionCodec{}.Encode(deadline, map[string]any{"n": 1.5})
	if err != nil || bytes.HasPrefix(other, sessionMagic) {
		t.Fatalf("a float was not written in gob: %v", err)
	}
	if _, v, err := (SessionCodec{}).Decode(other); err != nil || v["n"] != 1.5 {
		t.Errorf("gob fallback: %v %v", err, v)
	}
	if !sameSession(g, b) == reflect.DeepEqual(map[string]any{"user_id": int64(42), "lang": "en"}, values) {
		t.Error("sameSession")
	}
}
